import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ledgerDecider, ledgerStream, findInvoice } from '@billing/invoicing/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { NotFoundError } from '@billing/shared/kernel';
import { Ctx, EVENT_STORE, page, ParseInstantPipe, READ_MODELS, type RequestContext } from '@billing/shared/nest';
import { InvoiceListQuery } from './invoicing.queries.dto';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { INVOICES, LEDGERS, type InvoiceView, type LedgerView } from './invoices.projection';

@ApiTags('invoicing')
@Controller()
export class InvoicingQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('invoices')
  list(@Ctx() ctx: RequestContext, @Query() filter: InvoiceListQuery, @Res({ passthrough: true }) response: Response) {
    const query: Record<string, unknown> = {};
    if (filter.contractId) query.contractId = filter.contractId;
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query['customer.id'] = filter.customerId;
    return page<InvoiceView>(forTenant(this.readModels, ctx.tenantId), response, INVOICES, query, { contractId: 1, applicationNo: 1, number: 1 }, filter);
  }

  /** Detail with every G702 line and G703 column. */
  @Get('invoices/:id')
  async detail(@Param('id', ParseUUIDPipe) invoiceId: string, @Ctx() ctx: RequestContext) {
    const invoice = await forTenant(this.readModels, ctx.tenantId).get<InvoiceView>(INVOICES, invoiceId);
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found`);
    return invoice;
  }

  /** Audit: the invoice as it stood at an instant, from the ledger events recorded up to then. */
  @Get('invoices/:id/as-of')
  @ApiQuery({ name: 'at', description: 'ISO 8601 instant' })
  async asOf(@Param('id', ParseUUIDPipe) invoiceId: string, @Query('at', ParseInstantPipe) instant: Date, @Ctx() ctx: RequestContext) {
    const current = await this.detail(invoiceId, ctx);
    const { state } = await stateAsOf(this.store, ledgerStream(current.contractId), ledgerDecider, instant, ctx.tenantId);
    const invoice = state.status === 'open' ? findInvoice(state, invoiceId) : undefined;
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} did not exist at ${instant.toISOString()}`);
    return { asOf: instant.toISOString(), invoice };
  }

  /** The contract's billing ledger: terms, certified work, every pay application, refusals. */
  @Get('contracts/:contractId/billing')
  async ledger(@Param('contractId', ParseUUIDPipe) contractId: string, @Ctx() ctx: RequestContext) {
    const ledger = await forTenant(this.readModels, ctx.tenantId).get<LedgerView>(LEDGERS, contractId);
    if (!ledger) throw new NotFoundError(`no billing ledger for contract ${contractId} (is it active?)`);
    return ledger;
  }
}
