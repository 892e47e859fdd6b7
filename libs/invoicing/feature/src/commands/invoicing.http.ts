import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LedgerCommand, LedgerEvent, LedgerState } from '@billing/invoicing/domain';
import type { CommandResult } from '@billing/shared/event-store';
import { IllegalStateError, NotFoundError } from '@billing/shared/kernel';
import {
  ApiBodyExamples,
  ApiProblems,
  ContextRuntime,
  Creates,
  Ctx,
  READ_MODELS,
  ReasonBody,
  type RequestContext,
  uuidParam,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { INVOICES, type InvoiceView } from '../read-models/invoices.projection';
import { CreditNoteDto, IssueDto, RetainageReleaseDto } from './invoicing.dto';
import { ExecuteLedgerCommand, IssueDocument } from './ledger.command';
import { CreditNoteView, InvoiceDocument } from '../read-models/invoicing.queries.responses';
import { CREDIT_NOTE, ISSUE, RETAINAGE_RELEASE, VOID } from './invoicing.examples';

type Result = CommandResult<LedgerState, LedgerEvent>;

@ApiTags('invoicing')
@Controller()
export class InvoicingHttp {
  constructor(
    private readonly runtime: ContextRuntime,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
  ) {}

  @Post('invoices/:id/issue')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Issue a draft invoice: it takes the next number of the series and opens on the customer's account moments later",
  })
  @ApiBodyExamples(IssueDto, ISSUE)
  @ApiOkResponse({
    type: InvoiceDocument,
    description: 'The invoice, issued (issuing an issued invoice again answers the same)',
  })
  @ApiProblems(
    400,
    404,
    [
      409,
      'The invoice is not a draft, was issued on another date than the one given, or its total is not the `reviewedTotal` given',
    ],
    [
      422,
      'The issue date is before the period end (or release date) it bills, or before a retainage release the pay application counts',
    ],
  )
  async issue(
    @Param('id', uuidParam('id')) invoiceId: string,
    @Body() body: IssueDto,
    @Ctx() ctx: RequestContext,
  ) {
    const invoice = await this.invoice(invoiceId, ctx);
    const { reviewedTotal } = body;
    const result = await this.runtime.run<Result>(
      new IssueDocument(
        invoice.contractId,
        {
          type: 'IssueInvoice',
          invoiceId,
          issueDate: body.date ?? ctx.today,
          ...(reviewedTotal === undefined ? {} : { reviewedTotal }),
        },
        ctx,
      ),
    );
    const issued = documentView(result, invoiceId);
    // Asked again with the date it was issued on (or none) it answers the same; with another date,
    // that date was not taken.
    if (body.date !== undefined && issued.issueDate !== body.date)
      throw new IllegalStateError(
        `invoice ${issued.number} was issued on ${issued.issueDate}; issuing it again on ${body.date} changes nothing`,
      );
    return issued;
  }

  @Post('invoices/:id/void')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Void an issued invoice, with the reason: a voided pay application is drafted again for review',
  })
  @ApiBodyExamples(ReasonBody, VOID)
  @ApiOkResponse({ type: InvoiceDocument, description: 'The invoice, void' })
  @ApiProblems(
    400,
    404,
    [409, 'The invoice is not issued'],
    [
      422,
      'The void date is before the issue date, the invoice is paid or credited, or a later document builds on it: a later pay application, or a retainage release after it (correct it with a credit note)',
    ],
  )
  async void(
    @Param('id', uuidParam('id')) invoiceId: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    const invoice = await this.invoice(invoiceId, ctx);
    return documentView(
      await this.send(
        invoice.contractId,
        {
          type: 'VoidInvoice',
          invoiceId,
          voidedOn: body.date ?? ctx.today,
          reason: body.reason,
          redraftInvoiceId: ctx.newId('redraft'),
        },
        ctx,
      ),
      invoiceId,
    );
  }

  @Post('invoices/:id/credit-notes')
  @ApiOperation({
    summary: 'Issue a credit note against an issued invoice (tax added at the invoice rate)',
  })
  @ApiBodyExamples(CreditNoteDto, CREDIT_NOTE)
  @ApiCreatedResponse({ type: CreditNoteView, description: 'The credit note, numbered' })
  @ApiProblems(
    400,
    404,
    [409, 'The invoice is not issued'],
    [
      422,
      "The date is before the invoice's issue date, or the total exceeds what is left to credit",
    ],
  )
  async creditNote(
    @Param('id', uuidParam('id')) invoiceId: string,
    @Body() body: CreditNoteDto,
    @Ctx() ctx: RequestContext,
  ) {
    const invoice = await this.invoice(invoiceId, ctx);
    const creditNoteId = ctx.newId('credit-note');
    const completion = {
      type: 'IssueCreditNote' as const,
      creditNoteId,
      invoiceId,
      amount: body.amount,
      issueDate: body.date ?? ctx.today,
      reason: body.reason,
    };
    const result = await this.runtime.run<Result>(
      new IssueDocument(invoice.contractId, completion, ctx),
    );
    if (result.state.status === 'none') throw new NotFoundError('contract ledger not found');
    return result.state.creditNotes.find((note) => note.creditNoteId === creditNoteId);
  }

  @Post('contracts/:contractId/retainage-release')
  @ApiOperation({
    summary:
      'Draft the retainage release invoice: once completed (drafted on completion anyway), or earlier when agreed',
    description:
      "A release bills the retainage held (line 5 of the last pay application). One still in draft gives way when work becomes billable again (a later certification, a void): once that work is issued, a completed contract's release is drafted again, an agreed one is agreed again. Work billed after an issued release holds back only its own retainage (G702 line 5c, line 7), released in turn.",
  })
  @ApiBodyExamples(RetainageReleaseDto, RETAINAGE_RELEASE)
  @Creates(
    { type: InvoiceDocument, description: 'The release, in draft' },
    (answer: InvoiceDocument) => `/invoices/${answer.invoiceId}`,
  )
  @ApiProblems(
    400,
    [404, 'No billing ledger for the contract (is it active?)'],
    [
      409,
      'Not completed and not agreed, a pay application is still in draft, or the release is already billed',
    ],
    [
      422,
      "No retainage is held, or the date is before the release is due (the completion, or the last pay application's issue if later)",
    ],
  )
  async release(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Body() body: RetainageReleaseDto,
    @Ctx() ctx: RequestContext,
  ) {
    const invoiceId = ctx.newId('retainage-release');
    return documentView(
      await this.send(
        contractId,
        {
          type: 'DraftRetainageRelease',
          invoiceId,
          releasedOn: body.date ?? ctx.today,
          agreed: body.agreed ?? false,
        },
        ctx,
      ),
      invoiceId,
    );
  }

  private send(contractId: string, command: LedgerCommand, ctx: RequestContext) {
    return this.runtime.run<Result>(new ExecuteLedgerCommand(contractId, command, ctx));
  }

  private async invoice(invoiceId: string, ctx: RequestContext): Promise<InvoiceView> {
    const invoice = await forTenant(this.readModels, ctx.tenantId).get<InvoiceView>(
      INVOICES,
      invoiceId,
    );
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
    return invoice;
  }
}

function documentView(result: Result, invoiceId: string) {
  const invoice =
    result.state.status === 'open'
      ? result.state.invoices.find((candidate) => candidate.invoiceId === invoiceId)
      : undefined;
  if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
  const { g702: _g702, g703: _g703, ...summary } = invoice;
  return {
    ...summary,
    contractId: result.state.status === 'open' ? result.state.contractId : undefined,
  };
}
