import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { accountBusinessDate, accountDecider, byDueThenNumber } from '@billing/receivables/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { dateInZone, isBusinessDate, NotFoundError } from '@billing/shared/kernel';
import {
  ApiFormatQuery,
  ApiOkJsonOrCsv,
  ApiProblems,
  csvAnswer,
  formatOf,
  FormatProperty,
  wantsCsv,
  type Format,
  CLOCK,
  Ctx,
  EVENT_STORE,
  AsOfQuery,
  asOfFrom,
  IsBusinessDate,
  page,
  ListQuery,
  READ_MODELS,
  SETTINGS,
  LIST_HEADERS,
  type Clock,
  type RequestContext,
  type Settings,
  uuidParam,
  invalidField,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore, type TenantReadModels } from '@billing/shared/read-models';
import { resolveAccountStream } from '../commands/account.command';
import {
  ACCOUNTS,
  accountKey,
  ITEMS,
  RETAINAGE,
  type AccountView,
  type ReceivableItem,
  type RetainageView,
} from './accounts.projection';
import { agingAsOf } from './account-reports';
import { statementFor } from './statement.query';
import { agingFor } from './aging.query';
import {
  AGING_COLUMNS,
  AGING_EXAMPLE,
  agingCsvRows,
  CUSTOMER_AGING_COLUMNS,
  CUSTOMER_AGING_EXAMPLE,
  customerAgingCsvRows,
  STATEMENT_COLUMNS,
  STATEMENT_EXAMPLE,
  statementCsvRows,
} from './receivables.csv';
import {
  AccountDetail,
  AccountSummary,
  Aging,
  CustomerAging,
  Statement,
} from './receivables.queries.responses';
import { AccountAsOf } from './account-state.responses';

