import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { accountBusinessDate, accountDecider } from '@billing/receivables/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { dateInZone, isBusinessDate, NotFoundError, ValidationError } from '@billing/shared/kernel';
import {
  ApiProblems,
  CLOCK,
  Ctx,
  EVENT_STORE,
  AsOfQuery,
  asOfFrom,
  IsBusinessDate,
  page,
  PageQuery,
  READ_MODELS,
  SETTINGS,
  TOTAL_COUNT_HEADER,
  type Clock,
  type RequestContext,
  type Settings,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore, type TenantReadModels } from '@billing/shared/read-models';
import { resolveAccountStream } from '../commands/account.command';
import {
  ACCOUNTS,
  accountKey,
  AGING_TOTALS,
  ENTRIES,
  ITEMS,
  RETAINAGE,
  type AccountView,
  type AgingTotalsView,
  type EntryView,
  type ReceivableItem,
  type RetainageView,
} from './accounts.projection';
import { agingAsOf, agingByCustomer, currentTotals, statement, totalsByCurrency } from './account-reports';
import { AccountDetail, AccountSummary, Aging, CustomerAging, Statement } from './receivables.queries.responses';
import { AccountAsOf } from './account-state.responses';

export class AgingQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'date', description: 'YYYY-MM-DD, defaults to today', example: '2026-04-15' }) @IsOptional() @IsBusinessDate() asOf?: string;
}

