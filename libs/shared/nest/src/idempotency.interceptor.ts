import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Request, Response } from 'express';
import { toMetadata, uuidFrom, WrongExpectedVersionError, type EventStore } from '@billing/shared/event-store';
import { requestContext, type RequestContext } from './command-context';
import { CLOCK, EVENT_STORE, SETTINGS, type Clock, type Settings } from './tokens';

/**
 * Builds every request's command context, and for a POST with an Idempotency-Key answers a retry
 * with the stored first answer. The command itself is idempotent by its id (handleCommand), so a
 * crash between the command and storing the answer still appends nothing the second time.
 */
@Injectable()
export class CommandContextInterceptor implements NestInterceptor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { commandContext?: RequestContext }>();
    const response = context.switchToHttp().getResponse<Response>();
    request.commandContext = requestContext(request, this.clock.now(), this.settings.timeZone);
    if (request.method !== 'POST' || !request.header('idempotency-key')) return next.handle();
    return from(this.replayOrRun(request.commandContext, response, next));
  }

  private async replayOrRun(ctx: RequestContext, response: Response, next: CallHandler): Promise<unknown> {
    const stream = `idempotency-${uuidFrom(ctx.commandId)}`;
    const [stored] = await this.store.readStream(stream, { maxCount: 1 });
    if (stored) {
      const answer = stored.data as { status: number; body: unknown };
      response.status(answer.status);
      response.setHeader('Idempotent-Replayed', 'true');
      return answer.body;
    }
    const body: unknown = await lastValueFrom(next.handle() as Observable<unknown>, { defaultValue: undefined });
    const event = { id: uuidFrom(`${ctx.commandId}/answer`), type: 'CommandAnswered', data: { status: response.statusCode, body }, metadata: toMetadata(ctx, 'AnswerCommand') };
    try {
      await this.store.append(stream, [event], 'no_stream');
    } catch (error) {
      // A concurrent twin of this request stored its answer first; both answers come from the same command.
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    return body;
  }
}
