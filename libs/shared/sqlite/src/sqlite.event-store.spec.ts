import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrongExpectedVersionError } from '@billing/shared/event-store';
import { eventStoreConformance } from '@billing/shared/testing';
import { SqliteEventStore } from './sqlite.event-store';

const dir = mkdtempSync(join(tmpdir(), 'billing-sqlite-'));
let n = 0;
eventStoreConformance('sqlite', async () => new SqliteEventStore(join(dir, `store-${n++}.db`)));

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
        metadata: { tenantId: 't', correlationId: 'c', causationId: 'x', actor: 'a', occurredAt: 'now', schemaVersion: 1 },
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
  const metadata = { tenantId: 't', correlationId: 'c', causationId: 'x', actor: 'a', occurredAt: 'now', schemaVersion: 1 };
  const event = (data: unknown) => ({ id: randomUUID(), type: 'E', data, metadata });

  it('fails only the refused or unwritable append; the others commit in order', async () => {
    const store = new SqliteEventStore(join(dir, 'group.db'));
    const results = await Promise.allSettled([
      store.append('test-a', [event(1)], 'no_stream'),
      store.append('test-a', [event(2)], 'no_stream'),
      store.append('test-b', [event(3), event({ n: BigInt(4) })], 'no_stream'),
      store.append('test-a', [event(5)], 0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream('test-a')).map((e) => e.data)).toEqual([1, 5]);
    expect(await store.readStream('test-b')).toEqual([]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.position : 0))).toEqual([1, 0, 0, 2]);
    await store.close();
  });
});

describe('two connections to one file (two processes)', () => {
  const metadata = { tenantId: 't', correlationId: 'c', causationId: 'x', actor: 'a', occurredAt: 'now', schemaVersion: 1 };
  const event = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'E', data: { n }, metadata });

  it('lets exactly one of two writers append at the same expected revision', async () => {
    const file = join(dir, 'two-writers.db');
    const [a, b] = [new SqliteEventStore(file), new SqliteEventStore(file)];
    await a.append('test-s', [event(1)], 'no_stream');
    const results = await Promise.allSettled([a.append('test-s', [event(2)], 0), b.append('test-s', [event(3)], 0)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await b.readStream('test-s')).map((e) => e.revision)).toEqual([0, 1]);
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers to a subscription on one connection what another connection appends', async () => {
    const file = join(dir, 'two-readers.db');
    const [writer, reader] = [new SqliteEventStore(file), new SqliteEventStore(file)];
    const seen: number[] = [];
    const subscription = reader.subscribeToAll({ fromPosition: 0 }, async (e) => void seen.push((e.data as { n: number }).n));
    await writer.append('test-s', [event(1), event(2)], 'no_stream');
    const deadline = Date.now() + 5_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.stop();
    expect(seen).toEqual([1, 2]);
    await Promise.all([writer.close(), reader.close()]);
  });
});
