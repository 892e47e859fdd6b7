import { deepFreeze } from '@billing/shared/kernel';
import type { ApplyOptions, Doc, FindOptions, ReadModelStore, Update } from './read-model.port';

interface Step extends Update {
  /**
   * What the update gave when the batch ran it, and on which position of the document: reused at
   * the flush if the store has that one.
   */
  ran?: { on: number | undefined; doc: unknown };
}

/**
 * A document as the batch sees it: once read, `current` with every update applied; before, the
 * updates waiting for it.
 */
interface Pending {
  read: boolean;
  current?: Doc<unknown>;
  waiting: Step[];
  /**
   * The generation (flushes started before) it was last read or written in: kept until that
   * generation is written.
   */
  touched: number;
}

export interface BatchOptions {
  /**
   * Documents read or written that it keeps once they are written (0: none), dropped least
   * recently touched first, so a handler's `get` is not a read of the store each time. Only for a
   * store no one else writes these documents to: it would not see their writes.
   */
  keep?: number;
  /**
   * The store holds none of the documents it will write, and no one else writes them: a document it
   * never let go of is absent, not read.
   */
  startsEmpty?: boolean;
}

/**
 * A read-model store seen through the writes of a batch not yet written: `apply` queues the
 * update, `get` answers with the document's queued updates applied, and `flush` writes them all
 * with one `applyBatch` (the position checks happen there, so a replayed event still applies once).
 *
 * An update runs when its document is read, or at once if it was read before: then `apply` throws
 * what the update throws and answers whether it applied. Otherwise it answers true (queued) and
 * the update first runs at the flush, on the document the store has then. An update that ran in
 * the batch is not run again at the flush if the store's document is the one it ran on.
 *
 * `flush` takes what is queued when it is called and writes it after any flush before it; the
 * batch goes on taking updates meanwhile, and forgets a document once it is written and untouched
 * since (or keeps up to `keep` of them: BatchOptions). Everything else (find, count, remove, ...)
 * flushes first, so it sees every earlier write. Updates must not change the document they are
 * given (it is the batch's own). A flush that fails, or `discard`, drops every document touched
 * since the last flush written: the store may or may not have their updates.
 */
