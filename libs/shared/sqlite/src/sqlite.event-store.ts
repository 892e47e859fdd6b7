import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  AppendSignal,
  type AppendNotice,
  catchUp,
  chainHashes,
  checkAppend,
  type AppendResult,
  type EventHandler,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  matchesPrefixes,
  StoreUnavailableError,
} from '@billing/shared/event-store';
import { deepFreeze } from '@billing/shared/kernel';
import { openNamed, type Access } from './open-named';

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
  hash: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  hash TEXT,
  UNIQUE (stream_id, revision)
);`;

/** Other processes may append to the same file; their appends are seen within this many ms. */
const POLL_MS = 500;
/**
 * Events this process appended last (TAIL to twice that), kept to answer the subscriptions reading
 * right behind the head.
 */
const TAIL = 10_000;

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
  /** The rows as stored, once written in the batch's transaction. */
  written?: Row[];
}

/**
 * An event of the tail: its row as written, decoded (and frozen) by the first read that wants it,
 * not by the append.
 */
interface Kept {
  row: Row;
  event?: RecordedEvent;
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal = new AppendSignal(POLL_MS);
  private readonly statements;
  /**
   * readStream/readAll statements by their SQL: prepared once, not on every read (catch-up
   * subscriptions read after every append).
   */
  private readonly reads = new Map<string, Database.Statement<unknown[], Row>>();
  private pending: PendingAppend[] = [];
  /** The last batch's failure (the file's: a full disk, an I/O error), until a batch commits. */
  private failing?: string;
  /**
   * Every event with a position in (tailFrom, tailTo], as stored (decoded once, frozen: readers
   * share them): what this process appended since another process last committed, the newest TAIL
   * to 2 x TAIL.
   */
  private tail: Kept[] = [];
  private tailFrom = 0;
  private tailTo = 0;
  private readonly writeBatch: Database.Transaction<
    (batch: PendingAppend[]) => { outcomes: (AppendResult | Error)[]; notice: AppendNotice }
  >;

  /** The file as opened (device and inode): a file removed or replaced since is not written to. */
  private readonly opened?: { dev: bigint; ino: bigint };

  constructor(
    private readonly file: string,
    private readonly now: () => Date = () => new Date(),
    private readonly busyTimeoutMs = 5_000,
    private readonly access: Access = 'read-write',
  ) {
    this.db = openNamed(
      file,
      (db) => {
        db.pragma(`busy_timeout = ${busyTimeoutMs}`);
        if (access === 'read-only') return;
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.exec(SCHEMA);
        addHashColumn(db);
      },
      'it holds the events, the source of truth: restore it from a backup',
      access,
    );
    if (file !== ':memory:' && file !== '') this.opened = statSync(file, { bigint: true });
    // A store from before hashing, opened read-only, keeps its table as it is: without the column.
    const hash = hasHashColumn(this.db) ? 'hash' : 'NULL';
    this.statements = {
      last: this.db.prepare<[string], { revision: number; hash: string | null }>(
        `SELECT revision, ${hash} AS hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`,
      ),
      idsFrom: this.db.prepare<[string, number, number], { event_id: string }>(
        'SELECT event_id FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at${hash === 'hash' ? ', hash' : ''}) VALUES (?, ?, ?, ?, ?, ?, ?${hash === 'hash' ? ', ?' : ''})`,
      ),
      positionOf: this.db.prepare<[string, number], { position: number }>(
        'SELECT position FROM events WHERE stream_id = ? AND revision = ?',
      ),
      head: this.db.prepare<[], { head: number | null }>(
        'SELECT MAX(position) AS head FROM events',
      ),
    };
    // Each append of a batch is a savepoint of the batch's transaction: a refused or failing one
    // writes nothing and fails alone. An append alone needs no savepoint: it fails with its
    // transaction.
    const writeOne = this.db.transaction((append: PendingAppend) => this.write(append));
    const writeAll = (batch: PendingAppend[]) => {
      if (batch.length === 1) return [this.write(batch[0])];
      return batch.map((append) => {
        try {
          return writeOne(append);
        } catch (error) {
          // The database itself failing (I/O, disk full, locked) fails the whole batch.
          if (isSqliteError(error)) throw error;
          return error instanceof Error ? error : new Error(String(error));
        }
      });
    };
    // Under the write lock, the head before and after the batch bound what it wrote, and nobody
    // else: the notice to subscriptions.
    this.writeBatch = this.db.transaction((batch: PendingAppend[]) => {
      const after = this.statements.head.get()?.head ?? 0;
      const outcomes = writeAll(batch);
      return {
        outcomes,
        notice: {
          after,
          to: this.statements.head.get()?.head ?? 0,
          streamIds: batch.map((append) => append.streamId),
        },
      };
    });
  }

  /**
   * Group commit: the appends asked for in one turn of the event loop share one IMMEDIATE
   * transaction, so one commit (one fsync under synchronous=FULL) makes all of them durable, and
   * none resolves before it. Each is checked against the stream as the earlier ones left it.
   * Reading a stream with a waiting append commits the batch first (see readStream).
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    if (this.access === 'read-only')
      return Promise.reject(new Error(`${this.file} is open read-only: nothing is appended`));
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let outcomes: (AppendResult | Error)[];
    let notice: AppendNotice;
    try {
      this.requireFile();
      ({ outcomes, notice } = this.writeBatch.immediate(batch));
    } catch (error) {
      // Another process held the write lock longer than busy_timeout: nothing was written, try
      // again shortly (HTTP 503).
      const busy = String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');
      const failure = busy
        ? new StoreUnavailableError(
            `the event store is busy (another writer held it over ${this.busyTimeoutMs} ms); nothing was written`,
          )
        : error;
      if (!busy && isSqliteError(error)) this.failing = (error as Error).message;
      batch.forEach((append) => append.reject(failure));
      return;
    }
    this.failing = undefined;
    this.keepTail(notice, batch);
    this.signal.notify(notice);
    outcomes.forEach((outcome, index) =>
      outcome instanceof Error ? batch[index].reject(outcome) : batch[index].resolve(outcome),
    );
  }

  /**
   * The batch's events, if they follow the tail (no other process committed in between); else a new
   * tail from them.
   */
  private keepTail({ after, to }: AppendNotice, batch: PendingAppend[]): void {
    if (after !== this.tailTo) [this.tail, this.tailFrom] = [[], after];
    for (const append of batch) for (const row of append.written ?? []) this.tail.push({ row });
    this.tailTo = to;
    // Cut back to TAIL once it holds twice that: not an array shift on every commit.
    if (this.tail.length > 2 * TAIL)
      this.tailFrom = this.tail.splice(0, this.tail.length - TAIL).at(-1)!.row.position;
  }

  private write(append: PendingAppend): AppendResult {
    const { streamId, events, expected } = append;
    append.written = undefined;
    // The stream's last revision and hash and, only for a possible retry, the ids where the writer
    // expected to append: never the whole stream. Read inside the write transaction, so the chain
    // continues from the event that is really last (ADR 19).
    const last = this.statements.last.get(streamId);
    const current = last?.revision ?? -1;
    const idsFrom = (revision: number, count: number) =>
      this.statements.idsFrom.all(streamId, revision, count).map((row) => row.event_id);
    const decision = checkAppend(streamId, current, idsFrom, events, expected);
    if (decision.kind === 'duplicate')
      return {
        nextRevision: decision.lastRevision,
        position: this.positionOf(streamId, decision.lastRevision),
      };
    const recordedAt = this.now().toISOString();
    const hashes = chainHashes(
      streamId,
      decision.fromRevision,
      last?.hash ?? undefined,
      events,
      recordedAt,
    );
    let position = events.length === 0 ? (this.statements.head.get()?.head ?? 0) : 0;
    const written: Row[] = [];
    events.forEach((event, index) => {
      const [data, metadata] = [JSON.stringify(event.data), JSON.stringify(event.metadata)];
      const revision = decision.fromRevision + index;
      const info = this.statements.insert.run(
        streamId,
        revision,
        event.id,
        event.type,
        data,
        metadata,
        recordedAt,
        hashes[index],
      );
      position = Number(info.lastInsertRowid);
      written.push({
        position,
        stream_id: streamId,
        revision,
        event_id: event.id,
        type: event.type,
        data,
        metadata,
        recorded_at: recordedAt,
        hash: hashes[index],
      });
    });
    // Set last: a savepoint that fails after this leaves the append without events (it wrote none).
    append.written = written;
    return { nextRevision: decision.fromRevision + events.length - 1, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    // A writer deciding on this stream sees every append asked for before it: committing them first
    // keeps a waiting batch from turning into conflicts (and retries) on a busy stream.
    if (this.pending.some((append) => append.streamId === streamId)) this.flush();
    const forwards = options.direction !== 'backwards';
    const from = options.fromRevision ?? (forwards ? 0 : Number.MAX_SAFE_INTEGER);
    const sql = `SELECT * FROM events WHERE stream_id = ? AND revision ${forwards ? '>=' : '<='} ? ORDER BY revision ${forwards ? 'ASC' : 'DESC'} LIMIT ?`;
    return this.read(sql)
      .all(streamId, from, options.maxCount ?? -1)
      .map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const fromTail = this.fromTail(options);
    if (fromTail) return fromTail;
    const forwards = options.direction !== 'backwards';
    const from = options.fromPosition ?? (forwards ? 0 : Number.MAX_SAFE_INTEGER);
    const prefixes = options.streamPrefixes ?? [];
    const prefixSql = prefixes.length
      ? `AND (${prefixes.map(() => 'substr(stream_id, 1, ?) = ?').join(' OR ')})`
      : '';
    const sql = `SELECT * FROM events WHERE position ${forwards ? '>' : '<'} ? AND position ${forwards ? '<=' : '>='} ? ${prefixSql} ORDER BY position ${forwards ? 'ASC' : 'DESC'} LIMIT ?`;
    const prefixArgs = prefixes.flatMap((prefix) => [prefix.length, prefix]);
    return this.read(sql)
      .all(
        from,
        forwards ? (options.toPosition ?? Number.MAX_SAFE_INTEGER) : 0,
        ...prefixArgs,
        options.maxCount ?? -1,
      )
      .map(toRecorded);
  }

  /**
   * A forwards read of a range the tail holds all of (a subscription right behind the head, as
   * catch-up reads up to the head it saw): from memory, not SQLite, and decoded once for every
   * reader.
   */
  private fromTail(options: ReadAllOptions): RecordedEvent[] | undefined {
    const from = options.fromPosition ?? 0;
    if (
      options.direction === 'backwards' ||
      options.toPosition === undefined ||
      from < this.tailFrom ||
      options.toPosition > this.tailTo
    )
      return undefined;
    let low = 0;
    for (let high = this.tail.length; low < high;) {
      const middle = (low + high) >> 1;
      if (this.tail[middle].row.position <= from) low = middle + 1;
      else high = middle;
    }
    const found: RecordedEvent[] = [];
    const limit = options.maxCount ?? Infinity;
    for (let index = low; index < this.tail.length && found.length < limit; index++) {
      const kept = this.tail[index];
      if (kept.row.position > options.toPosition) break;
      if (matchesPrefixes(kept.row.stream_id, options.streamPrefixes))
        found.push((kept.event ??= toRecorded(kept.row)));
    }
    return found;
  }

  subscribeToAll(
    options: SubscribeOptions,
    handler: EventHandler,
    onError?: (error: unknown, event: RecordedEvent) => void,
  ): Subscription {
    return catchUp(
      {
        readAll: (o) => this.readAll(o),
        headPosition: () => this.headPosition(),
        signal: this.signal,
      },
      options,
      handler,
      onError,
    );
  }

  writeFailure(): string | undefined {
    return this.failing;
  }

  async headPosition(): Promise<number> {
    this.requireFile();
    return this.statements.head.get()?.head ?? 0;
  }

  /**
   * The file this store opened is still the one at its path: one removed (the data folder deleted
   * under a running app) or replaced would take every later write with it.
   */
  private requireFile(): void {
    if (!this.opened) return;
    const now = statSync(this.file, { bigint: true, throwIfNoEntry: false });
    if (now?.dev !== this.opened.dev || now.ino !== this.opened.ino)
      throw new StoreUnavailableError(
        `the event store file ${this.file} was removed or replaced while this process ran: nothing is written to it; restart on the data folder that holds the events`,
      );
  }

  async close(): Promise<void> {
    this.flush();
    this.signal.notify();
    this.db.close();
  }

  private read(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.reads.get(sql);
    if (!statement) this.reads.set(sql, (statement = this.db.prepare<unknown[], Row>(sql)));
    return statement;
  }

  private positionOf(streamId: string, revision: number): number {
    const row = this.statements.positionOf.get(streamId, revision);
    if (!row) throw new Error(`no event at ${streamId}@${revision}`);
    return row.position;
  }
}

