import { checkCommit, type Expected } from './commit-check';

export interface ProposedEvent {
  eventId: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

/**
 * One event as the log holds it: a prepare record written with IsCommitted, at a byte-like log
 * position.
 */
export interface LogEvent extends ProposedEvent {
  streamId: string;
  /** 0-based event number in its stream. */
  revision: number;
  /** Where the record starts: the event's commit and prepare position in `$all`. */
  logPosition: number;
  /** Where the next record starts. */
  postPosition: number;
  /** 100 ns ticks since the Unix epoch (TimeStamp.ToTicksSinceEpoch in MetadataHelpers.cs). */
  createdTicks: bigint;
  /** Its read answer, encoded (wire.ts `readEvent`), by id format. */
  readAnswers?: { structured?: Uint8Array; string?: Uint8Array };
}

export type WriteResult =
  | { kind: 'written' | 'idempotent'; currentRevision: number; position: number }
  | { kind: 'wrong_expected_version'; currentRevision: number; expected: Expected };

/**
 * The log opens with a system (epoch) record, as a database's does, so no event sits at position 0:
 * reading `$all` from position 0 and from the start is the same read.
 */
const EPOCH_RECORD_SIZE = 128;
/**
 * Length prefix and suffix plus the fixed fields of a prepare record (LogRecord.Prepare,
 * GetSizeWithLengthPrefixAndSuffix).
 */
const PREPARE_OVERHEAD = 8 + 96;

const TICKS_PER_MS = 10_000n;

/**
 * All streams in one in-memory transaction log: appends are checked and written in one synchronous
 * step.
 */
export class TransactionLog {
  readonly events: LogEvent[] = [];
  private readonly streams = new Map<string, LogEvent[]>();
  /**
   * The recently committed event ids the weak idempotency check looks in
   * (IndexWriter._committedEvents), unbounded here.
   */
  private readonly committed = new Map<string, { streamId: string; revision: number }>();
  private nextPosition = EPOCH_RECORD_SIZE;
  private waiters: (() => void)[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  get head(): number {
    return this.nextPosition;
  }

  write(streamId: string, expected: Expected, proposed: readonly ProposedEvent[]): WriteResult {
    const stream = this.streams.get(streamId) ?? [];
    const decision = checkCommit(
      stream,
      (eventId) => {
        const found = this.committed.get(eventId);
        return found?.streamId === streamId ? found.revision : undefined;
      },
      expected,
      proposed.map((event) => event.eventId),
    );
    if (decision.kind === 'conflict')
      return { kind: 'wrong_expected_version', currentRevision: stream.length - 1, expected };
    if (decision.kind === 'idempotent')
      return {
        kind: 'idempotent',
        currentRevision: decision.lastRevision,
        position: stream[decision.lastRevision].logPosition,
      };
    // An empty write still writes an empty prepare (StorageWriterService, its WritePrepares
    // handler) and answers with its position.
    if (proposed.length === 0)
      return {
        kind: 'written',
        currentRevision: stream.length - 1,
        position: this.reserve(PREPARE_OVERHEAD),
      };
    const createdTicks = BigInt(this.now().getTime()) * TICKS_PER_MS;
    const written = proposed.map((event, index): LogEvent => {
      const size =
        PREPARE_OVERHEAD +
        Buffer.byteLength(streamId) +
        Buffer.byteLength(event.type) +
        event.data.length +
        event.metadata.length;
      const logPosition = this.reserve(size);
      return {
        ...event,
        streamId,
        revision: stream.length + index,
        logPosition,
        postPosition: logPosition + size,
        createdTicks,
      };
    });
    this.streams.set(streamId, [...stream, ...written]);
    this.events.push(...written);
    written.forEach((event) =>
      this.committed.set(event.eventId, { streamId, revision: event.revision }),
    );
    this.notify();
    const last = written[written.length - 1];
    // The commit position answered is the last prepare's, the one with TransactionEnd
    // (StorageChaser.ProcessPrepareRecord).
    return { kind: 'written', currentRevision: last.revision, position: last.logPosition };
  }

  stream(streamId: string): readonly LogEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /**
   * Index of the first event whose position is at or after `position`
   * (AllReader.ReadAllEventsForward compares `>= pos`).
   */
  indexAtOrAfter(position: number): number {
    let [low, high] = [0, this.events.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle].logPosition < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Index after the last event that ends at or before `position` (AllReader.ReadAllEventsBackward
   * compares post-positions `<= pos`).
   */
  indexEndingBy(position: number): number {
    let [low, high] = [0, this.events.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle].postPosition <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Resolves at the next write. */
  appended(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private reserve(size: number): number {
    const position = this.nextPosition;
    this.nextPosition += size;
    return position;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
