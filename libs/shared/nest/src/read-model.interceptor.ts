import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import type { Response } from 'express';
import { Background } from './background';
import type { IdentifiedRequest } from './security';

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
                : (await this.background.parked()).filter((entry) => entry.tenantId === tenantId);
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
}

function publicDocument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('_position' in value || '_parked' in value))
    return value;
  const { _id, _position, _tenant, _parked, ...rest } = value as Record<string, unknown>;
  return _parked ? { ...rest, degraded: { parkedEvents: _parked } } : rest;
}
