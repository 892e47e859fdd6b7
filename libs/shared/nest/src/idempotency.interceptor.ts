import {
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Request, Response } from 'express';
import {
  toMetadata,
  uuidFrom,
  WrongExpectedVersionError,
  type EventStore,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { addToLogContext } from '@billing/shared/logging';
import {
  correlationIdProblem,
  headerProblem,
  requestContext,
  type RequestContext,
} from './command-context';
import { CLOCK, EVENT_STORE, SETTINGS, type Clock, type Settings } from './tokens';

interface StoredAnswer {
  status: number;
  body: unknown;
  /**
   * SHA-256 of the request the key was first used with (absent on answers stored before it was
   * kept).
   */
  fingerprint?: string;
  /**
   * Who sent it (absent on answers stored before it was kept): a key is the tenant's, its answer
   * the sender's.
   */
  actor?: string;
}

/**
 * Builds every request's command context, and for a POST with an Idempotency-Key follows the IETF
 * draft "The Idempotency-Key HTTP Header Field": a retry of the same request answers the stored
 * first answer; the same key on another request is refused (422); a retry while the first is still
 * running is refused (409), never run twice. Another user of the tenant who sends the same key is
 * refused (422) like another request, never handed the first user's answer. The command itself is
 * idempotent by its id (handleCommand), so a crash between the command and storing the answer
 * still appends nothing.
 */
@Injectable()
export class CommandContextInterceptor implements NestInterceptor {
  private readonly inFlight = new Set<string>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context
      .switchToHttp()
      .getRequest<Request & { commandContext?: RequestContext }>();
    const response = context.switchToHttp().getResponse<Response>();
    request.commandContext = requestContext(request, this.clock.now(), this.settings.timeZone);
    const refused = headerProblem(request);
    // What the events and the log lines of this request carry, to look it up by; not one the
    // request is refused for (a replay answers the one its first run recorded).
    const correlationId = correlationIdProblem(request)
      ? undefined
      : request.commandContext.correlationId;
    if (correlationId) response.setHeader('X-Correlation-Id', correlationId);
    addToLogContext({ correlationId, tenantId: request.commandContext.tenantId });
    if (request.method !== 'POST' || !request.header('idempotency-key')?.trim()) {
      if (refused) throw refused;
      return next.handle();
    }
    const [fingerprint, asSent] = fingerprintsOf(request);
    // On the events the command writes: a run of another request under this key that finds them
    // is refused (handleCommand), whichever process it runs in.
    Object.assign(request.commandContext, {
      request: fingerprint,
      ...(asSent !== fingerprint ? { requestAsSent: asSent } : {}),
    });
    return from(this.replayOrRun(request.commandContext, fingerprint, refused, response, next));
  }

  private async replayOrRun(
    ctx: RequestContext,
    fingerprint: string,
    refused: Error | undefined,
    response: Response,
    next: CallHandler,
  ): Promise<unknown> {
    const stream = `idempotency-${uuidFrom(ctx.commandId)}`;
    const [stored] = await this.store.readStream(stream, { maxCount: 1 });
    // A retry replays before its headers are judged: an earlier release took them as they are.
    if (stored) return this.replay(stored, ctx, response);
    if (refused) throw refused;
    if (this.inFlight.has(stream)) {
      response.setHeader('Retry-After', '1');
      throw new ConflictException(
        problem(
          409,
          'Request in progress',
          'a request with this Idempotency-Key is still being processed; retry it later',
        ),
      );
    }
    this.inFlight.add(stream);
    try {
      const body: unknown = await lastValueFrom(next.handle() as Observable<unknown>, {
        defaultValue: undefined,
      });
      const answer: StoredAnswer = {
        status: response.statusCode,
        body,
        fingerprint,
        actor: ctx.actor,
      };
      // The id names the request and its sender: another process that ran the same request at the
      // same moment stores the same answer (an idempotent success); one that ran another request
      // under this key stored first, and this one answers as a retry would.
      const event = {
        id: uuidFrom(`${ctx.commandId}/answer/${fingerprint}/${ctx.actor}`),
        type: 'CommandAnswered',
        data: answer,
        metadata: toMetadata(ctx, 'AnswerCommand'),
      };
      try {
        await this.store.append(stream, [event], 'no_stream');
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const [first] = await this.store.readStream(stream, { maxCount: 1 });
        return this.replay(first, ctx, response);
      }
      return body;
    } finally {
      this.inFlight.delete(stream);
    }
  }

  private replay(stored: RecordedEvent, ctx: RequestContext, response: Response): unknown {
    const answer = stored.data as StoredAnswer;
    const sameRequest =
      answer.fingerprint === undefined ||
      answer.fingerprint === ctx.request ||
      answer.fingerprint === ctx.requestAsSent;
    if (!sameRequest || (answer.actor !== undefined && answer.actor !== ctx.actor))
      throw new UnprocessableEntityException(
        problem(
          422,
          'Idempotency-Key reused',
          'this Idempotency-Key was first used with another request; use a new key for a new request',
        ),
      );
    response.status(answer.status);
    response.setHeader('Idempotent-Replayed', 'true');
    // The correlation id the first run recorded, to look its events up by.
    response.setHeader('X-Correlation-Id', stored.metadata.correlationId);
    return answer.body;
  }
}

const problem = (status: number, title: string, detail: string) => ({
  type: `urn:billing:idempotency-${status}`,
  title,
  detail,
});

/**
 * Method, path and body (keys sorted), hashed: what makes two requests "the same request". First
 * the path's fixed words as the route spells them and its parameters as the request spells them
 * (`/Contracts/` is the same request as `/contracts`: Express routes both to it), then the path
 * as sent, as releases before that rule hashed it (an answer they stored is replayed).
 */
function fingerprintsOf(request: Request): [string, string] {
  const template = ((request.route as { path?: string } | undefined)?.path ?? '').split('/');
  const sent = request.path.replace(/(.)\/$/, '$1').split('/');
  const path =
    template.length === sent.length
      ? template.map((part, i) => (part.startsWith(':') ? sent[i] : part)).join('/')
      : request.path;
  const hash = (spelled: string) =>
    createHash('sha256')
      .update(`${request.method} ${spelled}\n${canonical(request.body)}`)
      .digest('hex');
  return [hash(path), hash(request.path)];
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
