import { copyFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEsdbEmulator } from '@billing/infra/esdb-emulator';
import { EsdbEventStore } from '@billing/shared/esdb';
import {
  chainHash,
  GENESIS,
  verifyChains,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { dataset } from './dataset';

const ROUNDS = 3;
/**
 * Appends sent before awaiting them: the SQLite store commits those of one turn together (group
 * commit).
 */
const IN_FLIGHT = 500;

export interface VerifyFigures {
  events: number;
  streams: number;
  bytes: number;
  /**
   * Seconds to append the dataset's events again, hashed, into the measured store (a store
   * generated since hashing is copied as it is: 0).
   */
  copySeconds: number;
  /** Per round, through the EventStore port on the SQLite file (page cache warm after the copy). */
  read: Rate[];
  verify: Rate[];
  /** chainHash alone (RFC 8785 canonicalization + SHA-256) on events already in memory. */
  hashOnly: Rate;
  esdb?: { events: number; read: Rate[]; verify: Rate[] };
  intact: boolean;
}

/**
 * Events per second of wall time, and per second of this process's CPU time (user + system): the
 * second moves less when other work shares the cores.
 */
export interface Rate {
  wall: number;
  cpu: number;
}

/**
 * `verify` over the boot store of `events` events (the app's own histories, synthesised): appended
 * again through SqliteEventStore so that every event is hashed, then walked ROUNDS times beside a
 * plain read of the same pages (what the walk costs over reading), and on the in-process ESDB
 * emulator through the EventStoreDB adapter for the first `esdbEvents` of them.
 */
export async function measureVerify(
  events: number,
  esdbEvents: number,
  fresh: boolean,
  log: (line: string) => void,
): Promise<VerifyFigures> {
  const source = await dataset({ key: `events-${events}`, targetEvents: events }, fresh, log);
  const file = join(tmpdir(), `billing-bench-verify-${process.pid}.sqlite`);
  remove(file);
  try {
    const [started, sourceFile] = [performance.now(), join(source.dir, 'events.sqlite')];
    const alreadyHashed = hashed(sourceFile);
    if (alreadyHashed) copyFileSync(sourceFile, file);
    else {
      log(
        `  verify: appending ${source.events.toLocaleString('en-US')} events again, hashed (the store predates hashing)`,
      );
      await copyInto(new SqliteEventStore(file), sourceFile, Infinity, IN_FLIGHT);
    }
    const copySeconds = alreadyHashed ? 0 : (performance.now() - started) / 1000;
    const store = new SqliteEventStore(file);
    const figures: VerifyFigures = {
      events: 0,
      streams: source.streams,
      bytes: statSync(file).size,
      copySeconds,
      read: [],
      verify: [],
      hashOnly: { wall: 0, cpu: 0 },
      intact: true,
    };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const [read, report] = [
          await timed(() => readEverything(store)),
          await timed(() => verifyChains(store)),
        ];
        figures.events = report.value.events;
        figures.intact &&= report.value.intact && report.value.verified === report.value.events;
        figures.read.push(rate(read.value, read));
        figures.verify.push(rate(report.value.events, report));
        log(
          `    round ${round + 1}: read ${Math.round(figures.read[round].wall)} events/s, verify ${Math.round(figures.verify[round].wall)} events/s (${Math.round(figures.verify[round].cpu)} per CPU-second)`,
        );
      }
      figures.hashOnly = await hashRate(store);
    } finally {
      await store.close();
    }
    if (esdbEvents > 0) figures.esdb = await esdbRate(sourceFile, esdbEvents, log);
    return figures;
  } finally {
    remove(file);
  }
}

/**
 * The source's events, in position order, appended with their exact expected revisions, `inFlight`
 * at a time (the EventStoreDB adapter reads the previous event before each append: one at a time).
 */
async function copyInto(
  store: EventStore,
  sourceFile: string,
  limit: number,
  inFlight: number,
): Promise<void> {
  const db = new Database(sourceFile, { readonly: true });
  const rows = db
    .prepare<
      [number],
      {
        stream_id: string;
        revision: number;
        event_id: string;
        type: string;
        data: string;
        metadata: string;
      }
    >(
      'SELECT stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position LIMIT ?',
    )
    .iterate(Number.isFinite(limit) ? limit : -1);
  let pending: Promise<unknown>[] = [];
  try {
    for (const row of rows) {
      const event: NewEvent = {
        id: row.event_id,
        type: row.type,
        data: JSON.parse(row.data),
        metadata: JSON.parse(row.metadata),
      };
      pending.push(
        store.append(row.stream_id, [event], row.revision === 0 ? 'no_stream' : row.revision - 1),
      );
      if (pending.length >= inFlight) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
  } finally {
    db.close();
    await store.close();
  }
}

/** Every event of the file has its hash (a store generated since events are hash-chained). */
function hashed(file: string): boolean {
  const db = new Database(file, { readonly: true });
  try {
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('events')")
      .all();
    return (
      columns.some((column) => column.name === 'hash') &&
      db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE hash IS NULL').get()
        ?.n === 0
    );
  } finally {
    db.close();
  }
}

async function readEverything(store: EventStore): Promise<number> {
  let count = 0;
  for (let from = 0; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    count += page.length;
    if (page.length < 1000) return count;
    from = page[page.length - 1].position;
  }
}

async function hashRate(store: EventStore): Promise<Rate> {
  const events: RecordedEvent[] = await store.readAll({ maxCount: 20_000 });
  return rate(
    events.length,
    await timed(async () =>
      events.reduce((previous, event) => chainHash(previous, event), GENESIS),
    ),
  );
}

async function esdbRate(
  sourceFile: string,
  events: number,
  log: (line: string) => void,
): Promise<VerifyFigures['esdb']> {
  const emulator = await startEsdbEmulator({ port: 0 });
  try {
    log(
      `  verify: appending ${events.toLocaleString('en-US')} events through the EventStoreDB adapter to the in-process emulator`,
    );
    await copyInto(new EsdbEventStore(emulator.url), sourceFile, events, 1);
    const store = new EsdbEventStore(emulator.url);
    const figures: NonNullable<VerifyFigures['esdb']> = { events, read: [], verify: [] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const [read, report] = [
          await timed(() => readEverything(store)),
          await timed(() => verifyChains(store)),
        ];
        if (!report.value.intact) throw new Error('the chains on the emulator do not hold');
        figures.read.push(rate(read.value, read));
        figures.verify.push(rate(report.value.events, report));
      }
    } finally {
      await store.close();
    }
    return figures;
  } finally {
    await emulator.stop();
  }
}

async function timed<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const value = await work();
  const { user, system } = process.cpuUsage(cpu);
  return {
    value,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (user + system) / 1e6,
  };
}

const rate = (
  events: number,
  { seconds, cpuSeconds }: { seconds: number; cpuSeconds: number },
): Rate => ({ wall: events / seconds, cpu: events / cpuSeconds });

const remove = (file: string) =>
  ['', '-wal', '-shm'].forEach((suffix) => rmSync(`${file}${suffix}`, { force: true }));
