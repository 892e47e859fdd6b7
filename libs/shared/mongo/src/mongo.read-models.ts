import { createConnection, type ConnectOptions, type Connection, type mongo } from 'mongoose';
import type {
  ApplyOptions,
  Doc,
  FindOptions,
  ReadModelStore,
  Update,
} from '@billing/shared/read-models';
import { storedOf } from './as-json';
import { KnownDocuments } from './known-documents';
import { portFilter } from './mongo.filter';
import { WedgeGuard } from './wedge-guard';

type Stored = { _id: string; _position: number } & Record<string, unknown>;
type Fields = Record<string, 1 | -1>;
/** A conditional write of one document (an insert fails on a duplicate `_id`). */
type Write =
  | { insertOne: { document: Stored } }
  | { replaceOne: { filter: mongo.Filter<Stored>; replacement: Stored } };

/**
 * The names every adapter accepts (SQLite puts them in SQL): one that works here works everywhere.
 */
const COLLECTION = /^[A-Za-z0-9_]+$/;
/**
 * Each lost race is another writer's success, so this only ends a loop on a server that never
 * matches.
 */
const MAX_LOST_RACES = 1_000;
/**
 * Documents kept to write from without reading them again (known-documents.ts): a few batches'
 * worth per projection.
 */
const KNOWN_DOCUMENTS = 10_000;
/**
 * BSON int32, int64 and double all come back as JS numbers (never Long, Double or bigint): the
 * documents stay JSON.
 */
const AS_JSON: mongo.CollectionOptions = {
  promoteLongs: true,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
  useBigInt64: false,
};

/**
 * The distributed read-model store (ARCHITECTURE.md "Read models"): one Mongo collection per
 * read-model collection, each document with its `_id` and the `_position` of the last event
 * applied. The queries are already the Mongo query language and pass through as they are (but for
 * comparisons with null: mongo.filter.ts).
 *
 * Documents are free-form JSON shaped by each projection: there is no schema to declare. A
 * `strict: false` schema per collection would still cast `_id` (an ObjectId by default, ours are
 * strings) and filters, and hydrate every document read, for nothing. So mongoose keeps the
 * connection (options, pool, reconnects) and the driver collections it opened
 * (`connection.db.collection()`) take the port's Mongo queries as they are.
 */
export class MongoReadModels implements ReadModelStore {
  private readonly connection: Connection;
  private readonly db: Promise<mongo.Db>;
  /**
   * Every driver operation runs through it: the driver can wedge when the server drops its
   * connections.
   */
  private readonly guard: WedgeGuard;
  /**
   * Declared indexes per collection: a drop removes them with the collection, and they are declared
   * again.
   */
  private readonly indexes = new Map<string, Map<string, Fields>>();
  /** Collections known to have the index that conditional replaces match on (see `writable`). */
  private readonly conditional = new Set<string>();
  private readonly known = new KnownDocuments(KNOWN_DOCUMENTS);

  /**
   * `uri` names the database (`mongodb://host:port/billing`); the connection opens in the
   * background.
   */
  constructor(uri: string, options: ConnectOptions = {}) {
    this.connection = createConnection(uri, options);
    this.db = this.connection
      .asPromise()
      .then(
        ({ db }) =>
          db ??
          Promise.reject(new Error(`no database after connecting to ${withoutCredentials(uri)}`)),
      );
    // The first operation reports a failed connection; until then it is not an unhandled rejection.
    this.db.catch(() => undefined);
    // mongoose makes its client at once; there is none when the string could not be parsed.
    const client = this.connection.getClient() as mongo.MongoClient | undefined;
    if (!client)
      throw new Error(
        `no Mongo client could be made for ${withoutCredentials(uri)}: is it a connection string (mongodb://host:port)?`,
      );
    this.guard = new WedgeGuard(client);
  }

