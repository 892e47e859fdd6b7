import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  verifyChains,
  WrongExpectedVersionError,
  type EventStore,
} from '@billing/shared/event-store';
import { eventStoreConformance, oneByteChanged } from '@billing/shared/testing';
import { SqliteEventStore } from './sqlite.event-store';

const metadata = {
  tenantId: 't',
  correlationId: 'c',
  causationId: 'x',
  actor: 'a',
  occurredAt: 'now',
  schemaVersion: 1,
};

const dir = mkdtempSync(join(tmpdir(), 'billing-sqlite-'));
let n = 0;
const files = new WeakMap<EventStore, string>();

/**
 * One byte of the row's data changed through another connection to the file, as anyone with the
 * file could.
 */
async function tamper(store: EventStore, streamId: string, revision: number) {
  const db = new Database(files.get(store));
  const { data } = db
    .prepare<[string, number], { data: string }>(
      'SELECT data FROM events WHERE stream_id = ? AND revision = ?',
    )
    .get(streamId, revision) ?? { data: '' };
  db.prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?').run(
    oneByteChanged(data),
    streamId,
    revision,
  );
  db.close();
}

eventStoreConformance(
  'sqlite',
  async () => {
    const file = join(dir, `store-${n++}.db`);
    const store = new SqliteEventStore(file);
    files.set(store, file);
    return store;
  },
  tamper,
);

it('keeps events across a reopen of the same file', async () => {
  const file = join(dir, 'reopen.db');
  const first = new SqliteEventStore(file);
  await first.append(
    'test-a',
    [
      {
        id: '00000000-0000-4000-8000-000000000001',
        type: 'A',
        data: { amount: 1 },
        metadata,
      },
    ],
    'no_stream',
  );
  await first.close();
  const second = new SqliteEventStore(file);
  expect((await second.readStream('test-a')).map((e) => e.data)).toEqual([{ amount: 1 }]);
  await second.close();
});

describe('group commit (appends of one turn share a transaction)', () => {
  const event = (data: unknown) => ({ id: randomUUID(), type: 'E', data, metadata });

  it('fails only the refused or unwritable append; the others commit in order', async () => {
    const store = new SqliteEventStore(join(dir, 'group.db'));
    const results = await Promise.allSettled([
      store.append('test-a', [event(1)], 'no_stream'),
      store.append('test-a', [event(2)], 'no_stream'),
      store.append('test-b', [event(3), event({ n: BigInt(4) })], 'no_stream'),
      store.append('test-a', [event(5)], 0),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream('test-a')).map((e) => e.data)).toEqual([1, 5]);
    expect(await store.readStream('test-b')).toEqual([]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.position : 0))).toEqual([
      1, 0, 0, 2,
    ]);
    await store.close();
  });
});

describe('two connections to one file (two processes)', () => {
  const event = (n: number) => ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'E',
    data: { n },
    metadata,
  });

  it('lets exactly one of two writers append at the same expected revision', async () => {
    const file = join(dir, 'two-writers.db');
    const [a, b] = [new SqliteEventStore(file), new SqliteEventStore(file)];
    await a.append('test-s', [event(1)], 'no_stream');
    const results = await Promise.allSettled([
      a.append('test-s', [event(2)], 0),
      b.append('test-s', [event(3)], 0),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await b.readStream('test-s')).map((e) => e.revision)).toEqual([0, 1]);
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers to a subscription on one connection what another connection appends', async () => {
    const file = join(dir, 'two-readers.db');
    const [writer, reader] = [new SqliteEventStore(file), new SqliteEventStore(file)];
    const seen: number[] = [];
    const subscription = reader.subscribeToAll(
      { fromPosition: 0 },
      async (e) => void seen.push((e.data as { n: number }).n),
    );
    await writer.append('test-s', [event(1), event(2)], 'no_stream');
    const deadline = Date.now() + 5_000;
    while (seen.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.stop();
    expect(seen).toEqual([1, 2]);
    await Promise.all([writer.close(), reader.close()]);
  });
});

describe('a file written before events were hash-chained (ADR 19)', () => {
  const event = (n: number) => ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'E',
    data: { n },
    metadata,
  });

  it('gets the hash column; its old events stay unhashed and are reported as such, the chain starts at the first new one', async () => {
    const file = join(dir, 'before-hashing.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
    const insert = old.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    [1, 2].forEach((n, revision) =>
      insert.run(
        'test-old',
        revision,
        event(n).id,
        'E',
        JSON.stringify({ n }),
        JSON.stringify(metadata),
        '2026-01-01T00:00:00.000Z',
      ),
    );
    insert.run(
      'test-other',
      0,
      event(3).id,
      'E',
      '{"n":3}',
      JSON.stringify(metadata),
      '2026-01-01T00:00:00.000Z',
    );
    old.close();
    const store = new SqliteEventStore(file);
    await store.append('test-old', [event(4)], 1);
    await store.append('test-new', [event(5)], 'no_stream');
    const [first, , hashed] = await store.readStream('test-old');
    expect([first.hash, typeof hashed.hash]).toEqual([undefined, 'string']);
    expect(await verifyChains(store)).toMatchObject({
      events: 5,
      streams: 3,
      verified: 2,
      unhashed: 3,
      unhashedStreams: 2,
      breakCount: 0,
      intact: true,
    });
    await store.close();
  });
});

