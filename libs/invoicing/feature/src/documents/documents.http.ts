import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiParam, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  creditNoteDocumentOf,
  creditNoteIssueOf,
  invoiceDocumentOf,
  issueOf,
  ledgerStream,
  type LedgerEvent,
} from '@billing/invoicing/domain';
import type { EventStore } from '@billing/shared/event-store';
import { IllegalStateError, NotFoundError } from '@billing/shared/kernel';
import {
  ApiDocumentResponse,
  ApiProblems,
  Ctx,
  documentFile,
  EVENT_STORE,
  READ_MODELS,
  type RequestContext,
  uuidParam,
} from '@billing/shared/nest';
import { voidMark, type PageMark } from '@billing/shared/documents';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { decodeLedgerEvent } from '../invoicing.events';
import { INVOICES, LEDGERS, type InvoiceView } from '../read-models/invoices.projection';
import { renderCreditNote } from './credit-note.pdf';
import { renderPayApplication } from './pay-application.pdf';
import { renderReleaseInvoice } from './release-invoice.pdf';

/** Ledger events read at a time while looking for a document's issue. */
export const LEDGER_PAGE = 200;

/**
 * Documents as issued (README "Documents"): folded from the contract's ledger events up to the
 * document's own issue, never from the read models, which move on with payments, credit notes and
 * voids. The read model only says which contract's ledger to read; the ledger is read up to that
 * issue, a page at a time, never what came after it.
 */
@ApiTags('invoicing')
@Controller()
export class InvoicingDocuments {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('invoices/:id/pdf')
  @ApiOperation({
    summary:
      'The invoice as issued, as PDF: a pay application in the AIA G702/G703 layout, a retainage release as an invoice',
  })
  @ApiDocumentResponse(
    'application/pdf',
    'The PDF, the same bytes whenever it is rendered (once voided, every page is marked VOID with the date and reason); named by the invoice number',
  )
  @ApiProblems(400, 404, [
    409,
    'The invoice is a draft (or was withdrawn): its document exists once it is issued',
  ])
  async invoice(@Param('id', uuidParam('id')) invoiceId: string, @Ctx() ctx: RequestContext) {
    const view = await this.view(invoiceId, ctx);
    const events = await this.ledgerUntil(view.contractId, ctx, issueOf(invoiceId));
    const document = invoiceDocumentOf(events, invoiceId);
    if (!document)
      throw new IllegalStateError(
        `invoice ${invoiceId} is not issued: its document exists once it is`,
      );
    const pdf =
      document.kind === 'pay-application'
        ? await renderPayApplication(document, await this.markOf(view, ctx))
        : await renderReleaseInvoice(document, await this.markOf(view, ctx));
    return documentFile(pdf, 'application/pdf', document.invoice.number);
  }

  @Get('invoices/:id/credit-notes/:creditNoteId/pdf')
  @ApiOperation({ summary: 'A credit note on the invoice, as issued, as PDF' })
  @ApiParam({
    name: 'creditNoteId',
    description: "The credit note's id",
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiDocumentResponse(
    'application/pdf',
    'The PDF, the same bytes whenever it is rendered; named by the credit note number',
  )
  @ApiProblems(400, [404, 'Unknown invoice, or no such credit note on it'])
  async creditNote(
    @Param('id', uuidParam('id')) invoiceId: string,
    @Param('creditNoteId', uuidParam('creditNoteId')) creditNoteId: string,
    @Ctx() ctx: RequestContext,
  ) {
    const view = await this.view(invoiceId, ctx);
    const document = creditNoteDocumentOf(
      await this.ledgerUntil(view.contractId, ctx, creditNoteIssueOf(creditNoteId)),
      creditNoteId,
    );
    if (!document || document.invoice.invoiceId !== invoiceId)
      throw new NotFoundError(`credit note ${creditNoteId} not found on invoice ${invoiceId}`);
    return documentFile(
      await renderCreditNote(document),
      'application/pdf',
      document.creditNote.number,
    );
  }

  /**
   * The document is as issued; whether it was voided since is the invoice's status today, which an
   * event of its contract's ledger parked by the read models may leave out: then the PDF says so.
   */
  private async markOf(view: InvoiceView, ctx: RequestContext): Promise<PageMark | undefined> {
    if (view.status === 'void')
      return voidMark({ voidedOn: view.voidedOn!, reason: view.voidReason! });
    const ledger = await forTenant(this.readModels, ctx.tenantId).get<{ _parked?: unknown[] }>(
      LEDGERS,
      view.contractId,
    );
    const parked = ledger?._parked?.length ?? 0;
    return parked > 0
      ? {
          note: `INCOMPLETE: ${parked} event(s) of this contract's billing could not be applied yet; this invoice may have been voided since`,
        }
      : undefined;
  }

  private async view(invoiceId: string, ctx: RequestContext): Promise<InvoiceView> {
    const invoice = await forTenant(this.readModels, ctx.tenantId).get<InvoiceView>(
      INVOICES,
      invoiceId,
    );
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
    return invoice;
  }

  /** The tenant's events of the contract's ledger, up to the first one `last` picks (or all). */
  private async ledgerUntil(
    contractId: string,
    ctx: RequestContext,
    last: (event: LedgerEvent) => boolean,
  ): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for (let from = 0; ; from += LEDGER_PAGE) {
      const page = await this.store.readStream(ledgerStream(contractId), {
        fromRevision: from,
        maxCount: LEDGER_PAGE,
      });
      for (const recorded of page) {
        if (recorded.metadata.tenantId !== ctx.tenantId) continue;
        const event = decodeLedgerEvent(recorded);
        events.push(event);
        if (last(event)) return events;
      }
      if (page.length < LEDGER_PAGE) return events;
    }
  }
}