  async get<T>(collection: string, id: string): Promise<Doc<T> | undefined> {
    const docs = await this.collection(collection);
    const doc = await this.guard.run(() => docs.findOne({ _id: id }));
    return (doc ?? undefined) as Doc<T> | undefined;
  }

  async find<T>(
    collection: string,
    query: Record<string, unknown> = {},
    options: FindOptions = {},
  ): Promise<Doc<T>[]> {
    // Ties are broken by _id, as the other adapters do, so that pages are stable.
    const sort = options.sort && {
      ...options.sort,
      ...('_id' in options.sort ? {} : { _id: 1 as const }),
    };
    const cursor = (await this.collection(collection)).find(
      portFilter(query) as mongo.Filter<Stored>,
      { sort, skip: options.skip, limit: options.limit },
    );
    return (await this.guard.run(() => cursor.toArray())) as Doc<T>[];
  }

  async count(collection: string, query: Record<string, unknown> = {}): Promise<number> {
    const docs = await this.collection(collection);
    return this.guard.run(() => docs.countDocuments(portFilter(query)));
  }

  /**
   * Atomic per document with no multi-document transaction (mongo-java-server and many Mongo
   * setups have none): read, compute, then write only if the document is still the one read
   * (replace on its `_id` and `_position`, or insert where there was none). A write that matches
   * nothing or hits a duplicate `_id` lost to another writer: read again, and skip the event once
   * the stored position has reached it. The first try starts from the document as this adapter
   * last read or wrote it, if it still knows it, or from none if the update is `fresh`.
   */
  async apply<T>(
    collection: string,
    id: string,
    position: number,
    update: (current: Doc<T> | undefined) => T,
    options?: ApplyOptions,
  ): Promise<boolean> {
    const docs = await this.collection(collection);
    for (let lost = 0; lost < MAX_LOST_RACES; lost++) {
      const first = lost === 0 ? this.known.get(collection, id) : undefined;
      const current =
        first ??
        (lost === 0 && options?.fresh
          ? null
          : await this.guard.run(() => docs.findOne({ _id: id })));
      if (current && current._position >= position) return false;
      const next = storedOf<Stored>(
        notAPromise(update((current ?? undefined) as Doc<T> | undefined)),
        id,
        position,
      );
      this.known.forget(collection, [id]);
      if (current) await this.writable(collection);
      if (await this.guard.run(() => writeIfUnchanged(docs, current, next))) {
        this.known.remember(collection, next);
        return true;
      }
    }
    throw new Error(
      `${collection}/${id}: gave up applying position ${position} after losing ${MAX_LOST_RACES} races to other writers`,
    );
  }

  /**
   * Per collection: the documents read in one query and each one's updates folded in order (all of
   * them before anything is written), then one ordered bulkWrite of conditional writes, as `apply`
   * makes them; the collections at once, but the last update's after all the others. A document
   * whose first update is `fresh` is not read: it is inserted. The documents another writer
   * changed (or had created) meanwhile are read and folded again; those written are at their last
   * position by then, so nothing applies twice.
   */
  async applyBatch(updates: readonly Update[]): Promise<void> {
    const collections = new Map<string, Map<string, Update[]>>();
    for (const step of updates) {
      const documents = collections.get(step.collection) ?? new Map<string, Update[]>();
      const steps = documents.get(step.id) ?? [];
      steps.push(step);
      collections.set(step.collection, documents.set(step.id, steps));
    }
    const prepared = await Promise.all(
      [...collections].map(async ([collection, documents]) => ({
        collection,
        documents,
        writes: await this.fold(collection, documents, true),
      })),
    );
    const last = updates.at(-1)?.collection;
    await Promise.all(
      prepared.filter(({ collection }) => collection !== last).map((batch) => this.write(batch)),
    );
    await Promise.all(
      prepared.filter(({ collection }) => collection === last).map((batch) => this.write(batch)),
    );
  }

  async remove(collection: string, id: string): Promise<void> {
    const docs = await this.collection(collection);
    this.known.forget(collection, [id]);
    await this.guard.run(() => docs.deleteOne({ _id: id }));
  }

