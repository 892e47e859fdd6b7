import { logger } from '@billing/shared/logging';
import type { EventHandler, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from './types';

const BATCH = 500;
const RETRY_MS = 1_000;

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Resolves when something may have been appended (or after a while, for writers in other processes). */
  appended(): Promise<void>;
}

/**
 * A catch-up subscription over any store that can read `$all` forwards: it reads pages after the
 * last delivered position until a page comes back short, then waits for the next append and reads
 * again. Delivery is strictly by position, so nothing is skipped or delivered twice, and events
 * appended while it catches up are read in the next page. A handler that throws is retried on the
 * same event after a pause, and so is a failed read (at-least-once; errors are reported, never
 * swallowed, and never end the subscription: only stop() does).
 */
export function catchUp(source: CatchUpSource, options: SubscribeOptions, handler: EventHandler, onError?: (error: unknown, event: RecordedEvent) => void): Subscription {
  let position = options.fromPosition;
  let stopped = false;
  let wake = () => {};
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const pause = () => Promise.race([new Promise((resolve) => setTimeout(resolve, RETRY_MS)), stopping]);
  const readPage = async () => {
    for (;;) {
      try {
        return await source.readAll({ fromPosition: position, maxCount: BATCH, streamPrefixes: options.streamPrefixes });
      } catch (error) {
        logger.error({ err: error, position }, `subscription could not read after position ${position}; retrying`);
        await pause();
        if (stopped) return [];
      }
    }
  };
  const deliver = async (event: RecordedEvent): Promise<boolean> => {
    for (;;) {
      try {
        await handler(event);
        return true;
      } catch (error) {
        (onError ?? defaultOnError)(error, event);
        await pause();
        if (stopped) return false;
      }
    }
  };
  const run = async () => {
    while (!stopped) {
      const waiting = source.appended();
      const page = await readPage();
      for (const event of page) {
        if (stopped || !(await deliver(event))) return;
        position = event.position;
      }
      if (page.length < BATCH) await Promise.race([waiting, stopping]);
    }
  };
  const done = run();
  return {
    get position() {
      return position;
    },
    async stop() {
      stopped = true;
      wake();
      await done;
    },
  };
}

function defaultOnError(error: unknown, event: RecordedEvent) {
  logger.error({ err: error, position: event.position }, `subscription handler failed at ${event.streamId}@${event.revision}; retrying`);
}
