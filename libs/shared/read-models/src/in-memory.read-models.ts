import { Query } from 'mingo';
import type { Doc, FindOptions, ReadModelStore } from './read-model.port';

export class InMemoryReadModels implements ReadModelStore {
  private readonly collections = new Map<string, Map<string, Doc<unknown>>>();

  async get<T>(collection: string, id: string): Promise<Doc<T> | undefined> {
    const doc = this.collection(collection).get(id);
    return doc ? (structuredClone(doc) as Doc<T>) : undefined;
  }

  async find<T>(collection: string, query: Record<string, unknown> = {}, options: FindOptions = {}): Promise<Doc<T>[]> {
    let cursor = new Query(query).find([...this.collection(collection).values()] as object[]);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.limit) cursor = cursor.limit(options.limit);
    return structuredClone(cursor.all()) as Doc<T>[];
  }

  async apply<T>(collection: string, id: string, position: number, update: (current: Doc<T> | undefined) => T): Promise<void> {
    const docs = this.collection(collection);
    const current = docs.get(id) as Doc<T> | undefined;
    if (current && current._position >= position) return;
    docs.set(id, { ...update(current ? structuredClone(current) : undefined), _id: id, _position: position });
  }

  async drop(collection: string): Promise<void> {
    this.collections.delete(collection);
  }

  private collection(name: string): Map<string, Doc<unknown>> {
    let docs = this.collections.get(name);
    if (!docs) this.collections.set(name, (docs = new Map<string, Doc<unknown>>()));
    return docs;
  }
}
