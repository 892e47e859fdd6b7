import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { contractDecider, contractStream } from '@billing/contracts/domain';
import { stateAsOf, type EventStore } from '@billing/shared/event-store';
import { NotFoundError, ValidationError } from '@billing/shared/kernel';
import { ApiProblems, Ctx, EVENT_STORE, page, ParseInstantPipe, queryInteger, READ_MODELS, TOTAL_COUNT_HEADER, type RequestContext } from '@billing/shared/nest';
import { ContractListQuery } from './contracts.queries.dto';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { CONTRACT_HISTORY, type HistoryEntry } from './contract-history.projection';
import { CONTRACT_SUMMARY, type ContractSummary } from './contract-summary.projection';
import { ContractAsOf, ContractHistoryEntry, ContractSummaryView } from './contracts.queries.responses';

@ApiTags('contracts')
@Controller('contracts')
export class ContractsQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Contract summaries by title, optionally by status or customer' })
  @ApiOkResponse({ type: [ContractSummaryView], description: 'One page of contract summaries', headers: TOTAL_COUNT_HEADER })
  @ApiProblems(400)
  list(@Ctx() ctx: RequestContext, @Query() filter: ContractListQuery, @Res({ passthrough: true }) response: Response) {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query['customer.id'] = filter.customerId;
    return page<ContractSummary>(forTenant(this.readModels, ctx.tenantId), response, CONTRACT_SUMMARY, query, { title: 1 }, filter);
  }

  @Get(':id')
  @ApiOperation({ summary: "A contract's summary: the G702 figures, billed, paid and outstanding" })
  @ApiOkResponse({ type: ContractSummaryView, description: 'The contract summary' })
  @ApiProblems(400, 404)
  async summary(@Param('id', ParseUUIDPipe) id: string, @Ctx() ctx: RequestContext) {
    const summary = await forTenant(this.readModels, ctx.tenantId).get<ContractSummary>(CONTRACT_SUMMARY, id);
    if (!summary) throw new NotFoundError(`contract ${id} not found`);
    return summary;
  }

  /** Audit: the contract as it stood at an instant, folded from its events recorded up to then. */
  @Get(':id/as-of')
  @ApiOperation({ summary: 'Audit: the contract as it stood at an instant, folded from its events recorded up to then' })
  @ApiQuery({ name: 'at', description: 'ISO 8601 instant', schema: { type: 'string', format: 'date-time', example: '2026-03-01T12:00:00Z' } })
  @ApiOkResponse({ type: ContractAsOf, description: 'The contract as it stood then' })
  @ApiProblems([400, 'A malformed id, or `at` is not an ISO 8601 instant'], [404, 'The contract did not exist at that instant'])
  async asOf(@Param('id', ParseUUIDPipe) id: string, @Query('at', ParseInstantPipe) instant: Date, @Ctx() ctx: RequestContext) {
    const { state, events } = await stateAsOf(this.store, contractStream(id), contractDecider, instant, ctx.tenantId);
    if (state.status === 'none') throw new NotFoundError(`contract ${id} did not exist at ${instant.toISOString()}`);
    return { asOf: instant.toISOString(), eventsApplied: events.length, contract: state };
  }

  /**
   * Audit: every event about this contract in every context this process stores (all four in the
   * embedded mode), in commit order, with who, when and why; `after` and `limit` page through it.
   */
  @Get(':id/history')
  @ApiOperation({ summary: 'Audit: every event about the contract in every context, in commit order, with who, when and why' })
  @ApiQuery({ name: 'after', required: false, description: 'position of the last event of the previous page', schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: 'at most this many events (default and maximum 1000)',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
  })
  @ApiOkResponse({ type: [ContractHistoryEntry], description: 'The events after `after`, oldest first' })
  @ApiProblems(400, [404, 'No event about this contract'])
  async history(@Param('id', ParseUUIDPipe) id: string, @Ctx() ctx: RequestContext, @Query('after') after?: string, @Query('limit') limit?: string) {
    const [from, size] = [queryInteger(after, 0), queryInteger(limit, 1000)];
    if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(size) || size < 1 || size > 1000)
      throw new ValidationError('after is a position (0 or more) and limit a count from 1 to 1000');
    const entries = await forTenant(this.readModels, ctx.tenantId).find<HistoryEntry>(
      CONTRACT_HISTORY,
      { contractId: id, position: { $gt: from } },
      { sort: { position: 1 }, limit: size },
    );
    if (entries.length === 0 && from === 0) throw new NotFoundError(`contract ${id} not found`);
    return entries.map(({ position, streamId, revision, type, data, metadata, recordedAt }) => ({ position, streamId, revision, type, recordedAt, ...metadata, data }));
  }
}
