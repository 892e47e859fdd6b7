import { invalidFields } from './dto';
import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { uuidFrom, type CommandContext } from '@billing/shared/event-store';
import { dateInZone, type ValidationError } from '@billing/shared/kernel';
import type { Request } from 'express';
import type { Message } from '@billing/shared/bus';
import { actorOf } from '@billing/shared/auth';
import type { IdentifiedRequest } from './security';
import { CORRELATION_ID_PATTERN, correlationIdOf } from '@billing/shared/logging';

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
  const key = request.method === 'POST' ? header('idempotency-key') : undefined;
  // A POST's is checked (headerProblem); a read uses one only if it is one.
  const correlationId =
    request.method === 'POST' ? header('x-correlation-id') : correlationIdOf(request);
  // A key names one request of one tenant, whatever its path: on another request it is refused
  // (422).
  const commandId = key ? uuidFrom(`${tenantId} ${key}`) : randomUUID();
  return {
    tenantId,
    actor: actorOf(identity),
    correlationId: correlationId ?? commandId,
    commandId,
    now,
    today: dateInZone(now, timeZone),
    newId: (label) => uuidFrom(`${commandId}/${label}`),
  };
}

/** 1 to 255 printable ASCII characters, not starting or ending with a space. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]([\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/**
 * What is wrong with a POST's Idempotency-Key or X-Correlation-Id (each given once and well-formed;
 * an empty correlation id is none), as a 400 naming it; undefined when nothing is. Not thrown
 * before a stored answer under the key is looked up: a retry of a request an earlier release took
 * replays.
 */
export function headerProblem(request: Request): ValidationError | undefined {
  if (request.method !== 'POST') return undefined;
  const problems = [
    problemOf(request, 'Idempotency-Key', IDEMPOTENCY_KEY, {
      empty: true,
      rule: 'must be 1 to 255 printable ASCII characters, not starting or ending with a space',
    }),
    correlationIdProblem(request),
  ].filter((problem): problem is [string, string] => problem !== undefined);
  return problems.length > 0 ? invalidFields(problems) : undefined;
}

/** What is wrong with the X-Correlation-Id of a POST (where it is recorded), if anything. */
export function correlationIdProblem(request: Request): [string, string] | undefined {
  if (request.method !== 'POST') return undefined;
  return problemOf(request, 'X-Correlation-Id', new RegExp(CORRELATION_ID_PATTERN), {
    empty: false,
    rule: 'must be 1 to 200 printable ASCII characters without spaces (as GET /audit/flows/{correlationId} takes it)',
  });
}

/** A header that names one thing: given once (Node joins two into one value) and matching. */
function problemOf(
  request: Request,
  name: string,
  pattern: RegExp,
  { empty, rule }: { empty: boolean; rule: string },
): [string, string] | undefined {
  const values = request.rawHeaders.filter(
    (_, i) => i % 2 === 1 && request.rawHeaders[i - 1].toLowerCase() === name.toLowerCase(),
  );
  if (values.length > 1) return [name, `${name} must be given once`];
  if (values.length === 0 || (!empty && !values[0].trim()) || pattern.test(values[0]))
    return undefined;
  return [name, `${name} ${rule}`];
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
