import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ledgerDecider, ledgerStream, findInvoice } from '@billing/invoicing/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { NotFoundError } from '@billing/shared/kernel';
import { ApiProblems, Ctx, EVENT_STORE, page, ParseInstantPipe, READ_MODELS, TOTAL_COUNT_HEADER, type RequestContext } from '@billing/shared/nest';
import { InvoiceListQuery } from './invoicing.queries.dto';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { INVOICES, LEDGERS, type InvoiceView, type LedgerView } from './invoices.projection';
import { BillingLedger, InvoiceAsOf, InvoiceView as InvoiceDetail } from './invoicing.queries.responses';

@ApiTags('invoicing')
@Controller()
export class InvoicingQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('invoices')
  @ApiOperation({ summary: 'Invoices by contract, application number and number, optionally by contract, status or customer' })
  @ApiOkResponse({ type: [InvoiceDetail], description: 'One page of invoices, each with its G702/G703', headers: TOTAL_COUNT_HEADER })
  @ApiProblems(400)
  list(@Ctx() ctx: RequestContext, @Query() filter: InvoiceListQuery, @Res({ passthrough: true }) response: Response) {
    const query: Record<string, unknown> = {};
    if (filter.contractId) query.contractId = filter.contractId;
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query['customer.id'] = filter.customerId;
    return page<InvoiceView>(forTenant(this.readModels, ctx.tenantId), response, INVOICES, query, { contractId: 1, applicationNo: 1, number: 1 }, filter);
  }

  /** Detail with every G702 line and G703 column. */
  @Get('invoices/:id')
  @ApiOperation({ summary: 'An invoice with every G702 line and G703 column, its contract, customer and credit notes' })
  @ApiOkResponse({ type: InvoiceDetail, description: 'The invoice' })
  @ApiProblems(400, 404)
  async detail(@Param('id', ParseUUIDPipe) invoiceId: string, @Ctx() ctx: RequestContext) {
    const invoice = await forTenant(this.readModels, ctx.tenantId).get<InvoiceView>(INVOICES, invoiceId);
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
    return invoice;
  }

  /** Audit: the invoice as it stood at an instant, from the ledger events recorded up to then. */
  @Get('invoices/:id/as-of')
  @ApiOperation({ summary: 'Audit: the invoice as it stood at an instant, from the ledger events recorded up to then' })
  @ApiQuery({ name: 'at', description: 'ISO 8601 instant', schema: { type: 'string', format: 'date-time', example: '2026-03-01T12:00:00Z' } })
  @ApiOkResponse({ type: InvoiceAsOf, description: 'The invoice as it stood then' })
  @ApiProblems([400, 'A malformed id, or `at` is not an ISO 8601 instant'], [404, 'Unknown invoice, or it did not exist at that instant'])
  async asOf(@Param('id', ParseUUIDPipe) invoiceId: string, @Query('at', ParseInstantPipe) instant: Date, @Ctx() ctx: RequestContext) {
    const current = await this.detail(invoiceId, ctx);
    const { state } = await stateAsOf(this.store, ledgerStream(current.contractId), ledgerDecider, instant, ctx.tenantId);
    const invoice = state.status === 'open' ? findInvoice(state, invoiceId) : undefined;
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} did not exist at ${instant.toISOString()}`);
    return { asOf: instant.toISOString(), invoice };
  }

  /** The contract's billing ledger: terms, certified work, every pay application, refusals. */
  @Get('contracts/:contractId/billing')
  @ApiOperation({ summary: "The contract's billing ledger: terms, certified work, every pay application and credit note, refusals" })
  @ApiOkResponse({ type: BillingLedger, description: 'The ledger' })
  @ApiProblems(400, [404, 'No billing ledger for the contract (is it active?)'])
  async ledger(@Param('contractId', ParseUUIDPipe) contractId: string, @Ctx() ctx: RequestContext) {
    const ledger = await forTenant(this.readModels, ctx.tenantId).get<LedgerView>(LEDGERS, contractId);
    if (!ledger) throw new NotFoundError(`no billing ledger for contract ${contractId} (is it active?)`);
    return ledger;
  }
}