// By shape: the native addon's SqliteError class is the one of the first context that loaded it.
function isSqliteError(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'SqliteError';
}

/**
 * A row as an event, whatever a hand edit or an old bug left in it: data that is not JSON comes as
 * its text and metadata that is not a JSON object as `{}`, which no schema accepts (EventSchemas
 * `decode`), so its readers park it instead of stopping on it.
 */
function toRecorded(row: Row): RecordedEvent {
  const metadata = parsed(row.metadata);
  return deepFreeze({
    id: row.event_id,
    type: row.type,
    data: parsed(row.data) ?? row.data,
    metadata: (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
      ? metadata
      : {}) as RecordedEvent['metadata'],
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    recordedAt: row.recorded_at,
    ...(row.hash === null ? {} : { hash: row.hash }),
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the caller keeps the text, and the event's readers park it.
    return undefined;
  }
}

/**
 * Files made before events were hash-chained get the column; their events keep no hash (ADR 19).
 */
function addHashColumn(db: Database.Database): void {
  if (hasHashColumn(db)) return;
  try {
    db.exec('ALTER TABLE events ADD COLUMN hash TEXT');
  } catch (error) {
    // Another process opening the same file added it first.
    if (!/duplicate column/.test(String(error))) throw error;
  }
}

function hasHashColumn(db: Database.Database): boolean {
  return db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')")
    .all()
    .some((column) => column.name === 'hash');
}
