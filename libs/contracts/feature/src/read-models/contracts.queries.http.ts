import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { contractDating, contractDecider, contractStream } from '@billing/contracts/domain';
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
  queryInteger,
  READ_MODELS,
  SETTINGS,
  LIST_HEADERS,
  type Clock,
  type RequestContext,
  type Settings,
  uuidParam,
  invalidFields,
  UUID_PATTERN,
} from '@billing/shared/nest';
import { ContractListQuery } from './contracts.queries.dto';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { CONTRACT_HISTORY, type HistoryEntry } from './contract-history.projection';
import { CONTRACT_SUMMARY, type ContractSummary } from './contract-summary.projection';
import {
  ContractAsOf,
  ContractHistoryEntry,
  ContractSummaryView,
} from './contracts.queries.responses';

@ApiTags('contracts')
@Controller('contracts')
export class ContractsQueries {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Contract summaries by title, optionally by status or customer' })
  @ApiOkResponse({
    type: [ContractSummaryView],
    description: 'One page of contract summaries',
    headers: LIST_HEADERS,
  })
  @ApiProblems(400)
  list(
    @Ctx() ctx: RequestContext,
    @Query() filter: ContractListQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query['customer.id'] = filter.customerId;
    return page<ContractSummary>(
      forTenant(this.readModels, ctx.tenantId),
      response,
      CONTRACT_SUMMARY,
      query,
      { title: 1 },
      filter,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: "A contract's summary: the G702 figures, billed, paid and outstanding" })
  @ApiOkResponse({ type: ContractSummaryView, description: 'The contract summary' })
  @ApiProblems(400, 404)
  async summary(@Param('id', uuidParam('id')) id: string, @Ctx() ctx: RequestContext) {
    const summary = await forTenant(this.readModels, ctx.tenantId).get<ContractSummary>(
      CONTRACT_SUMMARY,
      id,
    );
    if (!summary) throw new NotFoundError(`contract ${id} not found`);
    return summary;
  }

  /**
   * Audit: the contract on both axes (ADR 17): as known at an instant, as of a business date, or
   * both.
   */
  @Get(':id/as-of')
  @ApiOperation({
    summary:
      'Audit: the contract as known at an instant (`at`) and/or as of a business date (`date`), folded from its events',
  })
  @ApiOkResponse({ type: ContractAsOf, description: 'The contract as it stood then' })
  @ApiProblems(
    [
      400,
      'A malformed id, neither `at` nor `date`, `at` not an ISO 8601 instant or `date` not a date',
    ],
    [404, 'The contract did not exist then'],
  )
  async asOf(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: AsOfQuery,
    @Ctx() ctx: RequestContext,
  ) {
    const asOf = asOfFrom(query, this.clock.now());
    const dating = { ...contractDating, timeZone: this.settings.timeZone };
    const { state, events } = await stateAsOf(
      this.store,
      contractStream(id),
      contractDecider,
      asOf,
      ctx.tenantId,
      dating,
    );
    if (state.status === 'none') throw new NotFoundError(`contract ${id} did not exist then`);
    return {
      asOf: asOf.knownAt.toISOString(),
      date: asOf.date,
      eventsApplied: events.length,
      contract: state,
    };
  }

  /**
   * Audit: every event about this contract in every context this process stores (all four in the
   * embedded mode), in commit order, with who, when and why; `after` and `limit` page through it.
   */
  @Get(':id/history')
  @ApiOperation({
    summary:
      'Audit: every event about the contract in every context, in commit order, with who, when and why',
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: '`eventId` of the last event of the previous page (none: from the first)',
    schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN },
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: 'at most this many events (default and maximum 1000)',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
  })
  @ApiOkResponse({
    type: [ContractHistoryEntry],
    description: 'The events after `after`, oldest first',
  })
  @ApiProblems(400, [404, 'No event about this contract'])
  async history(
    @Param('id', uuidParam('id')) id: string,
    @Ctx() ctx: RequestContext,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ) {
    const size = queryInteger(limit, 1000);
    const AFTER = "after must be the eventId of an event of this contract's history";
    const problems: [string, string][] = [
      ...(after === undefined || new RegExp(UUID_PATTERN).test(after)
        ? []
        : [['after', AFTER] as [string, string]]),
      ...(Number.isSafeInteger(size) && size >= 1 && size <= 1000
        ? []
        : [['limit', 'limit must be a count from 1 to 1000'] as [string, string]]),
    ];
    if (problems.length > 0) throw invalidFields(problems);
    const tenant = forTenant(this.readModels, ctx.tenantId);
    // The page is keyed on the store's position, which the answer never shows: the gap between two
    // of the tenant's own events would count the other tenants'. The cursor is an event's id.
    let from = 0;
    if (after !== undefined) {
      const last = await tenant.get<HistoryEntry>(CONTRACT_HISTORY, `${id}/${after}`);
      if (!last) throw invalidFields([['after', AFTER]]);
      from = last.position;
    }
    const entries = await tenant.find<HistoryEntry>(
      CONTRACT_HISTORY,
      { contractId: id, position: { $gt: from } },
      { sort: { position: 1 }, limit: size },
    );
    if (entries.length === 0 && from === 0) throw new NotFoundError(`contract ${id} not found`);
    return entries.map(({ _id, streamId, revision, type, data, metadata, recordedAt }) => ({
      eventId: _id.slice(id.length + 1),
      streamId,
      revision,
      type,
      recordedAt,
      // Who, when and why; not the fingerprint of the request that ran the command (idempotency's).
      tenantId: metadata.tenantId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      actor: metadata.actor,
      occurredAt: metadata.occurredAt,
      schemaVersion: metadata.schemaVersion,
      ...(metadata.command === undefined ? {} : { command: metadata.command }),
      data,
    }));
  }
}
