import { randomUUID } from 'node:crypto';
import {
  InvalidMessage,
  messageFrom,
  type BusHealth,
  type Message,
  type RelaySource,
} from '@billing/shared/bus';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { RuleViolation } from '@billing/shared/kernel';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { busConformance } from '@billing/shared/testing';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { startKafka, type KafkaBroker } from '@billing/infra/kafka';
import { KafkaBus } from './kafka.bus';

// A real single-node KRaft broker from the Maven jars (tools/ensure-infra.sh), shared by every
// case.
let broker: KafkaBroker;
beforeAll(async () => {
  broker = await startKafka();
}, 120_000);
afterAll(() => broker?.stop(), 30_000);
// A killed instance holds its partitions until its session (5 s) times out.
jest.setTimeout(30_000);

busConformance('kafka (real broker)', async () => {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  // Each case is a deployment of its own on the shared broker: its groups do not meet the other
  // cases'.
  const groupIdPrefix = `${randomUUID().slice(0, 8)}.`;
  return {
    store,
    readModels,
    open: async () =>
      new KafkaBus(store, readModels, {
        brokers: broker.brokers,
        groupIdPrefix,
        sessionTimeoutMs: 5_000,
        heartbeatIntervalMs: 500,
        maxWaitTimeMs: 100,
        logLevel: logLevel.NOTHING,
      }),
    kill: async (bus) => (bus as KafkaBus).kill(),
    close: async () => undefined,
  };
});

