import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@billing/shared/kernel';
import {
  ApiOkJsonOrCsv,
  ApiProblems,
  csvAnswer,
  Ctx,
  FormatQuery,
  page,
  READ_MODELS,
  LIST_HEADERS,
  wantsCsv,
  type RequestContext,
  uuidParam,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore, type TenantReadModels } from '@billing/shared/read-models';
import { CONTRACT_LEDGERS, ledgerFigures, type ContractLedgerView } from './contract-ledger';
import { ContractLedgerListQuery, ContractWipQuery, WipScheduleQuery } from './finance.queries.dto';
import { ContractLedgerRow, WipRow, WipSchedule } from './finance.queries.responses';
import {
  LEDGER_COLUMNS,
  LEDGER_EXAMPLE,
  WIP_COLUMNS,
  WIP_EXAMPLE,
  wipCsvRows,
  wipRow,
  wipTotals,
  withParked,
} from './finance.reports';
import {
  WIP_ROWS,
  WIP_TOTALS,
  wipTotalsKey,
  type WipRowView,
  type WipTotalsView,
} from './wip-schedule';

/**
 * Finance's contract queries (ADR 20): the contract ledger, and over/under billing (WIP) by period.
 * Each answers JSON or CSV.
 */
@ApiTags('finance')
@Controller()
export class ContractFinanceQueries {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  @Get('contract-ledgers')
  @ApiOperation({
    summary:
      'Contract ledgers by title: contract sum to date, completed and stored, billed, retainage held and released, paid, outstanding, remaining to bill',
  })
  @ApiOkJsonOrCsv({
    type: ContractLedgerRow,
    isArray: true,
    description: 'One page of contract ledgers',
    headers: LIST_HEADERS,
    example: LEDGER_EXAMPLE,
  })
  @ApiProblems(400)
  async ledgers(
    @Ctx() ctx: RequestContext,
    @Query() query: ContractLedgerListQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const filter = Object.fromEntries(
      Object.entries({
        status: query.status,
        customerId: query.customerId,
        currency: query.currency,
      }).filter(([, value]) => value),
    );
    const ledgers = (
      await page<ContractLedgerView>(
        this.tenant(ctx),
        response,
        CONTRACT_LEDGERS,
        filter,
        { title: 1 },
        query,
      )
    ).map((ledger) => withParked(ledger, ledgerFigures(ledger)));
    return wantsCsv(request, query.format)
      ? csvAnswer(response, 'contract-ledgers', LEDGER_COLUMNS, ledgers)
      : ledgers;
  }

  @Get('contract-ledgers/:contractId')
  @ApiOperation({ summary: "A contract's ledger: the same figures as the list, for one contract" })
  @ApiOkJsonOrCsv({ type: ContractLedgerRow, description: 'The ledger', example: LEDGER_EXAMPLE })
  @ApiProblems(400, 404)
  async ledger(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Ctx() ctx: RequestContext,
    @Query() query: FormatQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ledger = await this.tenant(ctx).get<ContractLedgerView>(CONTRACT_LEDGERS, contractId);
    if (!ledger) throw new NotFoundError(`contract ${contractId} not found`);
    const figures = withParked(ledger, ledgerFigures(ledger));
    return wantsCsv(request, query.format)
      ? csvAnswer(response, `contract-ledger-${contractId}`, LEDGER_COLUMNS, [figures])
      : figures;
  }

  @Get('wip')
  @ApiOperation({
    summary:
      "Over/under billing (WIP) schedule of a period: one page of the contracts that reported the period's costs, and the totals per currency",
  })
  @ApiOkJsonOrCsv({
    type: WipSchedule,
    description: 'The schedule: its contracts by customer name and title, and the totals of all',
    headers: LIST_HEADERS,
    example: WIP_EXAMPLE,
  })
  @ApiProblems([400, '`periodEnd` is not a date, or the page is out of range'])
  async wip(
    @Ctx() ctx: RequestContext,
    @Query() query: WipScheduleQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const tenant = this.tenant(ctx);
    const { periodEnd, currency, customerId } = query;
    const filter = Object.fromEntries(
      Object.entries({ periodEnd, currency, customerId }).filter(([, value]) => value),
    );
    const rows = await page<WipRowView>(
      tenant,
      response,
      WIP_ROWS,
      filter,
      { customerName: 1, title: 1 },
      query,
    );
    // Totals of everything the filter selects: the kept totals of the period, or (one customer's)
    // from its own rows.
    const selected = customerId ? await tenant.find<WipRowView>(WIP_ROWS, filter) : undefined;
    const kept = selected
      ? undefined
      : await tenant.get<WipTotalsView>(WIP_TOTALS, wipTotalsKey(ctx.tenantId, periodEnd));
    const currencies = wipTotals(kept, selected).filter(
      (totals) => !currency || totals.currency === currency,
    );
    const schedule = { periodEnd, contracts: rows.map(wipRow), currencies };
    return wantsCsv(request, query.format)
      ? csvAnswer(response, `wip-${periodEnd}`, WIP_COLUMNS, wipCsvRows(schedule))
      : schedule;
  }

  @Get('contracts/:id/wip')
  @ApiOperation({
    summary:
      "A contract's over/under billing (WIP) line for every period it reported costs for, oldest first",
  })
  @ApiOkJsonOrCsv({
    type: WipRow,
    isArray: true,
    description: 'One page of its WIP lines',
    headers: LIST_HEADERS,
    example: WIP_EXAMPLE,
  })
  @ApiProblems(400, 404)
  async contractWip(
    @Param('id', uuidParam('id')) contractId: string,
    @Ctx() ctx: RequestContext,
    @Query() query: ContractWipQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const tenant = this.tenant(ctx);
    if (!(await tenant.get(CONTRACT_LEDGERS, contractId)))
      throw new NotFoundError(`contract ${contractId} not found`);
    const rows = (
      await page<WipRowView>(tenant, response, WIP_ROWS, { contractId }, { periodEnd: 1 }, query)
    ).map(wipRow);
    return wantsCsv(request, query.format)
      ? csvAnswer(
          response,
          `wip-${contractId}`,
          WIP_COLUMNS,
          rows.map((row) => ({ row: 'contract', ...row })),
        )
      : rows;
  }

  private tenant(ctx: RequestContext): TenantReadModels {
    return forTenant(this.readModels, ctx.tenantId);
  }
}
