import { pause } from '@billing/shared/kernel';
import { logger } from '@billing/shared/logging';
import type { AppendNotice, AppendSignal } from './signal';
import {
  matchesPrefixes,
  type EventHandler,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './types';

const BATCH = 500;
const RETRY_MS = 1_000;

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
  /** Counts the store's commits and says what they wrote where it can. */
  signal: AppendSignal;
}

/**
 * A catch-up subscription over any store that can read `$all` forwards: it reads pages after the
 * last position it read up to until a page comes back short, then waits for the next append and
 * reads again. It reads up to the head it saw before the read and, with a short page, goes on from
 * that head: the events of other streams are read past once, not at every append (a subscription to
 * streams that seldom change would otherwise filter the same growing tail of the log every time).
 * When the commits since it last looked say they wrote only other streams' events, right after what
 * it read up to, it reads nothing and goes on from there. Delivery is strictly by position, so
 * nothing is skipped or delivered twice, and events appended while it catches up are read in the
 * next page. A handler that throws is retried on the same event after a pause, and so is a failed
 * read (at-least-once; errors are reported, never swallowed, and never end the subscription: only
 * stop() does).
 */
export function catchUp(
  source: CatchUpSource,
  options: SubscribeOptions,
  handler: EventHandler,
  onError?: (error: unknown, event: RecordedEvent) => void,
): Subscription {
  /**
   * The last event delivered, and the position the log was read up to (past other streams' events).
   */
  let position = options.fromPosition;
  let readTo = position;
  let stopped = false;
  let wake = () => {};
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const pauseToRetry = () => pause(RETRY_MS, stopping);
  /** The events after `readTo` (a page), and the head they were read up to. */
  const readPage = async (): Promise<{ page: RecordedEvent[]; head: number }> => {
    for (;;) {
      try {
        const head = await source.headPosition();
        return {
          page: await source.readAll({
            fromPosition: readTo,
            toPosition: head,
            maxCount: BATCH,
            streamPrefixes: options.streamPrefixes,
          }),
          head,
        };
      } catch (error) {
        logger.error(
          { err: error, position },
          `subscription could not read after position ${position}; retrying`,
        );
        await pauseToRetry();
        if (stopped) return { page: [], head: readTo };
      }
    }
  };
  /**
   * Where the log is known to hold nothing for it after `readTo`: the end of the notices, if they
   * are all of other streams from there on.
   */
  const clearTo = (notices: AppendNotice[] | undefined): number | undefined => {
    if (!notices?.length) return undefined;
    let clear = readTo;
    for (const { after, to, streamIds } of notices) {
      if (
        after !== clear ||
        streamIds.some((streamId) => matchesPrefixes(streamId, options.streamPrefixes))
      )
        return undefined;
      clear = to;
    }
    return clear;
  };
  const run = async () => {
    let seen = source.signal.count;
    for (let reading = true; !stopped;) {
      if (reading) {
        const { page, head } = await readPage();
        for (const event of page) {
          if (
            stopped ||
            !(await deliverUntilHandled(event, handler, onError, pauseToRetry, () => stopped))
          )
            return;
          position = readTo = event.position;
        }
        if (page.length === BATCH) continue;
        readTo = Math.max(readTo, head);
      }
      await Promise.race([source.signal.wait(seen), stopping]);
      const notices = source.signal.since(seen);
      seen = source.signal.count;
      const clear = clearTo(notices);
      reading = clear === undefined;
      if (clear !== undefined) readTo = clear;
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

/**
 * Hands `event` to `handler` until it settles without throwing, with `onError` (by default a log
 * line) and a pause after each failure; false if the subscription stopped meanwhile.
 */
export async function deliverUntilHandled(
  event: RecordedEvent,
  handler: EventHandler,
  onError: ((error: unknown, event: RecordedEvent) => void) | undefined,
  pauseToRetry: () => Promise<unknown>,
  stopped: () => boolean,
): Promise<boolean> {
  for (;;) {
    try {
      await handler(event);
      return true;
    } catch (error) {
      (onError ?? defaultOnError)(error, event);
      await pauseToRetry();
      if (stopped()) return false;
    }
  }
}

function defaultOnError(error: unknown, event: RecordedEvent) {
  logger.error(
    { err: error, position: event.position },
    `subscription handler failed at ${event.streamId}@${event.revision}; retrying`,
  );
}
