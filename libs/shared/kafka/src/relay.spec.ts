import { randomUUID } from 'node:crypto';
import type { Message, RelaySource } from '@billing/shared/bus';
import { InMemoryEventStore, type RecordedEvent } from '@billing/shared/event-store';
import { logger, logTo } from '@billing/shared/logging';
import { ConsumerState, InMemoryReadModels } from '@billing/shared/read-models';
import { KafkaRelay } from './relay';

/**
 * The relay against a stand-in for the broker (the real one is in kafka.bus.spec.ts): what it
 * sends, in which calls, and when it commits.
 */
describe('KafkaRelay', () => {
  const source: RelaySource = {
    topic: 'billing.things',
    streamPrefixes: ['thing-'],
    toMessages: (event: RecordedEvent): Message[] => {
      if (event.type === 'Unmappable') throw new Error('no message for it');
      const { tenantId, correlationId, causationId, actor, occurredAt } = event.metadata;
      const envelope = {
        id: event.id,
        type: event.type,
        schemaVersion: 1,
        tenantId,
        correlationId,
        causationId,
        actor,
        occurredAt,
      };
      return [
        {
          ...envelope,
          topic: 'billing.things',
          key: event.streamId,
          data: { position: event.position },
        },
      ];
    },
  };
  const append = async (store: InMemoryEventStore, count: number, type = 'Happened') => {
    let position = 0;
    for (let i = 0; i < count; i++) {
      const metadata = {
        tenantId: 't',
        correlationId: 'c',
        causationId: 'c',
        actor: 'a',
        occurredAt: '2026-01-01T00:00:00.000Z',
        schemaVersion: 1,
      };
      position = (
        await store.append(
          `thing-${i % 7}`,
          [{ id: randomUUID(), type, data: {}, metadata }],
          'any',
        )
      ).position;
    }
    return position;
  };
  const until = async (condition: () => Promise<boolean>) => {
    for (
      const deadline = Date.now() + 10_000;
      !(await condition());
      await new Promise((resolve) => setTimeout(resolve, 5))
    )
      if (Date.now() > deadline) throw new Error('timed out');
  };
  let logged: jest.SpyInstance;
  let warned: jest.SpyInstance;
  // Failures are what these specs provoke: their error and warning lines stay out of the test
  // output.
  beforeEach(() => {
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    logged.mockRestore();
    warned.mockRestore();
  });

  it('sends the events at hand together, in store order, and commits each send once acknowledged', async () => {
    const store = new InMemoryEventStore();
    const head = await append(store, 1_200);
    const readModels = new InMemoryReadModels();
    const sends: Message[][] = [];
    const relay = new KafkaRelay(
      store,
      readModels,
      source,
      async (messages) => void sends.push(messages),
      { instance: 'a', leaseMs: 3_000 },
    );
    await relay.start();
    await until(() => relay.publishedUpTo(head));
    await relay.stop();
    const positions = sends
      .flat()
      .map((message) => (message.data as { position: number }).position);
    expect(positions).toEqual(Array.from({ length: 1_200 }, (_, index) => index + 1));
    expect(sends.length).toBeLessThanOrEqual(4);
    expect(await new ConsumerState(readModels).position(relay.name)).toBe(head);
  });

  it('stopped during its first step, sets no timer afterwards (it kept the process alive)', async () => {
    const store = new InMemoryEventStore();
    await append(store, 3);
    const readModels = new InMemoryReadModels();
    // A slow state store: the first step is still running when the relay stops.
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
    const intervals = jest.spyOn(global, 'setInterval');
    try {
      const relay = new KafkaRelay(store, slow, source, async () => undefined, {
        instance: 'a',
        leaseMs: 3_000,
      });
      const starting = relay.start();
      await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all([relay.stop(), starting]);
      expect(intervals).not.toHaveBeenCalled();
    } finally {
      intervals.mockRestore();
    }
  });

  it('commits nothing until the broker acknowledged, and sends the same messages again meanwhile', async () => {
    const store = new InMemoryEventStore();
    const head = await append(store, 10);
    const readModels = new InMemoryReadModels();
    let refusals = 3;
    const attempts: number[] = [];
    const send = async (messages: Message[]) => {
      attempts.push(messages.length);
      if (refusals-- > 0) throw new Error('broker unreachable');
    };
    const relay = new KafkaRelay(store, readModels, source, send, {
      instance: 'a',
      leaseMs: 3_000,
    });
    await relay.start();
    await until(async () => attempts.length >= 2);
    expect(await relay.publishedUpTo(head)).toBe(false);
    await until(() => relay.publishedUpTo(head));
    await relay.stop();
    expect(attempts).toEqual([10, 10, 10, 10]);
    expect(await new ConsumerState(readModels).parked()).toEqual([]);
  });

  it('says it cannot claim its lease while its read-model store is unreachable, and that it publishes again once it is back', async () => {
    const store = new InMemoryEventStore();
    const head = await append(store, 3);
    let unreachable = false;
    const readModels = new (class extends InMemoryReadModels {
      override get<T>(...args: Parameters<InMemoryReadModels['get']>) {
        return unreachable ? Promise.reject(new Error('Mongo unreachable')) : super.get<T>(...args);
      }
    })();
    const relay = new KafkaRelay(store, readModels, source, async () => undefined, {
      instance: 'a',
      leaseMs: 300,
    });
    const lines: string[] = [];
    const [restore, level] = [logTo((line) => void lines.push(line)), logger.level];
    logger.level = 'info';
    try {
      await relay.start();
      await until(() => relay.publishedUpTo(head));
      unreachable = true;
      await until(async () => !relay.health().up);
      expect(relay.health().state).toMatch(/^cannot claim its lease since \S+: Mongo unreachable$/);
      unreachable = false;
      await until(async () => relay.health().state === 'publishing');
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContainEqual(
        expect.stringMatching(/^relay:billing\.things publishing again from position \d+$/),
      );
      await relay.stop();
    } finally {
      restore();
      logger.level = level;
    }
  });

  it('parks an event it cannot map, alone, and publishes the others in order', async () => {
    const store = new InMemoryEventStore();
    await append(store, 5);
    await append(store, 1, 'Unmappable');
    const head = await append(store, 5);
    const readModels = new InMemoryReadModels();
    const sent: Message[] = [];
    const relay = new KafkaRelay(
      store,
      readModels,
      source,
      async (messages) => void sent.push(...messages),
      { instance: 'a', leaseMs: 3_000 },
    );
    await relay.start();
    await until(() => relay.publishedUpTo(head));
    await relay.stop();
    expect(sent.map((message) => (message.data as { position: number }).position)).toEqual([
      1, 2, 3, 4, 5, 7, 8, 9, 10, 11,
    ]);
    expect(
      (await new ConsumerState(readModels).parked(relay.name)).map((entry) => entry.position),
    ).toEqual([6]);
  });
});
