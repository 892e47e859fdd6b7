import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { uuidFrom, type CommandContext } from '@billing/shared/event-store';
import { dateInZone } from '@billing/shared/kernel';
import type { Request } from 'express';
import type { Message } from '@billing/shared/bus';
import { actorOf } from '@billing/shared/auth';
import type { IdentifiedRequest } from './security';

/** The command context plus what the edge derives from it. */
export interface RequestContext extends CommandContext {
  /** Today in the tenant's zone: the default business date. */
  today: string;
  /**
   * A new id, deterministic under an Idempotency-Key so a retried create lands on the same stream.
   */
  newId(label: string): string;
}

/**
 * The tenant and the actor are the identity AuthGuard verified (only liveness and readiness run
 * without one).
 */
export function requestContext(
  request: IdentifiedRequest,
  now: Date,
  timeZone: string,
): RequestContext {
  const header = (name: string) => request.header(name)?.trim() || undefined;
  const identity = request.identity ?? { tenantId: 'default', subject: 'anonymous' };
  const tenantId = identity.tenantId;
  const key = header('idempotency-key');
  // A key names one request of one tenant, whatever its path: on another request it is refused
  // (422).
  const commandId = key ? uuidFrom(`${tenantId} ${key}`) : randomUUID();
  return {
    tenantId,
    actor: actorOf(identity),
    correlationId: header('x-correlation-id') ?? commandId,
    commandId,
    now,
    today: dateInZone(now, timeZone),
    newId: (label) => uuidFrom(`${commandId}/${label}`),
  };
}

/**
 * The context a reaction acts under: ids derived from the message, and the message's time, never
 * the time of delivery, so a redelivered old message gives the very same command as the first.
 */
export function messageContext(message: Message, reaction: string): CommandContext {
  return {
    tenantId: message.tenantId,
    actor: `system:${reaction}`,
    correlationId: message.correlationId,
    commandId: uuidFrom(`${message.id}/${reaction}`),
    now: new Date(message.occurredAt),
  };
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context
    .switchToHttp()
    .getRequest<Request & { commandContext?: RequestContext }>();
  if (!request.commandContext) throw new Error('CommandContextInterceptor is not installed');
  return request.commandContext;
});
