import {
  Controller,
  Get,
  Inject,
  Module,
  Param,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AUDIT_INDEX,
  auditEntry,
  auditIndexProjection,
  auditIndexQuery,
  eventsAt,
  type AuditIndexEntry,
  type IndexedScope,
} from '@billing/shared/audit';
import { StoreUnavailableError, verifyChains, type EventStore } from '@billing/shared/event-store';
import { NotFoundError } from '@billing/shared/kernel';
import { forTenant, type Projection, type ReadModelStore } from '@billing/shared/read-models';
import { AuditEventView, ChainReportView } from './audit.responses';
import {
  CORRELATION_ID_PATTERN,
  HistoryQuery,
  RangeQuery,
  STREAM_ID_PATTERN,
  VerifyQuery,
} from './audit.dto';
import { Background } from './background';
import { Ctx, type RequestContext } from './command-context';
import { instantOf, invalidField, pathParam } from './dto';
import { ApiProblems } from './openapi';
import { LIST_HEADERS, page } from './paging';
import { EVENT_STORE, READ_MODELS } from './tokens';

const NDJSON = 'application/x-ndjson';
/** How long an audit view waits for the index to reach the store's head before a 503. */
const AUDIT_WAIT_MS = 5_000;
const isAuditIndex = (projection: Projection) => projection === auditIndexProjection;
const PAGE = {
  description:
    'One page of events (JSON lines with `format=jsonl` or `Accept: application/x-ndjson`); the next by the cursor in `Link`',
  headers: LIST_HEADERS,
};

/** A path parameter that must match its documented pattern, or 400. */
const matching = (name: string, pattern: string) =>
  pathParam(name, (value) => new RegExp(pattern).test(value), `must match ${pattern}`);

/**
 * Read-only history for auditors (issue 9): any stream, any flow by correlation id, any recorded
 * time range, with who, when and why and each event's chain link; and the hash chains verified.
 * A tenant sees only its own events. A stream's, a flow's or a range's are found through the
 * audit index (ADR 19), a page at a time, and read from the store.
 */
@ApiTags('audit')
@Controller('audit')
export class AuditHttp {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    private readonly background: Background,
  ) {}

  @Get('streams/:streamId/events')
  @ApiOperation({
    summary: "Audit: a stream's events in order, with who, when, why and each event's hash",
  })
  @ApiParam({
    name: 'streamId',
    description:
      'The stream, `<category>-<id>` (contract-, schedule-, billing-, account-, numbering-, …)',
    schema: { type: 'string', pattern: STREAM_ID_PATTERN },
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: [AuditEventView], ...PAGE })
  @ApiProblems(400, [404, 'No event of this tenant in the stream'])
  stream(
    @Param('streamId', matching('streamId', STREAM_ID_PATTERN)) streamId: string,
    @Query() query: HistoryQuery,
    @Ctx() ctx: RequestContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.page(
      { kind: 'stream', streamId },
      query,
      ctx,
      request,
      response,
      `no event of stream ${streamId}`,
    );
  }

  @Get('flows/:correlationId')
  @ApiOperation({
    summary:
      "Audit: a flow's events across every stream, by the correlation id the request or message carried",
  })
  @ApiParam({
    name: 'correlationId',
    description: 'The X-Correlation-Id of the request, or the id of the command it ran',
    schema: { type: 'string', pattern: CORRELATION_ID_PATTERN },
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: [AuditEventView], ...PAGE })
  @ApiProblems(400, [404, 'No event of this tenant with this correlation id'])
  flow(
    @Param('correlationId', matching('correlationId', CORRELATION_ID_PATTERN))
    correlationId: string,
    @Query() query: HistoryQuery,
    @Ctx() ctx: RequestContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.page(
      { kind: 'correlation', correlationId },
      query,
      ctx,
      request,
      response,
      `no event with correlation id ${correlationId}`,
    );
  }

  @Get('events')
  @ApiOperation({
    summary:
      'Audit: the events recorded in a time range (`from` included, `to` not), across every stream',
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: [AuditEventView], ...PAGE })
  @ApiProblems(400)
  range(
    @Query() query: RangeQuery,
    @Ctx() ctx: RequestContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const [from, to] = [instantOf(query.from), instantOf(query.to)];
    if (from && to && from > to) throw invalidField('from', 'from must be on or before to');
    return this.page({ kind: 'range', from, to }, query, ctx, request, response);
  }

  @Get('verify')
  @ApiOperation({
    summary:
      "Audit: walks the hash chains of the tenant's streams (or one) and names every broken link",
  })
  @ApiOkResponse({
    type: ChainReportView,
    description:
      'What was walked and every break found (`intact: false` at the first); `verifiedAll` only when no event lacks a hash either',
  })
  @ApiProblems(400)
  async verify(@Query() query: VerifyQuery, @Ctx() ctx: RequestContext) {
    const report = await verifyChains(this.store, {
      streamId: query.streamId,
      tenantId: ctx.tenantId,
    });
    return {
      ...report,
      verifiedAll: report.intact && report.unhashed === 0,
      breaks: report.breaks.map(({ position: _position, ...link }) => link),
    };
  }

  private async page(
    scope: IndexedScope,
    query: HistoryQuery,
    ctx: RequestContext,
    request: Request,
    response: Response,
    missing?: string,
  ) {
    // The index as far as the store is now: no event committed before the question is missing
    // from the answer (commands do not wait for the index; an upgrade builds it at the first start).
    const head = await this.store.headPosition();
    if (!(await this.background.projections.caughtUp(head, AUDIT_WAIT_MS, isAuditIndex)))
      // 503 with Retry-After, the detail as it is.
      throw new StoreUnavailableError(
        'the audit index is catching up with the event store: try again shortly',
      );
    const { query: filter, sort } = auditIndexQuery(scope);
    // The cursor names the page's last event by its id: its position in the store counts every
    // tenant's events.
    const found = await page<AuditIndexEntry>(
      forTenant(this.readModels, ctx.tenantId),
      response,
      AUDIT_INDEX,
      filter,
      sort,
      query,
      { cursorById: true },
    );
    if (missing && response.getHeader('X-Total-Count') === '0') throw new NotFoundError(missing);
    // Without the event's position in the store: the gap between two of the tenant's own would
    // count the other tenants' events.
    const entries = (await eventsAt(this.store, found)).map((event) => {
      const { position: _position, ...entry } = auditEntry(event);
      return entry;
    });
    if (query.format !== 'jsonl' && request.accepts(['application/json', NDJSON]) !== NDJSON)
      return entries;
    return new StreamableFile(
      Buffer.from(entries.map((entry) => `${JSON.stringify(entry)}\n`).join('')),
      { type: NDJSON },
    );
  }
}

/**
 * The audit API, for the apps that compose it: the embedded one, and the contracts service (the
 * gateway routes `/audit/*` there).
 */
@Module({ controllers: [AuditHttp] })
export class AuditModule {}
