import { deepFreeze } from '@billing/shared/kernel';
import {
  matchesPrefixes,
  type EventHandler,
  type EventStore,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@billing/shared/event-store';

interface Reader {
  options: SubscribeOptions;
  handler: EventHandler;
  position: number;
}

/**
 * The store as several readers of `$all` that start together see it (a rebuild's projections):
 * their subscriptions are one catch-up subscription, opened by `open()` once they are all there, so
 * each event is read and decoded once, not once per reader. Each event goes to every reader of its
 * stream, one after the other, in the order they subscribed, and the next event waits until they
 * all handled it. Events are frozen, since the readers share them. Everything else is the store's.
 */
export class SharedLog {
  private readonly readers: Reader[] = [];
  private subscription?: Subscription;
  /** The event being handed out, awaited by a reader that stops. */
  private delivering: Promise<void> = Promise.resolve();
  readonly store: EventStore;

  constructor(private readonly log: EventStore) {
    this.store = Object.assign(Object.create(log) as EventStore, {
      subscribeToAll: (options: SubscribeOptions, handler: EventHandler) =>
        this.subscribe(options, handler),
    });
  }

  /** Starts reading, from the earliest position any reader asked for. */
  open(): void {
    if (this.subscription) throw new Error('the shared log is open already');
    if (this.readers.length === 0) return;
    const fromPosition = Math.min(...this.readers.map((reader) => reader.options.fromPosition));
    const prefixes = this.readers.map((reader) => reader.options.streamPrefixes ?? []);
    const streamPrefixes = prefixes.some((some) => some.length === 0)
      ? undefined
      : [...new Set(prefixes.flat())];
    this.subscription = this.log.subscribeToAll(
      { fromPosition, streamPrefixes },
      (event) => (this.delivering = this.deliver(event)),
    );
  }

  private subscribe(options: SubscribeOptions, handler: EventHandler): Subscription {
    if (this.subscription)
      throw new Error('the shared log is open: a reader subscribes before open()');
    const reader: Reader = { options, handler, position: options.fromPosition };
    this.readers.push(reader);
    return {
      get position() {
        return reader.position;
      },
      stop: async () => {
        const index = this.readers.indexOf(reader);
        if (index >= 0) this.readers.splice(index, 1);
        await this.delivering;
        if (this.readers.length === 0) await this.subscription?.stop();
      },
    };
  }

  private async deliver(event: RecordedEvent): Promise<void> {
    deepFreeze(event);
    for (const reader of [...this.readers]) {
      if (
        event.position <= reader.position ||
        !matchesPrefixes(event.streamId, reader.options.streamPrefixes)
      )
        continue;
      await reader.handler(event);
      reader.position = event.position;
    }
  }
}