  async drop(collection: string): Promise<void> {
    const docs = await this.collection(collection);
    // Asked first: mongo-java-server answers a missing collection with "ns not found" but no code
    // 26, which the driver would throw.
    const db = await this.db;
    if (
      await this.guard.run(() =>
        db.listCollections({ name: collection }, { nameOnly: true }).hasNext(),
      )
    )
      await this.guard.run(() => docs.drop().catch(ignoreNamespaceNotFound));
    this.conditional.delete(collection);
    this.known.forgetCollection(collection);
    for (const fields of this.indexes.get(collection)?.values() ?? [])
      await this.guard.run(() => docs.createIndex(fields));
  }

  async ensureIndex(collection: string, fields: Fields): Promise<void> {
    const entries = Object.entries(fields);
    if (entries.length === 0) throw new Error(`An index on ${collection} needs at least one field`);
    for (const [path, direction] of entries)
      if (direction !== 1 && direction !== -1)
        throw new Error(`Cannot index ${collection} on ${path}: ${String(direction)}`);
    // `_id` last, as `find` breaks ties by it, so that a sort on the fields (a page) reads in index
    // order: without it MongoDB sorts every document the filter matched (the SQLite adapter's
    // indexes end with `id` for the same reason).
    const keys: Fields = '_id' in fields ? fields : { ...fields, _id: 1 };
    const docs = await this.collection(collection);
    await this.guard.run(() => docs.createIndex(keys));
    const declared = this.indexes.get(collection) ?? new Map<string, Fields>();
    this.indexes.set(collection, declared.set(JSON.stringify(entries), keys));
  }

  async collections(): Promise<string[]> {
    const db = await this.db;
    const listed = await this.guard.run(() => db.listCollections({}, { nameOnly: true }).toArray());
    const names = listed.map(({ name }) => name).filter((name) => COLLECTION.test(name));
    const held = await Promise.all(
      names.map(
        async (name) =>
          (await this.guard.run(() =>
            db.collection(name).findOne({}, { projection: { _id: 1 } }),
          )) !== null,
      ),
    );
    return names.filter((_, index) => held[index]).sort();
  }

  async close(): Promise<void> {
    this.guard.close();
    await this.connection.close();
  }

  /**
   * The conditional writes that apply each document's updates to the document stored now (as last
   * read or written, if known; as none if its first update is `fresh` and `trustFresh`).
   */
  private async fold(
    collection: string,
    documents: Map<string, Update[]>,
    trustFresh = false,
  ): Promise<Write[]> {
    const docs = await this.collection(collection);
    const current = new Map<string, Stored>();
    const unknown: string[] = [];
    for (const [id, steps] of documents) {
      const known = this.known.get(collection, id);
      if (known) current.set(id, known);
      else if (!(trustFresh && steps[0].fresh)) unknown.push(id);
    }
    const stored =
      unknown.length === 0
        ? []
        : await this.guard.run(() => docs.find({ _id: { $in: unknown } }).toArray());
    for (const doc of stored) current.set(doc._id, doc);
    const writes: Write[] = [];
    for (const [id, steps] of documents) {
      const before = current.get(id);
      const next = folded(id, before, steps);
      if (next === before || next === undefined) continue;
      writes.push(
        before
          ? { replaceOne: { filter: { _id: id, _position: before._position }, replacement: next } }
          : { insertOne: { document: next } },
      );
    }
    return writes;
  }

