import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiOkJsonOrCsv,
  ApiProblems,
  csvAnswer,
  Ctx,
  READ_MODELS,
  TOTAL_COUNT_HEADER,
  wantsCsv,
  type RequestContext,
  invalidField,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { TIMELINESS, type TimelinessRow } from './billing-timeliness.projection';
import {
  byContract,
  summarize,
  TIMELINESS_COLUMNS,
  TIMELINESS_EXAMPLE,
} from './billing-timeliness';
import { BillingTimeliness, BillingTimelinessQuery } from './billing-timeliness.responses';

@ApiTags('finance')
@Controller()
export class BillingTimelinessQueries {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  /**
   * ADR 20: days from certification to the pay application's issue, per contract and overall, over
   * the applications issued in a period.
   */
  @Get('billing-timeliness')
  @ApiOperation({
    summary:
      'Billing timeliness: days from certification to the pay application issued, per contract and overall (median, average, max), for a period of issue dates',
  })
  @ApiOkJsonOrCsv({
    type: BillingTimeliness,
    description: 'One page of contracts by title, and the figures over all of them',
    headers: TOTAL_COUNT_HEADER,
    example: TIMELINESS_EXAMPLE,
  })
  @ApiProblems([
    400,
    '`from` and `to` are not dates with `from` on or before `to`, or the page is out of range',
  ])
  async timeliness(
    @Ctx() ctx: RequestContext,
    @Query() query: BillingTimelinessQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { from, to, contractId, customerId, limit = 100, offset = 0 } = query;
    if (from > to) throw invalidField('from', 'from must be on or before to');
    const filter = {
      issueDate: { $gte: from, $lte: to },
      voided: false,
      ...(contractId ? { contractId } : {}),
      ...(customerId ? { customerId } : {}),
    };
    const rows = await forTenant(this.readModels, ctx.tenantId).find<TimelinessRow>(
      TIMELINESS,
      filter,
    );
    const contracts = byContract(rows);
    response.setHeader('X-Total-Count', String(contracts.length));
    const answer = {
      from,
      to,
      overall: summarize(rows.map((row) => row.days)),
      contracts: contracts.slice(offset, offset + limit),
    };
    if (!wantsCsv(request, query.format)) return answer;
    return csvAnswer(response, `billing-timeliness-${from}-${to}`, TIMELINESS_COLUMNS, [
      ...answer.contracts.map((contract) => ({ row: 'contract', ...contract })),
      { row: 'overall', ...answer.overall },
    ]);
  }
}
