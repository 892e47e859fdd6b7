import { pause } from '@billing/shared/kernel';
import {
  START,
  streamNameFilter,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import {
  deliverUntilHandled,
  type EventHandler,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import { esdbPosition, isSystemStream, toRecorded } from './esdb.mapping';

/**
 * A handler that throws is tried again after this; a dropped subscription after a backoff from the
 * first to the last.
 */
export const RETRY_MS = 1_000;
export const RESUBSCRIBE_MS = { first: 100, last: 5_000 };

/**
 * A catch-up subscription to `$all` on the server's own: `subscribeToAll` from our position with a
 * stream-name filter (the prefixes, or every non-system stream), which the server reads from the
 * position (exclusive) and switches to live without gap or duplicate
 * (Enumerator.AllSubscriptionFiltered). It filters where the events are, and its live delivery
 * needs no polling, which `catchUp()` over `readAll` would (the 6.x client's `readAll` cannot
 * filter, so that would read all of `$all`).
 *
 * Delivery is in order, one event at a time: the handler's promise holds back the next event (the
 * client's stream buffers and the server waits on flow control). A handler that throws is retried
 * on the same event after a pause, like `catchUp()`. If the subscription drops (server restart,
 * network), it is opened again from the last event handled. Checkpoint messages are not used as
 * positions: the client reports them when they arrive, ahead of events still waiting for the
 * handler, so a position taken from one could skip those events after a resubscription.
 */
export function subscribeToAll(
  client: EventStoreDBClient,
  options: SubscribeOptions,
  handler: EventHandler,
  onError: ((error: unknown, event: RecordedEvent) => void) | undefined,
  onStopped: () => void,
): Subscription {
  let position = options.fromPosition;
  let stopped = false;
  let current: AllStreamSubscription | undefined;
  let wake = () => {};
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const pauseToRetry = (ms = RETRY_MS) => pause(ms, stopping);
  const consume = async () => {
    const prefixes = options.streamPrefixes?.length ? [...options.streamPrefixes] : undefined;
    const filter = prefixes ? streamNameFilter({ prefixes }) : streamNameFilter({ regex: '^[^$]' });
    current = client.subscribeToAll({
      fromPosition: position > 0 ? esdbPosition(position) : START,
      filter,
    });
    for await (const resolved of current) {
      const event = toRecorded(resolved);
      if (!event || isSystemStream(event.streamId) || event.position <= position) continue;
      if (
        stopped ||
        !(await deliverUntilHandled(event, handler, onError, pauseToRetry, () => stopped))
      )
        return;
      position = event.position;
    }
  };
  const run = async () => {
    // Drops in a row: the wait doubles from the first to the last while the server stays away, and
    // starts over once an event comes.
    let drops = 0;
    while (!stopped) {
      const before = position;
      let waitMs = RETRY_MS;
      try {
        await consume();
      } catch (error) {
        drops = position > before ? 1 : drops + 1;
        waitMs = Math.min(RESUBSCRIBE_MS.first * 2 ** (drops - 1), RESUBSCRIBE_MS.last);
        if (!stopped)
          logger.error(
            { err: error, position },
            `subscription to $all dropped after position ${position}; subscribing again in ${waitMs} ms`,
          );
      } finally {
        await current?.unsubscribe();
      }
      if (!stopped) await pauseToRetry(waitMs);
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
      // Cancelling the call does not end the client's stream: destroying it ends the loop waiting
      // on it.
      await current?.unsubscribe();
      current?.destroy();
      await done;
      onStopped();
    },
  };
}
