import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ledgerDecider, ledgerStream, findInvoice } from '@billing/invoicing/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { NotFoundError } from '@billing/shared/kernel';
import { Ctx, EVENT_STORE, ParseInstantPipe, READ_MODELS, type RequestContext } from '@billing/shared/nest';
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
  @ApiQuery({ name: 'contractId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['draft', 'issued', 'void', 'withdrawn'] })
  @ApiQuery({ name: 'customerId', required: false })
  list(@Ctx() ctx: RequestContext, @Query('contractId') contractId?: string, @Query('status') status?: string, @Query('customerId') customerId?: string) {
    const query: Record<string, unknown> = {};
    if (contractId) query.contractId = contractId;
    if (status) query.status = status;
    if (customerId) query['customer.id'] = customerId;
    return forTenant(this.readModels, ctx.tenantId).find<InvoiceView>(INVOICES, query, { sort: { contractId: 1, applicationNo: 1, number: 1 } });
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
