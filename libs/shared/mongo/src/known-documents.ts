/** A document as this adapter last read or wrote it. */
export type Known = { _id: string; _position: number } & Record<string, unknown>;

/**
 * The documents a MongoReadModels last wrote, or read to write, the least recently used dropped
 * past `limit`. A conditional write starts from one instead of reading it again: every write
 * matches the `_position` it was folded on, so a document another writer changed meanwhile only
 * loses the race, and is read and folded again (the entry forgotten first). Never served to a `get`
 * (another process may have written since), and never one a `get` handed out (its caller may change
 * it). One handed to an update is forgotten before the write, then replaced by what it wrote.
 */
export class KnownDocuments {
  private readonly entries = new Map<string, Known>();

  constructor(private readonly limit: number) {}

  get(collection: string, id: string): Known | undefined {
    const key = keyOf(collection, id);
    const doc = this.entries.get(key);
    if (doc === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, doc);
    return doc;
  }

  /** Keeps `doc` unless a later position of it is known already (a read that crossed a write). */
  remember(collection: string, doc: Known): void {
    const key = keyOf(collection, doc._id);
    const known = this.entries.get(key);
    if (known !== undefined && known._position > doc._position) return;
    this.entries.delete(key);
    this.entries.set(key, doc);
    // An eighth at a time: a Map walked from the front after each delete walks the holes left too.
    if (this.entries.size <= this.limit + this.limit / 8) return;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  forget(collection: string, ids: Iterable<string>): void {
    for (const id of ids) this.entries.delete(keyOf(collection, id));
  }

  forgetCollection(collection: string): void {
    const prefix = keyOf(collection, '');
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;
