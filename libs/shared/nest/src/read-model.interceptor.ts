import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { isUnavailable, type ParkedEvent } from '@billing/shared/read-models';
import type { Response } from 'express';
import { Background } from './background';
import type { IdentifiedRequest } from './security';
import type { ParkedMark } from './responses';

/**
 * The header a query answers with while events of the tenant are parked: its figures may lack them.
 */
export const DEGRADED_HEADER = 'Billing-Degraded';

/**
 * Queries never serve a figure that silently lacks an event: while a projection has parked an event
 * of the tenant, every answer carries `Billing-Degraded`, and a document the event should have
 * changed says so in `degraded`. Internal fields (`_id`, `_position`, `_tenant`) are not answered.
 */
@Injectable()
export class ReadModelInterceptor implements NestInterceptor {
  private readonly logger = new Logger('http');

  constructor(private readonly background: Background) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(
          (async () => {
            // A verified caller's tenant: liveness and readiness, the only requests without one,
            // never wait on the read models for it (a stalled Mongo would hang liveness).
            const tenantId = request.identity?.tenantId;
            const parked =
              tenantId === undefined
                ? []
                : (await this.parked(request.method)).filter(
                    (entry) => entry.tenantId === tenantId,
                  );
            if (parked.length > 0)
              response.setHeader(
                DEGRADED_HEADER,
                `${parked.length} event(s) parked; see /health/ready`,
              );
            return Array.isArray(body) ? body.map(publicDocument) : publicDocument(body);
          })(),
        ),
      ),
    );
  }

  /**
   * What is parked; a command that cannot learn it from stalled read models still answers what
   * it did (it is committed: a 503 would invite a retry), a query answers 503.
   */
  private async parked(method: string): Promise<readonly ParkedEvent[]> {
    try {
      return await this.background.parked();
    } catch (error) {
      if (method !== 'POST' || !isUnavailable(error)) throw error;
      this.logger.warn(
        `answering a command without the parked events: ${(error as Error).message}`,
      );
      return [];
    }
  }
}

/**
 * A document's parked-event marks as its answer's `degraded`: each mark's own fields (marks written
 * before 2026-12-01 also held the store's position, a count of every tenant's events).
 */
export function degradedBy(marks: unknown): { parkedEvents: ParkedMark[] } {
  return {
    parkedEvents: (marks as ParkedMark[]).map(({ eventId, type, error }) => ({
      eventId,
      type,
      error,
    })),
  };
}

function publicDocument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('_position' in value || '_parked' in value))
    return value;
  const { _id, _position, _tenant, _parked, ...rest } = value as Record<string, unknown>;
  return _parked ? { ...rest, degraded: degradedBy(_parked) } : rest;
}