export class ReadModelBatch implements ReadModelStore {
  private steps: Step[] = [];
  /** Least recently touched first (by generation): those kept are dropped from the front. */
  private documents = new Map<string, Pending>();
  private generation = 0;
  /**
   * Every flush sealed before or at it was written: a document touched no later is as the store has
   * it.
   */
  private clean = -1;
  /** With `startsEmpty`: documents let go of, which the store may hold. */
  private readonly unknown = new Set<string>();
  private written: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: ReadModelStore,
    private readonly options: BatchOptions = {},
  ) {}

  /** Updates queued and not yet taken by a flush. */
  get size(): number {
    return this.steps.length;
  }

  async get<T>(collection: string, id: string): Promise<Doc<T> | undefined> {
    const pending = this.pending(collection, id);
    if (!pending.read) {
      // Whether or not a flush in flight has landed yet, the updates waiting make it the same
      // document.
      pending.current = await this.store.get(collection, id);
      pending.read = true;
    }
    fold(pending);
    // Frozen, not copied: a handler reading back a large document on each event would otherwise
    // spend most of its time copying it.
    return deepFreeze(pending.current) as Doc<T> | undefined;
  }

  async apply<T>(
    collection: string,
    id: string,
    position: number,
    update: (current: Doc<T> | undefined) => T,
    options?: ApplyOptions,
  ): Promise<boolean> {
    return this.queue({ collection, id, position, update: update as Step['update'], ...options });
  }

  async applyBatch(updates: readonly Update[]): Promise<void> {
    for (const update of updates) this.queue(update);
  }

  /**
   * Writes what is queued now, and `last` after it (a checkpoint), once the flushes before it are
   * written.
   */
  flush(last: readonly Update[] = []): Promise<void> {
    last.forEach((update) => this.queue(update));
    const steps = this.steps;
    const sealed = this.generation++;
    this.steps = [];
    const write = async () => {
      if (steps.length > 0)
        await this.store.applyBatch(
          steps.map((step) => ({
            ...step,
            update: (current) =>
              step.ran && step.ran.on === current?._position ? step.ran.doc : step.update(current),
          })),
        );
      this.clean = sealed;
      this.letGo();
    };
    const written = this.written.then(write).catch((error: unknown) => {
      this.dropDirty();
      throw error;
    });
    this.written = written.catch(() => undefined);
    return written;
  }

  /** Forgets what is queued, and every document touched since the last flush written. */
  discard(): void {
    this.steps = [];
    this.dropDirty();
  }

  async find<T>(
    collection: string,
    query?: Record<string, unknown>,
    options?: FindOptions,
  ): Promise<Doc<T>[]> {
    await this.flush();
    return this.store.find<T>(collection, query, options);
  }

  async count(collection: string, query?: Record<string, unknown>): Promise<number> {
    await this.flush();
    return this.store.count(collection, query);
  }

  async remove(collection: string, id: string): Promise<void> {
    await this.flush();
    this.documents.delete(key(collection, id));
    await this.store.remove(collection, id);
    this.unknown.delete(key(collection, id));
  }

  async drop(collection: string): Promise<void> {
    await this.flush();
    if (this.options.startsEmpty) this.documents.forEach((_, held) => this.unknown.add(held));
    this.documents = new Map();
    await this.store.drop(collection);
    this.unknown.forEach(
      (held) => held.startsWith(key(collection, '')) && this.unknown.delete(held),
    );
  }

  async ensureIndex(collection: string, fields: Record<string, 1 | -1>): Promise<void> {
    await this.store.ensureIndex(collection, fields);
  }

  async collections(): Promise<string[]> {
    await this.flush();
    return this.store.collections();
  }

  /** The store is not the batch's to close: this only writes what was queued. */
  async close(): Promise<void> {
    await this.flush();
  }

  /** Synchronous up to the queueing: a flush called right after takes the update. */
  private queue(update: Update): boolean {
    const pending = this.pending(update.collection, update.id);
    const step: Step = { ...update };
    pending.waiting.push(step);
    if (!pending.read) {
      this.steps.push(step);
      return true;
    }
    const before = pending.current?._position;
    try {
      fold(pending);
    } catch (error) {
      // As the store's apply: an update that throws leaves nothing behind.
      pending.waiting.splice(pending.waiting.indexOf(step), 1);
      throw error;
    }
    this.steps.push(step);
    return pending.current?._position !== before;
  }

  private pending(collection: string, id: string): Pending {
    const held = key(collection, id);
    let pending = this.documents.get(held);
    if (!pending)
      pending = {
        read: this.options.startsEmpty === true && !this.unknown.has(held),
        waiting: [],
        touched: this.generation,
      };
    else if (pending.touched !== this.generation) this.documents.delete(held);
    else return pending;
    pending.touched = this.generation;
    this.documents.set(held, pending);
    return pending;
  }

  /**
   * After a flush written: the least recently touched documents written go, past `keep`. One it
   * holds only updates of (not read) may stay among those kept: its `get` reads the store, and its
   * updates there are at their positions already.
   */
  private letGo(): void {
    let excess = this.documents.size - (this.options.keep ?? 0);
    for (const [held, pending] of this.documents) {
      if (pending.touched > this.clean || excess-- <= 0) break;
      this.documents.delete(held);
      if (this.options.startsEmpty) this.unknown.add(held);
    }
  }

  private dropDirty(): void {
    for (const [held, pending] of this.documents) {
      if (pending.touched <= this.clean) continue;
      this.documents.delete(held);
      if (this.options.startsEmpty) this.unknown.add(held);
    }
  }
}

const key = (collection: string, id: string) => `${collection}\u0000${id}`;

/**
 * Runs the updates waiting on a document that was read, each only if the document has not seen its
 * position.
 */
function fold(pending: Pending): void {
  for (const step of pending.waiting) {
    const current = pending.current;
    if (current && current._position >= step.position) continue;
    const doc = step.update(current);
    if (typeof (doc as PromiseLike<unknown> | undefined)?.then === 'function')
      throw new TypeError('A read-model update must return the document, not a promise');
    step.ran = { on: current?._position, doc };
    pending.current = { ...(doc as object), _id: step.id, _position: step.position };
  }
  pending.waiting = [];
}
