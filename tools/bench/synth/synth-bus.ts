import {
  matchesPrefixes,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '@billing/shared/event-store';
import type { Bus, Consumer, Message, MessageHandler, RelaySource } from '@billing/shared/bus';

/**
 * The event store while a dataset is synthesised: appends go to the real store, and each appended
 * event is queued for the synchronous bus. Nothing subscribes (no projection runs while generating:
 * the app builds its read models from the events at its first boot).
 */
export class RecordingStore implements EventStore {
  readonly appended: RecordedEvent[] = [];
  /** Events appended since it was opened. */
  count = 0;

  constructor(private readonly store: EventStore) {}

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const result = await this.store.append(streamId, events, expected);
    this.count += events.length;
    const recordedAt = new Date().toISOString();
    const first = result.nextRevision - events.length + 1;
    events.forEach((event, index) =>
      this.appended.push({
        ...event,
        streamId,
        revision: first + index,
        position: result.position - events.length + 1 + index,
        recordedAt,
      }),
    );
    return result;
  }

  readStream: EventStore['readStream'] = (streamId, options) =>
    this.store.readStream(streamId, options);
  readAll: EventStore['readAll'] = (options) => this.store.readAll(options);
  headPosition = () => this.store.headPosition();
  close = () => this.store.close();

  subscribeToAll(): Subscription {
    return { position: 0, stop: async () => {} };
  }
}

/**
 * The bus while synthesising: relays and consumer groups are the app's own (real mapping, real
 * reactions), delivered synchronously in position order, one group after another. That is one of
 * the orders the store-backed bus may deliver in, so the events are those the running app appends.
 */
export class SynchronousBus implements Bus {
  private readonly sources: RelaySource[] = [];
  private readonly groups: { group: string; topics: readonly string[]; handler: MessageHandler }[] =
    [];

  constructor(private readonly store: RecordingStore) {}

  async relay(source: RelaySource) {
    this.sources.push(source);
    return { stop: async () => {} };
  }

  async subscribe(
    group: string,
    topics: readonly string[],
    handler: MessageHandler,
  ): Promise<Consumer> {
    this.groups.push({ group, topics, handler });
    return { caughtUp: async () => true, stop: async () => {} };
  }

  async health() {
    return { up: true, detail: { on: 'the synthesiser, synchronously' } };
  }

  /**
   * Delivers every message of every appended event, including those the reactions append meanwhile.
   */
  async drain(): Promise<void> {
    for (let next = this.store.appended.shift(); next; next = this.store.appended.shift()) {
      for (const message of this.messagesOf(next)) {
        for (const { group, topics, handler } of this.groups) {
          if (!topics.includes(message.topic)) continue;
          try {
            await handler(message);
          } catch (error) {
            throw new Error(
              `${group} failed on ${message.type} of ${next.streamId}@${next.revision}: ${String(error)}`,
            );
          }
        }
      }
    }
  }

  async close(): Promise<void> {}

  private messagesOf(event: RecordedEvent): Message[] {
    return this.sources
      .filter((source) => matchesPrefixes(event.streamId, source.streamPrefixes))
      .flatMap((source) => source.toMessages(event));
  }
}
