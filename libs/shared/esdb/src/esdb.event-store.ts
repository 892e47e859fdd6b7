import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  chainHashes,
  matchesPrefixes,
  WrongExpectedVersionError,
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
} from '@billing/shared/event-store';
import {
  esdbPosition,
  isSystemStream,
  toRecorded,
  translateError,
  withChainLink,
} from './esdb.mapping';
import { widenReceiveWindow } from './esdb.channel';
import { ReaderThread } from './esdb.reader';

/** Events read from `$all` per request while paging past other streams and system events. */
const PAGE = 500;
/**
 * Appends with `any` or `stream_exists` that lose a race to another writer are tried again this
 * many times in all.
 */
const CHAIN_RETRIES = 10;
/** Streams whose last event's hash is kept (the oldest entry goes first). */
const KNOWN_HASHES = 10_000;

/**
 * The EventStore port on EventStoreDB / KurrentDB.
 *
 * Positions: our `position` is the event's `$all` commit position as a number. A gRPC append
 * writes each event as a prepare that commits itself, so its commit and prepare positions are the
 * same log offset, distinct per event and increasing in commit order (AllReader and
 * ResolvedEvent.CalculatePosition in the server): the number maps back to `{ commit, prepare }`
 * exactly. Offsets are bytes, not a count: positions have gaps. System streams (`$`-prefixed) are
 * left out of `$all` reads, `headPosition()` and subscriptions, which the 6.x client cannot filter
 * server-side for `readAll`, so `$all` is paged and filtered here.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  /** Where subscriptions read (esdb.reader.ts). */
  private readonly reader: ReaderThread;
  /**
   * By stream: the last event this adapter read or appended, its revision and hash. An event never
   * changes, so an append after exactly that revision chains to that hash without reading it again:
   * a command that loaded its stream appends in one round trip.
   */
  private readonly lastHashes = new Map<string, { revision: number; hash?: string }>();

  constructor(
    connectionString: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    widenReceiveWindow(this.client);
    this.reader = new ReaderThread(connectionString);
  }

  /**
   * Each event carries its chain link (ADR 19), computed here from the event the append lands
   * after, so every append goes with an exact expected revision: the server then refuses it if
   * another writer got there first. `any` and `stream_exists` read the stream's last event, append
   * after it and, refused, read again, up to CHAIN_RETRIES times.
   */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    let result: EsdbAppendResult;
    for (let attempt = 1; ; attempt++) {
      const { after, previousHash } = await this.chainPoint(streamId, expected);
      try {
        const linked = this.linked(streamId, events, after, previousHash);
        result = await this.client.appendToStream(streamId, linked.events, {
          expectedRevision: esdbExpected(after),
        });
        if (events.length > 0)
          this.remember(streamId, Number(result.nextExpectedRevision), linked.hashes.at(-1));
        break;
      } catch (error) {
        const retry =
          (expected === 'any' || expected === 'stream_exists') &&
          error instanceof EsdbWrongExpectedVersionError &&
          attempt < CHAIN_RETRIES;
        if (!retry) throw translateError(error, streamId, expected);
      }
    }
    if (events.length === 0) {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return { nextRevision: last?.revision ?? -1, position: await this.headPosition() };
    }
    const nextRevision = Number(result.nextExpectedRevision);
    // A server may answer without a position (`no_position`): the last event's own position is the
    // one we report.
    const position = result.position
      ? Number(result.position.commit)
      : (await this.readStream(streamId, { fromRevision: nextRevision, maxCount: 1 }))[0].position;
    return { nextRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    if (options.maxCount === 0 || (backwards && from !== undefined && from < 0)) return [];
    const fromRevision = from !== undefined ? BigInt(Math.max(0, from)) : backwards ? END : START;
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      const events = await collect(read, toRecorded);
      const last = backwards ? events[0] : events.at(-1);
      if (last) this.remember(streamId, last.revision, last.hash);
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translateError(error);
    }
  }

  /**
   * Pages through `$all` from the position (exclusive both ways, like the other stores), skipping
   * system events and streams outside the prefixes, until `maxCount` events are found or the log
   * ends. A forwards page starts at the last event of the one before (reads are inclusive
   * forwards) and skips it; backwards reads already exclude the event at their position.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Infinity;
    if (
      limit <= 0 ||
      (backwards && options.fromPosition !== undefined && options.fromPosition <= 0)
    )
      return [];
    // Forwards only: the position the events must come after.
    let after = options.fromPosition ?? 0;
    let from: ReadPosition =
      options.fromPosition === undefined || (!backwards && after <= 0)
        ? backwards
          ? END
          : START
        : esdbPosition(options.fromPosition);
    // Filtered here, so a filtered read pages whole pages whatever it wants: few of them may pass.
    const pageSize = options.streamPrefixes?.length ? PAGE : Math.max(2, Math.min(PAGE, limit));
    const selected: RecordedEvent[] = [];
    for (;;) {
      const page = await this.readAllPage(from, backwards, pageSize);
      for (const event of page) {
        if (!backwards && event.position > (options.toPosition ?? Infinity)) return selected;
        if (
          (!backwards && event.position <= after) ||
          isSystemStream(event.streamId) ||
          !matchesPrefixes(event.streamId, options.streamPrefixes)
        )
          continue;
        selected.push(event);
        if (selected.length >= limit) return selected;
      }
      if (page.length < pageSize) return selected;
      after = page[page.length - 1].position;
      from = esdbPosition(after);
    }
  }

  /**
   * The server's filtered catch-up subscription (esdb.subscription.ts), read on a thread of its own
   * (esdb.reader.ts).
   */
  subscribeToAll(
    options: SubscribeOptions,
    handler: EventHandler,
    onError?: (error: unknown, event: RecordedEvent) => void,
  ): Subscription {
    const subscription = this.reader.subscribe(options, handler, onError);
    this.subscriptions.add(subscription);
    return {
      get position() {
        return subscription.position;
      },
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
      },
    };
  }

  /**
   * The position of the last event outside the system streams, consistent with readAll (0 when
   * none).
   */
  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.readAllPage(from, true, PAGE);
      const last = page.find((event) => !isSystemStream(event.streamId));
      if (last) return last.position;
      if (page.length < PAGE) return 0;
      from = esdbPosition(page[page.length - 1].position);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.all([this.reader.close(), this.client.dispose()]);
  }

  /**
   * The revision the append goes after and that event's hash; `any` and `stream_exists` read the
   * stream's last event.
   */
  private async chainPoint(
    streamId: string,
    expected: ExpectedRevision,
  ): Promise<{ after: ExpectedRevision; previousHash?: string }> {
    if (expected === 'no_stream') return { after: expected };
    if (typeof expected === 'number') {
      const known = this.lastHashes.get(streamId);
      if (known?.revision === expected) return { after: expected, previousHash: known.hash };
      const [previous] =
        expected < 0
          ? []
          : await this.readStream(streamId, { fromRevision: expected, maxCount: 1 });
      return {
        after: expected,
        previousHash: previous?.revision === expected ? previous.hash : undefined,
      };
    }
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    if (!last && expected === 'stream_exists')
      throw new WrongExpectedVersionError(streamId, expected, 'no_stream');
    return last ? { after: last.revision, previousHash: last.hash } : { after: 'no_stream' };
  }

  private linked(
    streamId: string,
    events: readonly NewEvent[],
    after: ExpectedRevision,
    previousHash: string | undefined,
  ) {
    const from = typeof after === 'number' ? after + 1 : 0;
    const recordedAt = this.now().toISOString();
    const hashes = chainHashes(streamId, from, previousHash, events, recordedAt);
    return {
      hashes,
      events: events.map((event, index) =>
        jsonEvent({
          id: event.id,
          type: event.type,
          data: event.data as JSONType,
          metadata: withChainLink(event.metadata, { hash: hashes[index], recordedAt }),
        }),
      ),
    };
  }

  /**
   * Keeps the newest revision seen of a stream (a read of older events leaves a newer one in
   * place).
   */
  private remember(streamId: string, revision: number, hash: string | undefined): void {
    const known = this.lastHashes.get(streamId);
    if (known && known.revision >= revision) return;
    this.lastHashes.delete(streamId);
    if (this.lastHashes.size >= KNOWN_HASHES)
      this.lastHashes.delete(this.lastHashes.keys().next().value!);
    this.lastHashes.set(streamId, { revision, hash });
  }

  /**
   * One page of `$all` as the server returns it, system events included: its length tells whether
   * the log goes on.
   */
  private async readAllPage(
    fromPosition: ReadPosition,
    backwards: boolean,
    maxCount: number,
  ): Promise<RecordedEvent[]> {
    try {
      return await collect(
        this.client.readAll({
          direction: backwards ? BACKWARDS : FORWARDS,
          fromPosition,
          maxCount,
        }),
        toRecorded,
      );
    } catch (error) {
      throw translateError(error);
    }
  }
}

function esdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

async function collect<E extends ResolvedEvent | AllStreamResolvedEvent>(
  read: AsyncIterable<E>,
  convert: (resolved: E) => RecordedEvent | undefined,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const resolved of read) {
    const event = convert(resolved);
    if (event) events.push(event);
  }
  return events;
}
