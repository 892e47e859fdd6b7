import { checkAppend } from './append-check';
import { catchUp } from './catch-up';
import { chainHashes } from './chain';
import { AppendSignal } from './signal';
import {
  matchesPrefixes,
  type AppendResult,
  type EventHandler,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './types';

export class InMemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly signal = new AppendSignal();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const decision = checkAppend(
      streamId,
      stream.length - 1,
      (revision, count) => stream.slice(revision, revision + count).map((e) => e.id),
      events,
      expected,
    );
    if (decision.kind === 'duplicate')
      return {
        nextRevision: decision.lastRevision,
        position: stream[decision.lastRevision].position,
      };
    const recordedAt = this.now().toISOString();
    const hashes = chainHashes(
      streamId,
      decision.fromRevision,
      stream[stream.length - 1]?.hash,
      events,
      recordedAt,
    );
    const recorded = events.map((event, index) => ({
      ...structuredClone(event),
      streamId,
      revision: decision.fromRevision + index,
      position: this.all.length + index + 1,
      recordedAt,
      hash: hashes[index],
    }));
    this.streams.set(streamId, [...stream, ...recorded]);
    const after = this.all.length;
    this.all.push(...recorded);
    this.signal.notify({ after, to: this.all.length, streamIds: [streamId] });
    const last = recorded[recorded.length - 1];
    return {
      nextRevision: last?.revision ?? stream.length - 1,
      position: last?.position ?? this.all.length,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const forwards = options.direction !== 'backwards';
    const from = options.fromRevision ?? (forwards ? 0 : stream.length - 1);
    const selected = forwards
      ? stream.filter((e) => e.revision >= from)
      : stream.filter((e) => e.revision <= from).reverse();
    return structuredClone(selected.slice(0, options.maxCount ?? Infinity));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const forwards = options.direction !== 'backwards';
    const from = options.fromPosition ?? (forwards ? 0 : Infinity);
    const limit = options.maxCount ?? Infinity;
    const selected: RecordedEvent[] = [];
    const ordered = forwards
      ? this.all.slice(Math.max(0, from), options.toPosition)
      : this.all.slice(0, Math.max(0, Math.min(from, this.all.length + 1) - 1)).reverse();
    for (const event of ordered) {
      if (selected.length >= limit) break;
      if (matchesPrefixes(event.streamId, options.streamPrefixes)) selected.push(event);
    }
    return structuredClone(selected);
  }

  subscribeToAll(
    options: SubscribeOptions,
    handler: EventHandler,
    onError?: (error: unknown, event: RecordedEvent) => void,
  ): Subscription {
    return catchUp(
      {
        readAll: (o) => this.readAll(o),
        headPosition: () => this.headPosition(),
        signal: this.signal,
      },
      options,
      handler,
      onError,
    );
  }

  async headPosition(): Promise<number> {
    return this.all.length;
  }

  async close(): Promise<void> {}
}
