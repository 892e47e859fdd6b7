import type Database from 'better-sqlite3';
import { Query } from 'mingo';
import type { Doc, FindOptions, ReadModelStore, Update } from '@billing/shared/read-models';
import { openNamed, type Access } from './open-named';
import { field, isColumn, orderBy, where, type SqlValue } from './sqlite.query';

interface Row {
  id: string;
  position: number;
  doc: string;
}

interface Select {
  sql: string;
  params: SqlValue[];
  /** False when part of the query or sort is outside the SQL subset: mingo finishes it in JS. */
  complete: boolean;
}

const COLLECTION = /^[A-Za-z0-9_]+$/;
/** Tables are prefixed so that the read models may share a file with the event store's tables. */
const PREFIX = 'rm_';
const CACHED_STATEMENTS = 256;

/**
 * The embedded read-model store (ARCHITECTURE.md "Read models"): one table per collection, the
 * document as JSON, queried through expression indexes on json_extract (sqlite.query.ts).
 */
export class SqliteReadModels implements ReadModelStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement<SqlValue[]>>();
  /**
   * Declared indexes (DDL) per collection: a drop removes them with the table, the next write
   * re-creates both.
   */
  private readonly indexes = new Map<string, Set<string>>();

  constructor(file: string, access: Access = 'read-write') {
    this.db = openNamed(
      file,
      (db) => {
        db.pragma('busy_timeout = 5000');
        if (access === 'read-only') return;
        db.pragma('journal_mode = WAL');
        // Read models are derived data: a commit lost in a power failure (WAL + NORMAL loses only the
        // last commits, never half of one) means its event is applied again when the projection
        // resumes, which each document's _position makes safe, as long as the projection keeps its
        // resume position in this store too (lost along with the documents, never ahead of them).
        // The event store itself stays FULL.
        db.pragma('synchronous = NORMAL');
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      },
      'the read models are derived from the events: move it and its -wal and -shm files aside, and the next start rebuilds them',
      access,
    );
  }

  async get<T>(collection: string, id: string): Promise<Doc<T> | undefined> {
    const row = this.read(
      collection,
      undefined,
      (table) =>
        this.statement(`SELECT id, position, doc FROM ${table} WHERE id = ?`).get(id) as
          Row | undefined,
    );
    return row && toDoc<T>(row);
  }

  async find<T>(
    collection: string,
    query: Record<string, unknown> = {},
    options: FindOptions = {},
  ): Promise<Doc<T>[]> {
    const select = this.select(collection, query, options);
    const docs = this.read(collection, [], () =>
      (this.statement(select.sql).all(...select.params) as Row[]).map((row) => toDoc<T>(row)),
    );
    return select.complete ? docs : finishInJs(docs, query, options);
  }

  async count(collection: string, query: Record<string, unknown> = {}): Promise<number> {
    const filter = where(query);
    if (!filter.exact) return (await this.find(collection, query)).length;
    const sql = `SELECT COUNT(*) AS n FROM ${table(collection)} WHERE ${filter.sql}`;
    return this.read(
      collection,
      0,
      () => (this.statement(sql).get(...filter.params) as { n: number }).n,
    );
  }

  async apply<T>(
    collection: string,
    id: string,
    position: number,
    update: (current: Doc<T> | undefined) => T,
  ): Promise<boolean> {
    const select = `SELECT id, position, doc FROM ${table(collection)} WHERE id = ?`;
    const upsert = `INSERT INTO ${table(collection)} (id, position, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc`;
    // IMMEDIATE takes the write lock before the read: another process cannot read the same
    // position in between and apply the same event, or overwrite this update with a stale one.
    const applyOnce = this.db.transaction((): boolean => {
      const current = this.statement(select).get(id) as Row | undefined;
      if (current && current.position >= position) return false;
      this.statement(upsert).run(id, position, serialize(update(current && toDoc<T>(current))));
      return true;
    });
    return this.write(collection, () => applyOnce.immediate());
  }

  /**
   * One IMMEDIATE transaction: each document read once, its updates folded in order, written once.
   */
  async applyBatch(updates: readonly Update[]): Promise<void> {
    const documents = new Map<string, { collection: string; id: string; steps: Update[] }>();
    for (const step of updates) {
      const key = JSON.stringify([step.collection, step.id]);
      const entry = documents.get(key) ?? { collection: step.collection, id: step.id, steps: [] };
      documents.set(key, (entry.steps.push(step), entry));
    }
    const applyAll = this.db.transaction(() => {
      for (const { collection, id, steps } of documents.values()) this.fold(collection, id, steps);
    });
    try {
      applyAll.immediate();
    } catch (error) {
      if (!isNoSuchTable(error)) throw error;
      new Set(updates.map((step) => step.collection)).forEach((collection) =>
        this.create(collection),
      );
      applyAll.immediate();
    }
  }

  async remove(collection: string, id: string): Promise<void> {
    this.read(
      collection,
      undefined,
      (table) => void this.statement(`DELETE FROM ${table} WHERE id = ?`).run(id),
    );
  }

  async drop(collection: string): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${table(collection)}`);
  }

  async ensureIndex(collection: string, fields: Record<string, 1 | -1>): Promise<void> {
    const declared = this.indexes.get(collection) ?? new Set<string>();
    this.indexes.set(collection, declared.add(indexDdl(collection, fields)));
    this.create(collection);
  }

  async collections(): Promise<string[]> {
    const tables = this.db
      .prepare<[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 3) = '${PREFIX}' ORDER BY name`,
      )
      .all();
    const names = tables
      .map(({ name }) => name.slice(PREFIX.length))
      .filter((name) => COLLECTION.test(name));
    return names.filter(
      (name) => this.db.prepare(`SELECT 1 FROM ${table(name)} LIMIT 1`).get() !== undefined,
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /**
   * The query plan (EXPLAIN QUERY PLAN details) of the SQL that `find` runs, to check that a query
   * reads through an index; a collection not written yet has no table, and `find` reads nothing
   * from it.
   */
  async explain(
    collection: string,
    query: Record<string, unknown> = {},
    options: FindOptions = {},
  ): Promise<string[]> {
    const select = this.select(collection, query, options);
    return this.read(collection, [`no table for ${collection}: nothing read`], () =>
      this.db
        .prepare<SqlValue[], { detail: string }>(`EXPLAIN QUERY PLAN ${select.sql}`)
        .all(...select.params)
        .map((step) => step.detail),
    );
  }

  /**
   * Within a transaction: a document's updates in order, each only if the document has not seen its
   * position.
   */
  private fold(collection: string, id: string, steps: readonly Update[]): void {
    const row = this.statement(
      `SELECT id, position, doc FROM ${table(collection)} WHERE id = ?`,
    ).get(id) as Row | undefined;
    let current = row && toDoc<unknown>(row);
    for (const { position, update } of steps) {
      if (current && current._position >= position) continue;
      current = { ...documentOf(update(current)), _id: id, _position: position };
    }
    if (current && current._position !== row?.position) {
      const upsert = `INSERT INTO ${table(collection)} (id, position, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc`;
      this.statement(upsert).run(id, current._position, serialize(current));
    }
  }

  private select(collection: string, query: Record<string, unknown>, options: FindOptions): Select {
    const filter = where(query);
    // Without a sort, documents come in the order they were first written, as in
    // InMemoryReadModels.
    const order = options.sort ? orderBy(options.sort) : 'rowid';
    const from = `SELECT id, position, doc FROM ${table(collection)} WHERE ${filter.sql}`;
    if (!filter.exact || order === undefined)
      return { sql: `${from} ORDER BY rowid`, params: filter.params, complete: false };
    return {
      sql: `${from} ORDER BY ${order} LIMIT ? OFFSET ?`,
      params: [...filter.params, options.limit || -1, options.skip ?? 0],
      complete: true,
    };
  }

  private create(collection: string): void {
    this.db.transaction(() => {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${table(collection)} (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL)`,
      );
      for (const ddl of this.indexes.get(collection) ?? []) this.db.exec(ddl);
    })();
  }

  /**
   * A collection nobody wrote to (or dropped, maybe by another process) has no table: it reads as
   * empty.
   */
  private read<R>(collection: string, empty: R, run: (table: string) => R): R {
    try {
      return run(table(collection));
    } catch (error) {
      if (isNoSuchTable(error)) return empty;
      throw error;
    }
  }

  private write<R>(collection: string, run: () => R): R {
    try {
      return run();
    } catch (error) {
      if (!isNoSuchTable(error)) throw error;
      this.create(collection);
      return run();
    }
  }

  private statement(sql: string): Database.Statement<SqlValue[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= CACHED_STATEMENTS) this.statements.clear();
      this.statements.set(sql, (statement = this.db.prepare<SqlValue[]>(sql)));
    }
    return statement;
  }
}

function table(collection: string): string {
  if (!COLLECTION.test(collection))
    throw new Error(
      `Invalid read-model collection name "${collection}": use letters, digits and _ only`,
    );
  return `"${PREFIX}${collection}"`;
}

/** The index name is derived from its fields, so declaring it again is a no-op. */
function indexDdl(collection: string, fields: Record<string, 1 | -1>): string {
  const entries = Object.entries(fields);
  const columns = entries.map(([path, direction]) => {
    const sql = field(path);
    if (!sql || (direction !== 1 && direction !== -1))
      throw new Error(`Cannot index ${collection} on ${path}: ${direction}`);
    return {
      value: `${sql.value}${direction === -1 ? ' DESC' : ''}`,
      type: isColumn(path) ? [] : [sql.type],
    };
  });
  if (columns.length === 0) throw new Error(`An index on ${collection} needs at least one field`);
  const name = `ix_${PREFIX}${collection}:${entries.map(([path, direction]) => `${path}:${direction}`).join(':')}`;
  // `id` after the fields, as in find's ORDER BY, so that a sort on the fields reads in index order
  // with no sort step; then each field's JSON type, which the queries check beside its value
  // (sqlite.query.ts), so a query on the fields reads the index alone.
  const all = [
    ...columns.map((column) => column.value),
    'id',
    ...columns.flatMap((column) => column.type),
  ];
  return `CREATE INDEX IF NOT EXISTS "${name}" ON ${table(collection)} (${all.join(', ')})`;
}

function finishInJs<T>(
  docs: Doc<T>[],
  query: Record<string, unknown>,
  options: FindOptions,
): Doc<T>[] {
  let cursor = new Query(query).find<Doc<T>>(docs);
  if (options.sort)
    cursor = cursor.sort({ ...options.sort, ...('_id' in options.sort ? {} : { _id: 1 }) });
  if (options.skip) cursor = cursor.skip(options.skip);
  if (options.limit) cursor = cursor.limit(options.limit);
  return cursor.all();
}

function toDoc<T>(row: Row): Doc<T> {
  return { ...(JSON.parse(row.doc) as T), _id: row.id, _position: row.position };
}

function serialize(doc: unknown): string {
  const { _id, _position, ...rest } = documentOf(doc);
  return JSON.stringify(rest);
}

function documentOf(doc: unknown): Record<string, unknown> {
  if (typeof (doc as PromiseLike<unknown> | undefined)?.then === 'function')
    throw new TypeError('A read-model update must return the document, not a promise');
  return doc as Record<string, unknown>;
}

// By shape, not instanceof: the native addon keeps the SqliteError class (and Error) of the first
// context that loaded it (jest has one per spec file).
function isNoSuchTable(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'SqliteError' && typeof message === 'string' && message.startsWith('no such table')
  );
}
