import { InMemoryEventStore } from '@billing/shared/event-store';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { busConformance } from '@billing/shared/testing';
import { messageFrom } from './relay';
import { StoreBackedBus } from './store.bus';

busConformance('store-backed, in memory', async () => {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  return {
    store,
    readModels,
    open: async () => new StoreBackedBus(store, readModels, { leaseMs: 300 }),
    kill: async (bus) => (bus as StoreBackedBus).kill(),
    close: async () => undefined,
  };
});

const event = (type: string) => ({
  id: crypto.randomUUID(),
  type,
  data: {},
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: crypto.randomUUID(),
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});

describe('a store-backed consumer group and the events that give it nothing to do', () => {
  const until = async (check: () => boolean | Promise<boolean>) => {
    for (
      const deadline = Date.now() + 5_000;
      !(await check());
      await new Promise((resolve) => setTimeout(resolve, 10))
    )
      if (Date.now() > deadline) throw new Error('timed out');
  };

  it('writes its position only for events it acted on; a restart reads the others again and still acts once', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const checkpoints: number[] = [];
    const apply = readModels.apply.bind(readModels);
    readModels.apply = (collection, id, position, update) => {
      if (collection === 'consumer_checkpoints' && id.startsWith('g#')) checkpoints.push(position);
      return apply(collection, id, position, update);
    };
    // Only 'Published' events publish a message; the rest of the stream's events are private.
    const source = {
      topic: 't',
      streamPrefixes: ['x-'],
      toMessages: (e: Parameters<typeof messageFrom>[0]) =>
        e.type === 'Published' ? [messageFrom(e, 't', e.streamId, e.type, e.data)] : [],
    };
    const seen: string[] = [];
    const open = async () => {
      const bus = new StoreBackedBus(store, readModels, { leaseMs: 300, partitions: 1 });
      await bus.relay(source);
      const consumer = await bus.subscribe(
        'g',
        ['t'],
        async (message) => void seen.push(message.id),
      );
      return { bus, consumer };
    };
    let { bus, consumer } = await open();
    await store.append(
      'x-1',
      [event('Published'), ...Array.from({ length: 10 }, () => event('Private'))],
      'no_stream',
    );
    await until(() => consumer.caughtUp(11));
    expect(seen).toHaveLength(1);
    // One write, for the event it acted on: not one per event read.
    expect(checkpoints).toEqual([1]);
    bus.kill();

    ({ bus, consumer } = await open());
    await store.append('x-1', [event('Published')], 10);
    await until(() => consumer.caughtUp(12));
    // The private events after position 1 were read again; only the new message was handled.
    expect(seen).toHaveLength(2);
    expect(new Set(seen).size).toBe(2);
    await bus.close();
    // Closing writes where it got to.
    expect(checkpoints.at(-1)).toBe(12);
  });
});

describe('a store-backed consumer group closed while it is still starting', () => {
  it('leaves no timer behind (one kept the process, a jest worker, alive)', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    // A slow state store: the group's first rebalance is still running when the bus closes.
    const slow = new Proxy(readModels, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function'
          ? async (...args: unknown[]) => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            }
          : value;
      },
    });
    const created: unknown[] = [];
    const cleared = new Set<unknown>();
    const setting = jest.spyOn(global, 'setInterval');
    const clearing = jest.spyOn(global, 'clearInterval');
    setting.mockImplementation((...args: Parameters<typeof global.setInterval>) => {
      const timer = jest.requireActual<typeof globalThis>('timers').setInterval(...args);
      created.push(timer);
      return timer;
    });
    clearing.mockImplementation(((timer: NodeJS.Timeout | undefined) => {
      cleared.add(timer);
      jest.requireActual<typeof globalThis>('timers').clearInterval(timer);
    }) as typeof global.clearInterval);
    try {
      const bus = new StoreBackedBus(store, slow, { leaseMs: 300 });
      await bus.relay({ topic: 't', streamPrefixes: ['x-'], toMessages: () => [] });
      await bus.subscribe('g', ['t'], async () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await bus.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(created.filter((timer) => !cleared.has(timer))).toEqual([]);
    } finally {
      setting.mockRestore();
      clearing.mockRestore();
      created.forEach((timer) => clearInterval(timer as NodeJS.Timeout));
    }
  });
});

describe('a store-backed consumer group whose state store refuses its first rebalance', () => {
  it('says so in its health, rebalances again on its timer, delivers, and closes without the error', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    // The first writes of its membership fail (a full disk, a lock held past the busy timeout).
    let refusals = 3;
    const apply = readModels.apply.bind(readModels);
    readModels.apply = async (collection, id, position, update) => {
      if (collection === 'bus_members' && refusals-- > 0) throw new Error('SQLITE_FULL: disk full');
      return apply(collection, id, position, update);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const bus = new StoreBackedBus(store, readModels, { leaseMs: 150, partitions: 1 });
    try {
      await bus.relay({
        topic: 't',
        streamPrefixes: ['x-'],
        toMessages: (e) => [messageFrom(e, 't', e.streamId, e.type, e.data)],
      });
      const seen: string[] = [];
      await bus.subscribe('g', ['t'], async (message) => void seen.push(message.type));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await bus.health()).toMatchObject({
        up: false,
        detail: { groups: { g: 'rebalance failing: Error: SQLITE_FULL: disk full' } },
      });
      await store.append('x-1', [event('Happened')], 'no_stream');
      for (const deadline = Date.now() + 5_000; seen.length === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen).toEqual(['Happened']);
      expect(await bus.health()).toMatchObject({
        up: true,
        detail: { groups: { g: 'consuming' } },
      });
      await bus.close();
      expect(unhandled).toEqual([]);
      expect(console.error).toHaveBeenCalledWith(expect.stringMatching(/g: rebalance failed/));
    } finally {
      // Closed in any case (its timer would keep jest alive); whether it closes cleanly is asserted above.
      await bus.close().catch(() => undefined);
      process.off('unhandledRejection', onUnhandled);
      logged.mockRestore();
    }
  });
});