export class AgingQuery extends ListQuery {
  @ApiPropertyOptional({
    format: 'date',
    description: 'YYYY-MM-DD, defaults to today',
    example: '2026-04-15',
  })
  @IsOptional()
  @IsBusinessDate()
  asOf?: string;
  @ApiPropertyOptional({
    pattern: '^[A-Z]{3}$',
    description: 'Only accounts in this currency (ISO 4217)',
    example: 'USD',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
  @ApiPropertyOptional({
    minLength: 1,
    description: 'Only this customer',
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  customerId?: string;
  @FormatProperty() format?: Format;
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
  @ApiOkResponse({
    type: [AccountSummary],
    description: 'One page of accounts',
    headers: LIST_HEADERS,
  })
  @ApiProblems(400)
  async list(
    @Ctx() ctx: RequestContext,
    @Query() paging: ListQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const accounts = await page<AccountView>(
      this.tenant(ctx),
      response,
      ACCOUNTS,
      {},
      { customerName: 1 },
      paging,
    );
    return accounts.map(({ customerId, customerName, currency, balance, unappliedCredit }) => ({
      customerId,
      customerName,
      currency,
      balance,
      unappliedCredit,
    }));
  }

  @Get('accounts/:customerId')
  @ApiOperation({
    summary:
      "A customer's account: balance, unapplied credit, open items and every invoice with its reminders",
  })
  @ApiOkResponse({ type: AccountDetail, description: 'The account' })
  @ApiProblems(400, [404, 'No account for the customer (no invoice was issued to it)'])
  async account(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Ctx() ctx: RequestContext,
  ) {
    const account = await this.find(customerId, ctx);
    const { customerName, currency, balance, unappliedCredit } = account;
    // By due date, then number as numbers go (INV-2026-99999 before INV-2026-100000): the whole
    // account is read, so it is ordered here rather than by the index's text order.
    const items = (await this.tenant(ctx).find<ReceivableItem>(ITEMS, { customerId })).sort(
      byDueThenNumber,
    );
    const invoices = items.map(
      ({
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
      }) => ({
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
      }),
    );
    // Open items are what the customer still owes; every invoice ever opened on the account is in
    // `invoices`.
    const openItems = invoices.filter((item) => item.open > 0);
    // What the account and its items lack (parked events), as `degraded` (ReadModelInterceptor).
    const parked = [account, ...items].flatMap(
      (doc) => (doc as { _parked?: unknown[] })._parked ?? [],
    );
    return {
      customerId,
      customerName,
      currency,
      balance,
      unappliedCredit,
      openItems,
      invoices,
      ...(parked.length > 0 ? { _parked: parked } : {}),
    };
  }

  @Get('accounts/:customerId/statement')
  @ApiOperation({
    summary:
      "A customer's statement for a period: balance brought forward, the period's entries, closing balance",
  })
  @ApiQuery({
    name: 'from',
    description: 'YYYY-MM-DD',
    schema: { type: 'string', format: 'date', example: '2026-01-01' },
  })
  @ApiQuery({
    name: 'to',
    description: 'YYYY-MM-DD, on or after `from`',
    schema: { type: 'string', format: 'date', example: '2026-06-30' },
  })
  @ApiFormatQuery()
  @ApiOkJsonOrCsv({ type: Statement, description: 'The statement', example: STATEMENT_EXAMPLE })
  @ApiProblems(
    [400, 'A malformed id, or `from` and `to` are not dates with `from` on or before `to`'],
    [404, 'No account for the customer (no invoice was issued to it)'],
  )
  async statement(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Query('from') from: string,
    @Query('to') to: string,
    @Ctx() ctx: RequestContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('format') format?: string,
  ) {
    const csv = wantsCsv(request, formatOf(format));
    const statement = await statementFor(this.readModels, ctx.tenantId, customerId, from, to);
    return csv
      ? csvAnswer(
          response,
          `statement-${customerId}-${from}-${to}`,
          STATEMENT_COLUMNS,
          statementCsvRows(statement),
        )
      : statement;
  }

  /**
   * AR aging as of a date: every customer with something open or retainage held, and totals per
   * currency (amounts of different currencies are never added).
   */
  @Get('aging')
  @ApiOperation({
    summary:
      'AR aging as of a date: one page of the customers with something open or retainage held, by name, and the totals of all per currency',
  })
  @ApiOkJsonOrCsv({
    type: Aging,
    description:
      'The aging: the totals of every customer the filter selects, the customers of the page',
    headers: LIST_HEADERS,
    example: AGING_EXAMPLE,
  })
  @ApiProblems([400, '`asOf` is not a date, or the page is out of range'])
  async aging(
    @Ctx() ctx: RequestContext,
    @Query() query: AgingQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const aging = await agingFor(
      this.tenant(ctx),
      this.date(query.asOf),
      { currency: query.currency, customerId: query.customerId },
      query,
      response,
    );
    return wantsCsv(request, query.format)
      ? csvAnswer(response, `aging-${aging.asOf}`, AGING_COLUMNS, agingCsvRows(aging))
      : aging;
  }

  @Get('accounts/:customerId/aging')
  @ApiOperation({
    summary:
      "A customer's aging as of a date, invoice by invoice, with retainage held beside the buckets",
  })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'YYYY-MM-DD, defaults to today',
    schema: { type: 'string', format: 'date', example: '2026-04-15' },
  })
  @ApiFormatQuery()
  @ApiOkJsonOrCsv({
    type: CustomerAging,
    description: "The customer's aging",
    example: CUSTOMER_AGING_EXAMPLE,
  })
  @ApiProblems(
    [400, 'A malformed id, or `asOf` is not a date'],
    [404, 'No account for the customer (no invoice was issued to it)'],
  )
  async customerAging(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Ctx() ctx: RequestContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('asOf') asOf?: string,
    @Query('format') format?: string,
  ) {
    const date = this.date(asOf);
    const csv = wantsCsv(request, formatOf(format));
    const account = await this.find(customerId, ctx);
    const items = await this.tenant(ctx).find<ReceivableItem>(ITEMS, {
      customerId,
      closedOn: { $gt: date },
    });
    const retainage = await this.tenant(ctx).find<RetainageView>(RETAINAGE, {
      customerId,
      heldFrom: { $lte: date },
    });
    const aging = agingAsOf(account, items, retainage, account.credit, date);
    return csv
      ? csvAnswer(
          response,
          `aging-${customerId}-${date}`,
          CUSTOMER_AGING_COLUMNS,
          customerAgingCsvRows(aging),
        )
      : aging;
  }

  /**
   * Audit: the account on both axes (ADR 17): as known at an instant, as of a business date, or
   * both.
   */
  @Get('accounts/:customerId/as-of')
  @ApiOperation({
    summary:
      'Audit: the account as known at an instant (`at`) and/or as of a business date (`date`), from its events',
  })
  @ApiOkResponse({ type: AccountAsOf, description: 'The account as it stood then' })
  @ApiProblems(
    [
      400,
      'A malformed id, neither `at` nor `date`, `at` not an ISO 8601 instant or `date` not a date',
    ],
    [404, 'The account did not exist then'],
  )
  async asOf(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Query() query: AsOfQuery,
    @Ctx() ctx: RequestContext,
  ) {
    const asOf = asOfFrom(query, this.clock.now());
    const stream = await resolveAccountStream(this.store, ctx.tenantId, customerId);
    const dating = { businessDate: accountBusinessDate, timeZone: this.settings.timeZone };
    const { state, events } = await stateAsOf(
      this.store,
      stream,
      accountDecider,
      asOf,
      ctx.tenantId,
      dating,
    );
    if (state.status === 'none')
      throw new NotFoundError(`account ${customerId} did not exist then`);
    return {
      asOf: asOf.knownAt.toISOString(),
      date: asOf.date,
      eventsApplied: events.length,
      account: state,
    };
  }

  private date(asOf?: string): string {
    if (asOf === undefined) return dateInZone(this.clock.now(), this.settings.timeZone);
    if (!isBusinessDate(asOf))
      throw invalidField('asOf', 'asOf must be a calendar date YYYY-MM-DD');
    return asOf;
  }

  private tenant(ctx: RequestContext): TenantReadModels {
    return forTenant(this.readModels, ctx.tenantId);
  }

  private async find(customerId: string, ctx: RequestContext): Promise<AccountView> {
    const account = await this.tenant(ctx).get<AccountView>(
      ACCOUNTS,
      accountKey(ctx.tenantId, customerId),
    );
    if (!account) throw new NotFoundError(`no account for customer ${customerId}`);
    return account;
  }
}
