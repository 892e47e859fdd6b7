import { DomainError } from '@billing/shared/kernel';
import type { Message } from './bus.port';

const ATTEMPTS = 6;
const FIRST_BACKOFF_MS = 20;

export type Outcome = { kind: 'done' } | { kind: 'rejected'; reason: string } | { kind: 'dead'; reason: string };

/** A message that is invalid. It will never succeed, so it goes straight to the dead-letter topic. */
export class InvalidMessage extends Error {}

/**
 * Runs one message through a handler with the bus rules: a business refusal (validation, broken
 * rule, illegal state) is an outcome, logged and acknowledged; anything else (a not-found that
 * may be an ordering gap, a conflict, a crash) is retried with backoff, then dead-lettered.
 */
export async function consumeOne(message: Message, handler: (message: Message) => Promise<void>, log: Pick<Console, 'warn'> = console): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handler(message);
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof InvalidMessage) return { kind: 'dead', reason: error.message };
      if (error instanceof DomainError && ['validation', 'rule', 'illegal_state'].includes(error.category)) {
        log.warn(`${message.type} ${message.id} refused by a business rule: ${error.message}`);
        return { kind: 'rejected', reason: error.message };
      }
      if (attempt >= ATTEMPTS) return { kind: 'dead', reason: error instanceof Error ? error.message : String(error) };
      await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}
