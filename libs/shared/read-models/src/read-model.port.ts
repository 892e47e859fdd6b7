import type { RecordedEvent } from '@billing/shared/event-store';

/** Every read-model document carries `_id` and the position of the last event applied to it. */
export interface Stored {
  _id: string;
  _position: number;
}

export type Doc<T> = T & Stored;

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
}

export interface ReadModelStore {
  get<T>(collection: string, id: string): Promise<Doc<T> | undefined>;
  /** Mongo query language. */
  find<T>(collection: string, query?: Record<string, unknown>, options?: FindOptions): Promise<Doc<T>[]>;
  /**
   * Apply an event to one document, atomically, only if the document has not seen this position:
   * a redelivered event changes nothing. `update` returns the new document (without `_id`/`_position`).
   */
  apply<T>(collection: string, id: string, position: number, update: (current: Doc<T> | undefined) => T): Promise<void>;
  drop(collection: string): Promise<void>;
}

/** A projection: a name, a version, the streams it reads, and evolve-style handlers. */
export interface Projection {
  name: string;
  version: number;
  streamPrefixes: readonly string[];
  /** Collections it writes (suffixed with its version, so a rebuild writes beside the old one). */
  handle(event: RecordedEvent, store: ReadModelStore): Promise<void>;
}