describe('the Kafka bus on a real broker', () => {
  const event = (type: string): NewEvent => ({
    id: randomUUID(),
    type,
    data: { amount: 1 },
    metadata: {
      tenantId: 't1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: 'alice',
      occurredAt: '2026-01-01T00:00:00.000Z',
      schemaVersion: 1,
    },
  });

  it('is caught up only once relayed and committed, and copies a parked message to <topic>.dlq with the reason', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `dlq.${id}`;
    const source: RelaySource = {
      topic,
      streamPrefixes: [`d${id}-`],
      toMessages: (e) => [messageFrom(e, topic, e.streamId, e.type, e.data)],
    };
    const store = new InMemoryEventStore();
    const bus = new KafkaBus(store, new InMemoryReadModels(), {
      brokers: broker.brokers,
      groupIdPrefix: `${id}.`,
      logLevel: logLevel.NOTHING,
      maxWaitTimeMs: 100,
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await bus.relay(source);
      const consumer = await bus.subscribe('g', [topic], async (m) => {
        if (m.type === 'Poison') throw new InvalidMessage('amount: must be an integer');
        await gate;
      });
      const { position } = await store.append(
        `d${id}-1`,
        [event('Poison'), event('Fine')],
        'no_stream',
      );
      await sleep(500);
      expect(await consumer.caughtUp(position)).toBe(false); // Fine is published, not handled
      open();
      await until(() => consumer.caughtUp(position));

      const dead = await firstRecord(`${topic}.dlq`);
      const headers = Object.fromEntries(
        Object.entries(dead.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      expect(headers).toMatchObject({
        type: 'Poison',
        tenant: 't1',
        actor: 'alice',
        'correlation-id': 'corr-1',
        'schema-version': '1',
        'dlq-group': 'g',
      });
      expect(headers['dlq-reason']).toBe('amount: must be an integer');
      expect(JSON.parse(String(dead.value))).toEqual({ amount: 1 });
    } finally {
      open();
      await bus.close();
      spy.mockRestore();
    }
  });

  it('puts a new consumer in the place of one kafkajs will not restart, and the message is handled again', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `crash.${id}`;
    const source: RelaySource = {
      topic,
      streamPrefixes: [`c${id}-`],
      toMessages: (e) => [messageFrom(e, topic, e.streamId, e.type, e.data)],
    };
    const store = new InMemoryEventStore();
    const bus = new KafkaBus(store, new InMemoryReadModels(), {
      brokers: broker.brokers,
      groupIdPrefix: `${id}.`,
      logLevel: logLevel.NOTHING,
      maxWaitTimeMs: 100,
    });
    // kafkajs restarts its consumer only after a retriable error; a TypeError (as its own code
    // throws on the metadata of a broker that restarted, kafkajs#1441) stops it for good. Here
    // recording a refusal throws one, once.
    const refuse = jest
      .spyOn(bus.state, 'refuse')
      .mockRejectedValueOnce(new TypeError("Cannot read properties of null (reading 'brokers')"));
    const quiet = [jest.spyOn(console, 'error'), jest.spyOn(console, 'warn')].map((spy) =>
      spy.mockImplementation(() => undefined),
    );
    let deliveries = 0;
    try {
      await bus.relay(source);
      const consumer = await bus.subscribe('g', [topic], async () => {
        deliveries++;
        throw new RuleViolation('refused');
      });
      expect(await bus.health()).toEqual({
        up: true,
        detail: {
          on: 'Kafka',
          broker: 'answers',
          groups: { g: 'consuming' },
          relays: { [topic]: 'publishing' },
        },
      });
      // Readiness while the group waits for its new consumer: down, saying why.
      const seen: BusHealth[] = [];
      const watching = setInterval(() => void bus.health().then((health) => seen.push(health)), 20);
      const { position } = await store.append(`c${id}-1`, [event('Refused')], 'no_stream');
      await until(() => consumer.caughtUp(position), 20_000);
      clearInterval(watching);
      expect([deliveries, refuse.mock.calls.length]).toEqual([2, 2]);
      expect(seen.find((health) => !health.up)?.detail.groups).toEqual({
        g: expect.stringMatching(
          /^restarting after KafkaJSNonRetriableError: Cannot read properties of null/,
        ),
      });
      expect((await bus.health()).up).toBe(true);
      expect(quiet[0].mock.calls.flat().join('\n')).toMatch(
        /g: its Kafka consumer stopped after KafkaJSNonRetriableError: .*; a new one starts in 500 ms/,
      );
    } finally {
      await bus.close();
      quiet.forEach((spy) => spy.mockRestore());
    }
  });

  it('hands the partitions of an instance that leaves over without losing or doubling a message (a rolling restart)', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `roll.${id}`;
    const source: RelaySource = {
      topic,
      streamPrefixes: [`r${id}-`],
      toMessages: (e) => [messageFrom(e, topic, e.streamId, e.type, e.data)],
    };
    const [store, readModels] = [new InMemoryEventStore(), new InMemoryReadModels()];
    const open = () =>
      new KafkaBus(store, readModels, {
        brokers: broker.brokers,
        groupIdPrefix: `${id}.`,
        logLevel: logLevel.NOTHING,
        maxWaitTimeMs: 100,
        heartbeatIntervalMs: 200,
      });
    const [one, two] = [open(), open()];
    const handled = new Map<string, string[]>();
    const handler = (instance: string) => async (m: Message) => {
      handled.set(m.id, [...(handled.get(m.id) ?? []), instance]);
      await sleep(5);
    };
    try {
      await Promise.all([one.relay(source), two.relay(source)]);
      await one.subscribe('g', [topic], handler('one'));
      await two.subscribe('g', [topic], handler('two'));
      for (let key = 0; key < 60; key++) {
        await store.append(`r${id}-${key}`, [event('Happened'), event('Happened')], 'no_stream');
        if (key === 20) void one.close(); // leaves while work arrives: what it handled is committed first
        await sleep(10);
      }
      await until(async () => handled.size === 120);
      await sleep(300);
      expect([...handled.values()].filter((instances) => instances.length > 1)).toEqual([]);
      expect(new Set([...handled.values()].flat())).toEqual(new Set(['one', 'two']));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(50))
    if (Date.now() > deadline) throw new Error('timed out');
}

async function firstRecord(topic: string): Promise<KafkaMessage> {
  const consumer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `reader.${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return await new Promise<KafkaMessage>(
      (resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(message) }),
    );
  } finally {
    await consumer.disconnect();
  }
}
