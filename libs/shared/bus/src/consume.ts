import { InvalidEventData } from '@billing/shared/event-store';
import { logger, withLogContext } from '@billing/shared/logging';
import { DomainError } from '@billing/shared/kernel';
import { describe, withRetries } from '@billing/shared/read-models';
import type { Message } from './bus.port';

export type Outcome =
  { kind: 'done' } | { kind: 'rejected'; reason: string } | { kind: 'dead'; reason: string };

/** A message that is invalid. It will never succeed, so it is parked at once. */
export class InvalidMessage extends Error {}

// A reaction whose events fail their schemas is a bug to fix, not a refusal: it is parked.
const refusal = (error: unknown) =>
  error instanceof DomainError &&
  !(error instanceof InvalidEventData) &&
  ['validation', 'rule', 'illegal_state'].includes(error.category);

/**
 * Runs one message through a handler with the bus rules: a business refusal (validation, broken
 * rule, illegal state) is an outcome, logged and acknowledged; anything else (a not-found that
 * may be an ordering gap, a conflict, a crash) is retried with backoff, then parked. Whatever the
 * handler logs carries the message's correlation id, tenant and the consumer group.
 */
export function consumeOne(
  message: Message,
  handler: (message: Message) => Promise<void>,
  consumer: string,
): Promise<Outcome> {
  const context = {
    correlationId: message.correlationId,
    tenantId: message.tenantId,
    consumer,
    messageId: message.id,
    messageType: message.type,
  };
  return withLogContext(context, async (): Promise<Outcome> => {
    const started = Date.now();
    const error = await withRetries(
      () => handler(message),
      undefined,
      (failure) => !(failure instanceof InvalidMessage) && !refusal(failure),
    );
    if (error === undefined) {
      logger.info(
        { ms: Date.now() - started },
        `${consumer} handled ${message.type} ${message.id}`,
      );
      return { kind: 'done' };
    }
    const { message: text } = error as { message?: unknown };
    const reason = typeof text === 'string' ? text : describe(error);
    if (!refusal(error)) return { kind: 'dead', reason };
    logger.warn(`${message.type} ${message.id} refused by a business rule: ${reason}`);
    return { kind: 'rejected', reason };
  });
}
