export interface EventMetadata {
  tenantId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  occurredAt: string;
  schemaVersion: number;
  /** The command that caused the event (the "why" an auditor reads beside the actor). */
  command?: string;
  /** The fingerprint of the HTTP request sent with an Idempotency-Key that ran the command. */
  request?: string;
}

export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /**
   * Position in `$all`, strictly increasing in commit order: a 1-based count in the embedded
   * stores, the commit position (a log offset, with gaps) in EventStoreDB.
   */
  position: number;
  recordedAt: string;
  /**
   * SHA-256 chaining this event to the one before it in its stream (chain.ts, ADR 19); absent on
   * events appended before hashing.
   */
  hash?: string;
}

/**
 * Revision of the last event the writer saw: `no_stream`, `any`, `stream_exists` or an exact
 * revision.
 */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: number;
  /** Global position of the last event of the append. */
  position: number;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`wrong expected version on ${streamId}: expected ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 0, backwards to the end. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /**
   * Exclusive: forwards returns events after it, backwards before it. Default: the start or the
   * end.
   */
  fromPosition?: number;
  /**
   * Forwards only, inclusive: no event after it (a reader that needs only a range does not read
   * past it).
   */
  toPosition?: number;
  maxCount?: number;
  /** Only events of streams whose name starts with one of these. */
  streamPrefixes?: readonly string[];
}

export interface SubscribeOptions {
  /** Deliver events after this position (0 = from the start). */
  fromPosition: number;
  streamPrefixes?: readonly string[];
}

export type EventHandler = (event: RecordedEvent) => Promise<void>;

export interface Subscription {
  /** Position of the last event handled. */
  readonly position: number;
  stop(): Promise<void>;
}

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to `$all`: history first, then live, without gap or duplicate. */
  subscribeToAll(
    options: SubscribeOptions,
    handler: EventHandler,
    onError?: (error: unknown, event: RecordedEvent) => void,
  ): Subscription;
  /** Position of the last event in the store (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Why the last write failed (a full disk, an I/O error), while none has succeeded since; where a
   * store can tell (SQLite): readiness says so.
   */
  writeFailure?(): string | undefined;
  close(): Promise<void>;
}

export function matchesPrefixes(
  streamId: string,
  prefixes: readonly string[] | undefined,
): boolean {
  return (
    !prefixes || prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix))
  );
}

/**
 * The store cannot take the write now (another writer holds it too long): try again shortly (HTTP
 * 503).
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The command id (an Idempotency-Key) already ran, for another request: sent to another process at
 * the same moment, or reused (HTTP 422, as the idempotency layer answers a reused key).
 */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
}
