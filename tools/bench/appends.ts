import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chainHashes, type NewEvent } from '@billing/shared/event-store';
import { SqliteEventStore } from '@billing/shared/sqlite';

const STREAMS = 500;
/**
 * Store and raw alternate in short rounds: fsync latency on a shared disk drifts within seconds.
 */
const ROUNDS = 12;

/**
 * About the size of the app's events (InvoiceIssued, PaymentReceived: 600-800 bytes of JSON with
 * metadata).
 */
export function sampleEvent(): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: 'InvoiceIssued',
    data: {
      contractId: randomUUID(),
      invoiceId: randomUUID(),
      number: 'INV-2026-00042',
      issueDate: '2026-03-04',
      dueDate: '2026-04-03',
      amount: 1_234_567,
      tax: 0,
      total: 1_234_567,
      note: 'x'.repeat(180),
    },
    metadata: {
      tenantId: 'default',
      correlationId: id,
      causationId: randomUUID(),
      actor: 'bench',
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
      command: 'IssueInvoice',
    },
  };
}

interface Writer {
  append(stream: string, events: NewEvent[], revision: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The floor: the same rows into the same table (made by the store), hash chain included (ADR 19:
 * each row's hash is part of the row, as its JSON is), same pragmas, one IMMEDIATE transaction per
 * append, statements prepared once.
 */
function rawWriter(file: string): Writer {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const heads = new Map<string, string>();
  const write = db.transaction((stream: string, events: NewEvent[], revision: number) => {
    const recordedAt = new Date().toISOString();
    const hashes = chainHashes(stream, revision + 1, heads.get(stream), events, recordedAt);
    events.forEach((event, index) =>
      insert.run(
        stream,
        revision + 1 + index,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
        hashes[index],
      ),
    );
    heads.set(stream, hashes[hashes.length - 1]);
  });
  return {
    append: async (stream, events, revision) => void write.immediate(stream, events, revision),
    close: async () => void db.close(),
  };
}

function storeWriter(file: string): Writer {
  const store = new SqliteEventStore(file);
  return {
    append: async (stream, events, revision) =>
      void (await store.append(stream, events, revision < 0 ? 'no_stream' : revision)),
    close: () => store.close(),
  };
}

/**
 * Appends `appends` batches of `size` events round-robin over STREAMS streams, each with its exact
 * expected revision (as command handlers do), from `writers` concurrent callers (each its own
 * streams, as concurrent requests would be); events/s.
 */
async function rate(
  writer: Writer,
  revisions: number[],
  appends: number,
  size: number,
  writers: number,
): Promise<number> {
  const batches = Array.from({ length: appends }, () => Array.from({ length: size }, sampleEvent));
  const started = performance.now();
  const caller = async (first: number) => {
    for (let i = first; i < appends; i += writers) {
      const stream = i % STREAMS;
      await writer.append(`bench-${stream}`, batches[i], revisions[stream]);
      revisions[stream] += size;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, first) => caller(first)));
  return (appends * size) / ((performance.now() - started) / 1000);
}

export interface AppendFigures {
  size: number;
  /** Concurrent callers; the raw loop is synchronous, so for it this changes nothing. */
  writers: number;
  appends: number;
  store: number;
  raw: number;
  ratio: number;
}

/**
 * SqliteEventStore against the raw loop, alternating rounds (store, raw, store, raw, …) so drift on
 * a shared machine hits both.
 */
export async function measureAppends(scale = 1): Promise<AppendFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-appends-'));
  try {
    const results: AppendFigures[] = [];
    for (const [size, appends, writers] of [
      [1, 250 * scale, 1],
      [50, 25 * scale, 1],
      [1, 250 * scale, 8],
    ]) {
      const storeFile = join(dir, `store-${size}-${writers}.sqlite`);
      const rawFile = join(dir, `raw-${size}-${writers}.sqlite`);
      await new SqliteEventStore(rawFile).close();
      const [store, raw] = [storeWriter(storeFile), rawWriter(rawFile)];
      const revisions = {
        store: Array<number>(STREAMS).fill(-1),
        raw: Array<number>(STREAMS).fill(-1),
      };
      const seconds = { store: 0, raw: 0 };
      // One round each first, not counted: the store's code (and the raw loop's) compiled before it
      // is timed.
      for (let round = -1; round < ROUNDS; round++) {
        const [storeRound, rawRound] = [
          await rate(store, revisions.store, appends, size, writers),
          await rate(raw, revisions.raw, appends, size, writers),
        ];
        if (round < 0) continue;
        seconds.store += (appends * size) / storeRound;
        seconds.raw += (appends * size) / rawRound;
      }
      await Promise.all([store.close(), raw.close()]);
      const events = appends * size * ROUNDS;
      const [storeRate, rawRate] = [events / seconds.store, events / seconds.raw];
      results.push({
        size,
        writers,
        appends: appends * ROUNDS,
        store: storeRate,
        raw: rawRate,
        ratio: storeRate / rawRate,
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