@ApiTags('receivables')
@Controller()
export class ReceivablesQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Get('accounts')
  @ApiOperation({ summary: 'Customer accounts by name, with balance and unapplied credit' })
  @ApiOkResponse({ type: [AccountSummary], description: 'One page of accounts', headers: TOTAL_COUNT_HEADER })
  @ApiProblems(400)
  async list(@Ctx() ctx: RequestContext, @Query() paging: PageQuery, @Res({ passthrough: true }) response: Response) {
    const accounts = await page<AccountView>(this.tenant(ctx), response, ACCOUNTS, {}, { customerName: 1 }, paging);
    return accounts.map(({ customerId, customerName, currency, balance, unappliedCredit }) => ({ customerId, customerName, currency, balance, unappliedCredit }));
  }

  @Get('accounts/:customerId')
  @ApiOperation({ summary: "A customer's account: balance, unapplied credit, open items and every invoice with its reminders" })
  @ApiOkResponse({ type: AccountDetail, description: 'The account' })
  @ApiProblems(400, [404, 'No account for the customer (no invoice was issued to it)'])
  async account(@Param('customerId', ParseUUIDPipe) customerId: string, @Ctx() ctx: RequestContext) {
    const { customerName, currency, balance, unappliedCredit } = await this.find(customerId, ctx);
    const items = await this.tenant(ctx).find<ReceivableItem>(ITEMS, { customerId }, { sort: { dueDate: 1, number: 1 } });
    const invoices = items.map(({ invoiceId, number, contractId, issueDate, dueDate, total, open, paid, credited, writtenOff, cancelled, reminders }) => ({
      invoiceId,
      number,
      contractId,
      issueDate,
      dueDate,
      total,
      open,
      paid,
      credited,
      writtenOff,
      cancelled,
      reminders,
    }));
    // Open items are what the customer still owes; every invoice ever opened on the account is in `invoices`.
    const openItems = invoices.filter((item) => item.open > 0);
    return { customerId, customerName, currency, balance, unappliedCredit, openItems, invoices };
  }

  @Get('accounts/:customerId/statement')
  @ApiOperation({ summary: "A customer's statement for a period: balance brought forward, the period's entries, closing balance" })
  @ApiQuery({ name: 'from', description: 'YYYY-MM-DD', schema: { type: 'string', format: 'date', example: '2026-01-01' } })
  @ApiQuery({ name: 'to', description: 'YYYY-MM-DD, on or after `from`', schema: { type: 'string', format: 'date', example: '2026-06-30' } })
  @ApiOkResponse({ type: Statement, description: 'The statement' })
  @ApiProblems([400, 'A malformed id, or `from` and `to` are not dates with `from` on or before `to`'], [404, 'No account for the customer (no invoice was issued to it)'])
  async statement(@Param('customerId', ParseUUIDPipe) customerId: string, @Query('from') from: string, @Query('to') to: string, @Ctx() ctx: RequestContext) {
    if (!isBusinessDate(from) || !isBusinessDate(to) || from > to) throw new ValidationError('from and to are calendar dates YYYY-MM-DD, from on or before to');
    const account = await this.find(customerId, ctx);
    const earlier = await this.tenant(ctx).find<EntryView>(ENTRIES, { customerId, date: { $lt: from } });
    const period = await this.tenant(ctx).find<EntryView>(ENTRIES, { customerId, date: { $gte: from, $lte: to } }, { sort: { date: 1, position: 1 } });
    return statement(
      account,
      earlier.reduce((total, entry) => total + entry.amount, 0),
      period,
      from,
      to,
    );
  }

  /** AR aging as of a date: every customer with something open or retainage held, and totals per currency (amounts of different currencies are never added). */
  @Get('aging')
  @ApiOperation({ summary: 'AR aging as of a date: one page of the customers with something open or retainage held, by name, and the totals of all per currency' })
  @ApiOkResponse({ type: Aging, description: 'The aging: the totals of every customer, the customers of the page', headers: TOTAL_COUNT_HEADER })
  @ApiProblems([400, '`asOf` is not a date, or the page is out of range'])
  async aging(@Ctx() ctx: RequestContext, @Query() query: AgingQuery, @Res({ passthrough: true }) response: Response) {
    const date = this.date(query.asOf);
    const tenant = this.tenant(ctx);
    const totals = await tenant.get<AgingTotalsView>(AGING_TOTALS, ctx.tenantId);
    if (totals && date >= totals.lastDate) {
      // Nothing happened after the date: the totals follow from the kept dues, and only the page's customers are read.
      const accounts = await page<AccountView>(tenant, response, ACCOUNTS, { aged: true }, { customerName: 1 }, query);
      const customerId = { $in: accounts.map((account) => account.customerId) };
      const items = await tenant.find<ReceivableItem>(ITEMS, { customerId, closedOn: { $gt: date } });
      const retainage = await tenant.find<RetainageView>(RETAINAGE, { customerId, heldUntil: { $gt: date } });
      return { asOf: date, customers: agingByCustomer(items, retainage, date), currencies: currentTotals(totals, date) };
    }
    // An earlier date: only what was open on it can age, so items closed before it and released retainage are never read.
    const items = await tenant.find<ReceivableItem>(ITEMS, { closedOn: { $gt: date } });
    const retainage = await tenant.find<RetainageView>(RETAINAGE, { heldUntil: { $gt: date } });
    const customers = agingByCustomer(items, retainage, date);
    const { limit = 100, offset = 0 } = query;
    response.setHeader('X-Total-Count', String(customers.length));
    return { asOf: date, customers: customers.slice(offset, offset + limit), currencies: totalsByCurrency(customers) };
  }

  @Get('accounts/:customerId/aging')
  @ApiOperation({ summary: "A customer's aging as of a date, invoice by invoice, with retainage held beside the buckets" })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD, defaults to today', schema: { type: 'string', format: 'date', example: '2026-04-15' } })
  @ApiOkResponse({ type: CustomerAging, description: "The customer's aging" })
  @ApiProblems([400, 'A malformed id, or `asOf` is not a date'], [404, 'No account for the customer (no invoice was issued to it)'])
  async customerAging(@Param('customerId', ParseUUIDPipe) customerId: string, @Ctx() ctx: RequestContext, @Query('asOf') asOf?: string) {
    const date = this.date(asOf);
    const account = await this.find(customerId, ctx);
    const items = await this.tenant(ctx).find<ReceivableItem>(ITEMS, { customerId, closedOn: { $gt: date } });
    const retainage = await this.tenant(ctx).find<RetainageView>(RETAINAGE, { customerId, heldFrom: { $lte: date } });
    return agingAsOf(account, items, retainage, date);
  }

  /** Audit: the account on both axes (ADR 17): as known at an instant, as of a business date, or both. */
  @Get('accounts/:customerId/as-of')
  @ApiOperation({ summary: 'Audit: the account as known at an instant (`at`) and/or as of a business date (`date`), from its events' })
  @ApiOkResponse({ type: AccountAsOf, description: 'The account as it stood then' })
  @ApiProblems([400, 'A malformed id, neither `at` nor `date`, `at` not an ISO 8601 instant or `date` not a date'], [404, 'The account did not exist then'])
  async asOf(@Param('customerId', ParseUUIDPipe) customerId: string, @Query() query: AsOfQuery, @Ctx() ctx: RequestContext) {
    const asOf = asOfFrom(query, this.clock.now());
    const stream = await resolveAccountStream(this.store, ctx.tenantId, customerId);
    const dating = { businessDate: accountBusinessDate, timeZone: this.settings.timeZone };
    const { state, events } = await stateAsOf(this.store, stream, accountDecider, asOf, ctx.tenantId, dating);
    if (state.status === 'none') throw new NotFoundError(`account ${customerId} did not exist then`);
    return { asOf: asOf.knownAt.toISOString(), date: asOf.date, eventsApplied: events.length, account: state };
  }

  private date(asOf?: string): string {
    if (asOf === undefined) return dateInZone(this.clock.now(), this.settings.timeZone);
    if (!isBusinessDate(asOf)) throw new ValidationError('asOf must be a calendar date YYYY-MM-DD');
    return asOf;
  }

  private tenant(ctx: RequestContext): TenantReadModels {
    return forTenant(this.readModels, ctx.tenantId);
  }

  private async find(customerId: string, ctx: RequestContext): Promise<AccountView> {
    const account = await this.tenant(ctx).get<AccountView>(ACCOUNTS, accountKey(ctx.tenantId, customerId));
    if (!account) throw new NotFoundError(`no account for customer ${customerId}`);
    return account;
  }
}