  /**
   * Writes; what lost a race to another writer (or may not have been written) is forgotten, then
   * read, folded and written again.
   */
  private async write({
    collection,
    documents,
    writes,
  }: {
    collection: string;
    documents: Map<string, Update[]>;
    writes: Write[];
  }): Promise<void> {
    const docs = await this.collection(collection);
    for (let lost = 0; writes.length > 0; lost++) {
      if (lost >= MAX_LOST_RACES)
        throw new Error(
          `${collection}: gave up applying a batch after losing ${MAX_LOST_RACES} races to other writers`,
        );
      const [batch, replaces] = [writes, writes.filter((write) => 'replaceOne' in write).length];
      if (replaces > 0) await this.writable(collection);
      this.known.forget(collection, documents.keys());
      const written = await this.guard.run(() =>
        docs
          .bulkWrite(batch, { ordered: true })
          .then(({ matchedCount }) => matchedCount === replaces, rethrowUnless(isDuplicateKey)),
      );
      if (written) {
        for (const write of batch)
          this.known.remember(
            collection,
            'insertOne' in write ? write.insertOne.document : write.replaceOne.replacement,
          );
        return;
      }
      writes = await this.fold(collection, documents);
    }
  }

  /**
   * A collection replaced in: with a unique index on (_id, _position), the fields each conditional
   * replace matches on. MongoDB would find the document through _id alone; mongo-java-server uses
   * an index only when the query names exactly its fields, and would scan the collection for each
   * write. Made at the first replace, not the first insert: a collection only ever inserted into
   * (one document per event) does not keep a second index on each document for nothing.
   */
  private async writable(name: string): Promise<mongo.Collection<Stored>> {
    const docs = await this.collection(name);
    if (!this.conditional.has(name)) {
      await this.guard.run(() => docs.createIndex({ _id: 1, _position: 1 }, { unique: true }));
      this.conditional.add(name);
    }
    return docs;
  }

  private async collection(name: string): Promise<mongo.Collection<Stored>> {
    if (!COLLECTION.test(name))
      throw new Error(
        `Invalid read-model collection name "${name}": use letters, digits and _ only`,
      );
    return (await this.db).collection<Stored>(name, AS_JSON);
  }
}

/**
 * One conditional single-document write: false if another writer changed, created or removed the
 * document since `current` was read.
 */
async function writeIfUnchanged(
  docs: mongo.Collection<Stored>,
  current: Stored | null,
  next: Stored,
): Promise<boolean> {
  if (current === null) return docs.insertOne(next).then(() => true, rethrowUnless(isDuplicateKey));
  // replaceOne, not updateOne: the projection computed the whole document, fields it dropped
  // included.
  const { matchedCount } = await docs.replaceOne(
    { _id: current._id, _position: current._position },
    next,
  );
  return matchedCount === 1;
}

/**
 * A document's updates in order, each only if the document has not seen its position: `current`
 * itself when none applies.
 */
function folded(
  id: string,
  current: Stored | undefined,
  steps: readonly Update[],
): Stored | undefined {
  let doc = current;
  for (const { position, update } of steps) {
    if (doc && doc._position >= position) continue;
    doc = { ...notAPromise(update(doc)), _id: id, _position: position };
  }
  // As JSON (undefined fields gone, as in the SQLite adapter).
  return doc === current || doc === undefined ? doc : storedOf<Stored>(doc, id, doc._position);
}

function notAPromise(doc: unknown): Record<string, unknown> {
  if (typeof (doc as PromiseLike<unknown> | undefined)?.then === 'function')
    throw new TypeError('A read-model update must return the document, not a promise');
  return doc as Record<string, unknown>;
}

// By shape, not instanceof: jest gives each spec file its own copy of the driver's error classes.
const codeOf = (error: unknown) => (error as { code?: unknown } | undefined)?.code;
const isDuplicateKey = (error: unknown) => codeOf(error) === 11000;

function rethrowUnless(expected: (error: unknown) => boolean): (error: unknown) => false {
  return (error) => {
    if (expected(error)) return false;
    throw error;
  };
}

function ignoreNamespaceNotFound(error: unknown): void {
  if (
    codeOf(error) === 26 ||
    (error as { message?: unknown } | undefined)?.message === 'ns not found'
  )
    return;
  throw error;
}

/** A connection string as an error may show it: without a user's password. */
const withoutCredentials = (uri: string) => uri.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1***@');
