import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ledgerBusinessDate,
  ledgerDecider,
  ledgerStream,
  findInvoice,
} from '@billing/invoicing/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { NotFoundError } from '@billing/shared/kernel';
import {
  ApiProblems,
  AsOfQuery,
  asOfFrom,
  CLOCK,
  Ctx,
  EVENT_STORE,
  page,
  READ_MODELS,
  SETTINGS,
  LIST_HEADERS,
  type Clock,
  type RequestContext,
  type Settings,
  uuidParam,
} from '@billing/shared/nest';
import { InvoiceListQuery } from './invoicing.queries.dto';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { INVOICES, LEDGERS, type InvoiceView, type LedgerView } from './invoices.projection';
import {
  BillingLedger,
  InvoiceAsOf,
  InvoiceView as InvoiceDetail,
} from './invoicing.queries.responses';

@ApiTags('invoicing')
@Controller()
export class InvoicingQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Get('invoices')
  @ApiOperation({
    summary:
      'Invoices by contract, application number and number, optionally by contract, status or customer',
  })
  @ApiOkResponse({
    type: [InvoiceDetail],
    description: 'One page of invoices, each with its G702/G703',
    headers: LIST_HEADERS,
  })
  @ApiProblems(400)
  list(
    @Ctx() ctx: RequestContext,
    @Query() filter: InvoiceListQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const query: Record<string, unknown> = {};
    if (filter.contractId) query.contractId = filter.contractId;
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query['customer.id'] = filter.customerId;
    return page<InvoiceView>(
      forTenant(this.readModels, ctx.tenantId),
      response,
      INVOICES,
      query,
      { contractId: 1, applicationNo: 1, number: 1 },
      filter,
    );
  }

  /** Detail with every G702 line and G703 column. */
  @Get('invoices/:id')
  @ApiOperation({
    summary:
      'An invoice with every G702 line and G703 column, its contract, customer and credit notes',
  })
  @ApiOkResponse({ type: InvoiceDetail, description: 'The invoice' })
  @ApiProblems(400, 404)
  async detail(@Param('id', uuidParam('id')) invoiceId: string, @Ctx() ctx: RequestContext) {
    const invoice = await forTenant(this.readModels, ctx.tenantId).get<InvoiceView>(
      INVOICES,
      invoiceId,
    );
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
    return invoice;
  }

  /**
   * Audit: the invoice (a pay application, a release) on both axes (ADR 17), from its contract's
   * ledger events.
   */
  @Get('invoices/:id/as-of')
  @ApiOperation({
    summary:
      'Audit: the invoice or pay application as known at an instant (`at`) and/or as of a business date (`date`), from the ledger events',
  })
  @ApiOkResponse({ type: InvoiceAsOf, description: 'The invoice as it stood then' })
  @ApiProblems(
    [
      400,
      'A malformed id, neither `at` nor `date`, `at` not an ISO 8601 instant or `date` not a date',
    ],
    [404, 'Unknown invoice, or it did not exist then'],
  )
  async asOf(
    @Param('id', uuidParam('id')) invoiceId: string,
    @Query() query: AsOfQuery,
    @Ctx() ctx: RequestContext,
  ) {
    const asOf = asOfFrom(query, this.clock.now());
    const current = await this.detail(invoiceId, ctx);
    const dating = { businessDate: ledgerBusinessDate, timeZone: this.settings.timeZone };
    const { state } = await stateAsOf(
      this.store,
      ledgerStream(current.contractId),
      ledgerDecider,
      asOf,
      ctx.tenantId,
      dating,
    );
    const ledger = state.status === 'open' ? state : undefined;
    const invoice = ledger && findInvoice(ledger, invoiceId);
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} did not exist then`);
    const openOnAccount = ledger.openOnAccount?.[invoiceId];
    return {
      asOf: asOf.knownAt.toISOString(),
      date: asOf.date,
      invoice: { ...invoice, ...(openOnAccount === undefined ? {} : { openOnAccount }) },
    };
  }

  /** The contract's billing ledger: terms, certified work, every pay application, refusals. */
  @Get('contracts/:contractId/billing')
  @ApiOperation({
    summary:
      "The contract's billing ledger: terms, certified work, every pay application and credit note, refusals",
  })
  @ApiOkResponse({ type: BillingLedger, description: 'The ledger' })
  @ApiProblems(400, [404, 'No billing ledger for the contract (is it active?)'])
  async ledger(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Ctx() ctx: RequestContext,
  ) {
    const ledger = await forTenant(this.readModels, ctx.tenantId).get<LedgerView>(
      LEDGERS,
      contractId,
    );
    if (!ledger)
      throw new NotFoundError(`no billing ledger for contract ${contractId} (is it active?)`);
    // What receivables said is open is the account's to answer (GET /accounts/:customerId).
    const { openOnAccount: _account, ...answer } = ledger;
    return answer;
  }
}
