import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryReadModels, READ_DEADLINE_MS } from '@billing/shared/read-models';
import { expectOk, smallContract } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

/** Read models that stop answering until released, as a stalled Mongo server does. */
class StallingReadModels extends InMemoryReadModels {
  private gate?: Promise<void>;
  release = () => {};
  stall(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  override async find<T>(...args: Parameters<InMemoryReadModels['find']>) {
    await this.gate;
    return super.find<T>(...args);
  }
  override async get<T>(...args: Parameters<InMemoryReadModels['get']>) {
    await this.gate;
    return super.get<T>(...args);
  }
}

/** The answer, or 'no answer' after `ms` (the timer cleared either way: none outlives the spec). */
function within<T>(answer: PromiseLike<T>, ms: number): Promise<T | 'no answer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'no answer'>(
    (resolve) => (timer = setTimeout(resolve, ms, 'no answer')),
  );
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

describe('health while the read models stall', () => {
  let test: TestApp;
  const readModels = new StallingReadModels();
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    test = await startTestApp({ readModels });
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    readModels.stall();
  });
  afterAll(async () => {
    readModels.release();
    await test.close();
    logged.mockRestore();
  });

  it('answers liveness at once (the process answers; nothing it depends on is asked)', async () => {
    const reply = await within(test.client.get('/health/live'), 1_000);
    expect(reply === 'no answer' ? reply : reply.status).toBe(200);
  });

  it('answers readiness within its bound, not ready, naming the read models', async () => {
    const reply = await within(test.client.get('/health/ready'), 5_000);
    if (reply === 'no answer') throw new Error('readiness did not answer in 5 s');
    expect(reply.status).toBe(503);
    expect(JSON.stringify(reply.body)).toMatch(/read/i);
  }, 10_000);

  it('answers a query, and a command that reads before it decides, 503 with Retry-After within the read deadline, having written nothing', async () => {
    const head = await test.infrastructure.eventStore.headPosition();
    const replies = await Promise.all([
      within(test.client.get('/aging'), READ_DEADLINE_MS + 2_000),
      within(test.client.post('/contracts', smallContract()), READ_DEADLINE_MS + 2_000),
    ]);
    expect(
      replies.map((reply) =>
        reply === 'no answer' ? reply : [reply.status, reply.headers?.['retry-after']],
      ),
    ).toEqual([
      [503, '1'],
      [503, '1'],
    ]);
    expect(await test.infrastructure.eventStore.headPosition()).toBe(head);
  }, 20_000);
});

describe('a command while the read models stall', () => {
  it('answers what it did (it is committed: a 503 would invite a retry), in bounded time', async () => {
    const readModels = new StallingReadModels();
    const test = await startTestApp({ readModels });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { contractId } = await expectOk<any>(
        test.client.post('/contracts', smallContract()),
        'create',
      );
      readModels.stall();
      const reply = await within(
        test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
        10_000 + READ_DEADLINE_MS + 2_000,
      );
      expect(reply === 'no answer' ? reply : [reply.status, reply.body.status]).toEqual([
        200,
        'active',
      ]);
    } finally {
      readModels.release();
      warned.mockRestore();
      await test.close();
    }
  }, 30_000);
});

/** A store whose head can go back, as one restored empty (or from an old backup) does. */
class ShrinkingEventStore extends InMemoryEventStore {
  shrunk = false;
  override async headPosition(): Promise<number> {
    return this.shrunk ? 0 : super.headPosition();
  }
}

describe('health when the event store went back', () => {
  it('is not ready, naming the projection past the head, instead of calling itself caught up', async () => {
    const eventStore = new ShrinkingEventStore();
    const test = await startTestApp({ eventStore });
    try {
      await expectOk(test.client.post('/contracts', smallContract()), 'create');
      await test.settle();
      expect((await test.client.get('/health/ready')).status).toBe(200);
      eventStore.shrunk = true;
      const reply = await test.client.get('/health/ready');
      expect(reply.status).toBe(503);
      expect(reply.body.details.readModels.message).toMatch(
        /^projection:\S+ has handled events past the event store's head: the store lost events or is another store/,
      );
    } finally {
      eventStore.shrunk = false;
      await test.close();
    }
  });
});

describe('readiness, open to anyone who reaches the port', () => {
  it('names no address of a server that does not answer', async () => {
    const eventStore = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const bus = new StoreBackedBus(eventStore, readModels);
    jest.spyOn(bus, 'health').mockResolvedValue({
      up: false,
      detail: {
        on: 'Kafka',
        broker: 'does not answer: Connection error: connect ECONNREFUSED 10.0.0.5:9092',
        groups: { invoicing: 'restarting after getaddrinfo ENOTFOUND kafka-0.kafka.svc' },
      },
    });
    const test = await startTestApp({ eventStore, readModels, bus });
    try {
      const reply = await test.client.get('/health/ready', { authorization: '' });
      expect(reply.body.details.bus).toEqual({
        status: 'down',
        on: 'Kafka',
        broker: 'does not answer: Connection error: connect ECONNREFUSED a server',
        groups: { invoicing: 'restarting after getaddrinfo ENOTFOUND a server' },
      });
    } finally {
      await test.close();
    }
  });

  it('is degraded, saying why, while the event store cannot write (a full disk), and ok once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-full-disk-'));
    const eventStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    const test = await startTestApp({ eventStore });
    // The disk is full: SQLite may not grow the file past the pages it has.
    const db = (eventStore as unknown as { db: Database.Database }).db;
    const pages = Number(db.pragma('page_count', { simple: true }));
    try {
      await expectOk(test.client.post('/contracts', smallContract()), 'create');
      await test.settle();
      db.pragma(`max_page_count = ${pages + 1}`);
      let refused: { status: number; body: any } | undefined;
      for (let n = 0; n < 50 && refused?.status !== 503; n++)
        refused = await test.client.post('/contracts', smallContract({ title: `Job ${n}` }));
      expect([refused!.status, refused!.body.detail]).toEqual([
        503,
        'the disk that holds the data is full: nothing was written; send it again once space is freed',
      ]);
      const full = await test.client.get('/health/ready', { authorization: '' });
      expect([full.status, full.body.status, full.body.details.eventStore]).toEqual([
        200,
        'degraded',
        { status: 'up', writes: 'failing: database or disk is full' },
      ]);
      db.pragma('max_page_count = 1073741823');
      await expectOk(test.client.post('/contracts', smallContract()), 'create once space is freed');
      await test.settle();
      const again = await test.client.get('/health/ready', { authorization: '' });
      expect([again.body.status, again.body.details.eventStore]).toEqual(['ok', { status: 'up' }]);
    } finally {
      await test.close();
      await eventStore.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("tells no count of the store's events: not the head, not a position", async () => {
    const test = await startTestApp();
    try {
      for (let n = 0; n < 3; n++)
        await expectOk(test.client.post('/contracts', smallContract()), 'create');
      await test.settle();
      const reply = await test.client.get('/health/ready', { authorization: '' });
      expect(reply.status).toBe(200);
      const numbers: unknown[] = [];
      JSON.stringify(reply.body, (_key, value: unknown) => {
        if (typeof value === 'number') numbers.push(value);
        return value;
      });
      expect(numbers).toEqual([]);
    } finally {
      await test.close();
    }
  });
});
