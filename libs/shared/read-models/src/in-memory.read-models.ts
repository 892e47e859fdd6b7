import { Query } from 'mingo';
import type { Doc, FindOptions, ReadModelStore, Update } from './read-model.port';

export class InMemoryReadModels implements ReadModelStore {
  private readonly store = new Map<string, Map<string, Doc<unknown>>>();

  async get<T>(collection: string, id: string): Promise<Doc<T> | undefined> {
    const doc = this.collection(collection).get(id);
    return doc ? (structuredClone(doc) as Doc<T>) : undefined;
  }

  async find<T>(
    collection: string,
    query: Record<string, unknown> = {},
    options: FindOptions = {},
  ): Promise<Doc<T>[]> {
    let cursor = new Query(query).find(this.docs(collection));
    // Ties are broken by _id, as the SQLite adapter does, so that pages are stable.
    if (options.sort)
      cursor = cursor.sort({ ...options.sort, ...('_id' in options.sort ? {} : { _id: 1 }) });
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return structuredClone(cursor.all()) as Doc<T>[];
  }

  async count(collection: string, query: Record<string, unknown> = {}): Promise<number> {
    return new Query(query).find(this.docs(collection)).all().length;
  }

  async apply<T>(
    collection: string,
    id: string,
    position: number,
    update: (current: Doc<T> | undefined) => T,
  ): Promise<boolean> {
    const docs = this.collection(collection);
    const current = docs.get(id) as Doc<T> | undefined;
    if (current && current._position >= position) return false;
    docs.set(id, {
      ...update(current ? structuredClone(current) : undefined),
      _id: id,
      _position: position,
    });
    return true;
  }

  /**
   * All or nothing, like one transaction: every document is computed before the first is stored.
   */
  async applyBatch(updates: readonly Update[]): Promise<void> {
    const next = new Map<
      string,
      { docs: Map<string, Doc<unknown>>; id: string; doc: Doc<unknown> }
    >();
    for (const { collection, id, position, update } of updates) {
      const key = JSON.stringify([collection, id]);
      const docs = this.collection(collection);
      const current = next.get(key)?.doc ?? docs.get(id);
      if (current && current._position >= position) continue;
      next.set(key, {
        docs,
        id,
        doc: {
          ...(update(current ? structuredClone(current) : undefined) as object),
          _id: id,
          _position: position,
        },
      });
    }
    for (const { docs, id, doc } of next.values()) docs.set(id, doc);
  }

  async remove(collection: string, id: string): Promise<void> {
    this.collection(collection).delete(id);
  }

  async drop(collection: string): Promise<void> {
    this.store.delete(collection);
  }

  /** Mingo scans every document: there is nothing to declare. */
  async ensureIndex(): Promise<void> {}

  async collections(): Promise<string[]> {
    return [...this.store].filter(([, docs]) => docs.size > 0).map(([name]) => name);
  }

  async close(): Promise<void> {}

  private docs(collection: string): object[] {
    return [...this.collection(collection).values()];
  }

  private collection(name: string): Map<string, Doc<unknown>> {
    let docs = this.store.get(name);
    if (!docs) this.store.set(name, (docs = new Map<string, Doc<unknown>>()));
    return docs;
  }
}