describe('a hash-chained event whose metadata a hand edit broke', () => {
  it("is a break of its tenant's chain, not an event of no tenant left out", async () => {
    const file = join(dir, 'tampered.db');
    const store = new SqliteEventStore(file);
    const event = (n: number) => ({ id: randomUUID(), type: 'E', data: { n }, metadata });
    await store.append('test-t', [event(1), event(2), event(3)], 'no_stream');
    await store.close();
    const db = new Database(file);
    db.prepare(
      "UPDATE events SET metadata = 'garbage' WHERE stream_id = 'test-t' AND revision = 1",
    ).run();
    db.close();
    const reopened = new SqliteEventStore(file);
    expect(await verifyChains(reopened, { tenantId: metadata.tenantId })).toMatchObject({
      events: 3,
      intact: false,
      breakCount: 1,
    });
    await reopened.close();
  });
});

describe('the events a process appended last, read from memory', () => {
  const event = (n: unknown) => ({ id: randomUUID(), type: 'E', data: { n }, metadata });
  const numbers = (events: { data: unknown }[]) => events.map((e) => (e.data as { n: unknown }).n);

  it('answers readers right behind the head with the events as stored, decoded once and frozen, and only those that were written', async () => {
    const file = join(dir, 'tail.db');
    const store = new SqliteEventStore(file);
    await Promise.allSettled([
      store.append('test-a', [event(1), event(2)], 'no_stream'),
      store.append('test-a', [event(3)], 'no_stream'),
      store.append('test-b', [event(4), event(BigInt(5))], 'no_stream'),
      store.append('other-c', [event(6)], 'no_stream'),
    ]);
    const head = await store.headPosition();
    const [first, second] = [
      await store.readAll({ fromPosition: 0, toPosition: head }),
      await store.readAll({ fromPosition: 0, toPosition: head }),
    ];
    // The refused append (3) and the unwritable one (4, 5) left nothing behind.
    expect(numbers(first)).toEqual([1, 2, 6]);
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0].data)).toBe(true);
    expect(
      numbers(
        await store.readAll({
          fromPosition: 1,
          toPosition: head,
          streamPrefixes: ['test-'],
          maxCount: 5,
        }),
      ),
    ).toEqual([2]);
    // What another connection reads from the file is the same.
    const fromFile = new SqliteEventStore(file);
    expect(await fromFile.readAll({ fromPosition: 0, toPosition: head })).toEqual(first);
    // Another process's commit comes between: a range that holds it is read from the file.
    await fromFile.append('test-d', [event(7)], 'no_stream');
    await store.append('test-a', [event(8)], 1);
    expect(
      numbers(await store.readAll({ fromPosition: 0, toPosition: await store.headPosition() })),
    ).toEqual([1, 2, 6, 7, 8]);
    await Promise.all([store.close(), fromFile.close()]);
  });

  it('decodes nothing on the append path: the first read of an event decodes it', async () => {
    const store = new SqliteEventStore(join(dir, 'lazy.db'));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      await store.append('test-a', [event(1), event(2)], 'no_stream');
      expect(parse).not.toHaveBeenCalled();
      expect(
        numbers(await store.readAll({ fromPosition: 0, toPosition: await store.headPosition() })),
      ).toEqual([1, 2]);
      expect(parse).toHaveBeenCalledTimes(4);
    } finally {
      parse.mockRestore();
      await store.close();
    }
  });
});

describe('its file removed under it (the data folder deleted while the app runs)', () => {
  const event = () => ({ id: randomUUID(), type: 'E', data: {}, metadata });

  it('writes nothing more and says why (StoreUnavailableError: a 503), and its head is not read (readiness down)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'billing-removed-'));
    const store = new SqliteEventStore(join(folder, 'events.sqlite'));
    await store.append('test-1', [event()], 'no_stream');
    rmSync(folder, { recursive: true, force: true });
    const refusal = expect.objectContaining({
      name: 'StoreUnavailableError',
      message: expect.stringMatching(
        /events\.sqlite was removed or replaced while this process ran/,
      ),
    });
    await expect(store.append('test-1', [event()], 0)).rejects.toEqual(refusal);
    await expect(store.headPosition()).rejects.toEqual(refusal);
    await store.close();
  });
});
