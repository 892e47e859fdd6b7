import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { dateInZone } from '@billing/shared/kernel';
import {
  ApiOkJsonOrCsv,
  ApiProblems,
  CLOCK,
  csvAnswer,
  Ctx,
  READ_MODELS,
  SETTINGS,
  TOTAL_COUNT_HEADER,
  wantsCsv,
  type Clock,
  type RequestContext,
  type Settings,
  invalidField,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { openDues } from './aging.query';
import { cashByWeek, cashTotals, dsoFor } from './cash.query';
import { CashForecast, CashForecastQuery, Dso, DsoQuery } from './cash.responses';
import {
  CASH_COLUMNS,
  CASH_EXAMPLE,
  cashCsvRows,
  DSO_COLUMNS,
  DSO_EXAMPLE,
} from './receivables.csv';

/**
 * Finance's receivables queries (ADR 20): cash expected by week of due date, DSO over a period.
 * Each answers JSON or CSV.
 */
@ApiTags('finance')
@Controller()
export class CashQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Get('cash-forecast')
  @ApiOperation({
    summary:
      'Cash expected by week: what is open as of a date, by ISO week of its due date and currency (past weeks: overdue)',
  })
  @ApiOkJsonOrCsv({
    type: CashForecast,
    description: 'One page of the weeks, and the totals of all per currency',
    headers: TOTAL_COUNT_HEADER,
    example: CASH_EXAMPLE,
  })
  @ApiProblems([400, '`asOf` is not a date, or the page is out of range'])
  async cashForecast(
    @Ctx() ctx: RequestContext,
    @Query() query: CashForecastQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const asOf = query.asOf ?? dateInZone(this.clock.now(), this.settings.timeZone);
    const weeks = cashByWeek(
      await openDues(forTenant(this.readModels, ctx.tenantId), asOf, filterOf(query)),
      asOf,
    );
    const { limit = 100, offset = 0 } = query;
    response.setHeader('X-Total-Count', String(weeks.length));
    const forecast = {
      asOf,
      weeks: weeks.slice(offset, offset + limit),
      currencies: cashTotals(weeks),
    };
    return wantsCsv(request, query.format)
      ? csvAnswer(response, `cash-forecast-${asOf}`, CASH_COLUMNS, cashCsvRows(forecast))
      : forecast;
  }

  @Get('dso')
  @ApiOperation({
    summary:
      'Days sales outstanding over a period, per currency: receivables open at its end / credit sales of the period x its days',
  })
  @ApiOkJsonOrCsv({
    type: Dso,
    description: 'One page of the currencies',
    headers: TOTAL_COUNT_HEADER,
    example: DSO_EXAMPLE,
  })
  @ApiProblems([
    400,
    '`from` and `to` are not dates with `from` on or before `to`, or the page is out of range',
  ])
  async dso(
    @Ctx() ctx: RequestContext,
    @Query() query: DsoQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { from, to, limit = 100, offset = 0 } = query;
    if (from > to) throw invalidField('from', 'from must be on or before to');
    const currencies = await dsoFor(
      forTenant(this.readModels, ctx.tenantId),
      from,
      to,
      filterOf(query),
    );
    response.setHeader('X-Total-Count', String(currencies.length));
    const answer = { from, to, currencies: currencies.slice(offset, offset + limit) };
    return wantsCsv(request, query.format)
      ? csvAnswer(
          response,
          `dso-${from}-${to}`,
          DSO_COLUMNS,
          answer.currencies.map((row) => ({ from, to, ...row })),
        )
      : answer;
  }
}

const filterOf = ({ currency, customerId }: { currency?: string; customerId?: string }) => ({
  currency,
  customerId,
});
