import type { RecordedEvent } from '@billing/shared/event-store';

/** Every read-model document carries `_id` and the position of the last event applied to it. */
export interface Stored {
  _id: string;
  _position: number;
}

export type Doc<T> = T & Stored;

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

/** One update of one document at one position, as `apply` takes it. */
export interface Update<T = unknown> {
  collection: string;
  id: string;
  position: number;
  update: (current: Doc<T> | undefined) => T;
  /**
   * The document most likely does not exist yet (the first event of the stream it follows, or one
   * document per event): a store may write it without reading it first, and reads it only if it
   * was there after all. A hint: the update applies exactly as it would without it.
   */
  fresh?: boolean;
}

export type ApplyOptions = Pick<Update, 'fresh'>;

export interface ReadModelStore {
  get<T>(collection: string, id: string): Promise<Doc<T> | undefined>;
  /**
   * Mongo query language on scalar (dotted) paths: equality, $eq $ne $gt $gte $lt $lte $in $nin
   * $exists, and top-level $and / $or.
   */
  find<T>(
    collection: string,
    query?: Record<string, unknown>,
    options?: FindOptions,
  ): Promise<Doc<T>[]>;
  count(collection: string, query?: Record<string, unknown>): Promise<number>;
  /**
   * Atomic per document, across processes: applies only if the document has not seen `position`
   * (its _position is lower); returns whether it applied.
   */
  apply<T>(
    collection: string,
    id: string,
    position: number,
    update: (current: Doc<T> | undefined) => T,
    options?: ApplyOptions,
  ): Promise<boolean>;
  /**
   * The updates applied as `apply` would apply them one after the other (each document atomically,
   * never twice for one position), written together: in one transaction where the store has them,
   * else one ordered bulk write per collection, the last update's collection after all the others,
   * so an update that comes last in a collection of its own (a checkpoint) is never written before
   * the rest. An update that throws rejects the batch before anything is written.
   */
  applyBatch(updates: readonly Update[]): Promise<void>;
  remove(collection: string, id: string): Promise<void>;
  drop(collection: string): Promise<void>;
  /**
   * Declares an index on (dotted, scalar) fields, in order; idempotent. Queries filtering/sorting
   * on a prefix of it read through it.
   */
  ensureIndex(collection: string, fields: Record<string, 1 | -1>): Promise<void>;
  /** Names of the collections that hold documents. */
  collections(): Promise<string[]>;
  close(): Promise<void>;
}

/** A projection: a name, a version, the streams it reads, and evolve-style handlers. */
export interface Projection {
  name: string;
  version: number;
  streamPrefixes: readonly string[];
  /**
   * The collections it writes (each named with a version, so a new version builds beside the old
   * one).
   */
  collections: readonly string[];
  /** The indexes its queries read through (the tenant comes first in each). */
  indexes?: { collection: string; fields: Record<string, 1 | -1> }[];
  /**
   * Its queries wait for it to reach the store's head themselves (an index of every stream, whose
   * lag commands and readiness should not carry): a command answers without waiting for it.
   */
  queriesWait?: true;
  handle(event: RecordedEvent, store: ReadModelStore): Promise<void>;
  /**
   * The documents an event it cannot apply should have changed: they are marked, never silently
   * stale.
   */
  affected(event: RecordedEvent): { collection: string; id: string }[];
}
