import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { messageFrom } from './relay';
import { StoreBackedBus } from './store.bus';

const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: randomUUID(),
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('a store-backed consumer group whose lease lapsed while the event loop was busy', () => {
  it('renews it and handles the event that came meanwhile, instead of skipping it for good', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const source = {
      topic: 't',
      streamPrefixes: ['x-'],
      toMessages: (e: Parameters<typeof messageFrom>[0]) => [
        messageFrom(e, 't', e.streamId, e.type, e.data),
      ],
    };
    const bus = new StoreBackedBus(store, readModels, { leaseMs: 90, partitions: 1 });
    const seen: string[] = [];
    try {
      await bus.relay(source);
      await bus.subscribe('g', ['t'], async (message) => void seen.push(message.type));
      await store.append('x-1', [event('First')], 'no_stream');
      await until(() => seen.length === 1, 'the first message');

      // A long synchronous stretch (a big query, a GC pause) outlasts the lease before its renewal
      // timer can run.
      const busyUntil = Date.now() + 150;
      while (Date.now() < busyUntil);
      await store.append('x-1', [event('WhileLapsed')], 0);
      await sleep(150);
      await store.append('x-1', [event('After')], 1);

      await until(() => seen.length === 3, 'every message');
      expect(seen).toEqual(['First', 'WhileLapsed', 'After']);
    } finally {
      await bus.close();
    }
  });
});

describe('a store-backed consumer group after an instance of it died', () => {
  it('is not caught up while a partition the dead instance leased holds an event nobody handled', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const source = {
      topic: 't',
      streamPrefixes: ['x-'],
      toMessages: (e: Parameters<typeof messageFrom>[0]) => [
        messageFrom(e, 't', e.streamId, e.type, e.data),
      ],
    };
    const options = { leaseMs: 1_000, partitions: 4 };
    const [dying, bus] = ['a', 'b'].map(
      (instance) => new StoreBackedBus(store, readModels, { ...options, instance }),
    );
    const seen: string[] = [];
    try {
      await dying.relay(source);
      await dying.subscribe('g', ['t'], async () => undefined);
      await bus.relay(source);
      const group = await bus.subscribe('g', ['t'], async (message) => void seen.push(message.key));
      // Both rebalance (every third of the lease): the partitions split two and two.
      await sleep(800);
      dying.kill();
      const streams = Array.from({ length: 12 }, (_, i) => `x-${i}`);
      for (const stream of streams) await store.append(stream, [event('Late')], 'no_stream');
      const head = await store.headPosition();
      await sleep(100);
      // The survivor handled its own partitions' events; the dead one's wait for its lease to end.
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.length).toBeLessThan(streams.length);
      expect(await group.caughtUp(head)).toBe(false);
      await until(() => seen.length === streams.length, 'every stream, once the lease ran out');
      expect(await group.caughtUp(head)).toBe(true);
    } finally {
      await bus.close();
    }
  });
});
