import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka } from '@billing/infra/kafka';
import { startMongo } from '@billing/infra/mongo';
import type { Message, RelaySource } from '@billing/shared/bus';
import { EsdbEventStore } from '@billing/shared/esdb';
import type { EventStore, RecordedEvent } from '@billing/shared/event-store';
import { KafkaBus, toRecord } from '@billing/shared/kafka';
import { MongoReadModels } from '@billing/shared/mongo';
import { ConsumerState } from '@billing/shared/read-models';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sampleEvent } from '../appends';
import { spawnEsdbEmulator } from '../../services/emulator-process';

const PARTITIONS = 8;
/**
 * The plain producer sends as many messages per call as the relay does at most (its run, MAX_RUN).
 */
const PLAIN_BATCH = 500;
const STREAMS = 100;
/** How often the relay's committed position is looked at (the end of its round). */
const POLL_MS = 10;

export interface RelayRun {
  /** Where the relay reads the events from. */
  store: 'esdb-emulator' | 'sqlite';
  /**
   * Events/s of each round: the relay, the plain producer (same records), and the store's own
   * subscription reading the events (the relay's ceiling).
   */
  relay: number[];
  plain: number[];
  read: number[];
  /** Total events over total time, so the ratio is of the same work. */
  relayRate: number;
  plainRate: number;
  readRate: number;
  ratio: number;
}

export interface RelayFigures {
  events: number;
  rounds: number;
  runs: RelayRun[];
}

/**
 * The relay of libs/shared/kafka (as KafkaBus runs it: idempotent producer, acks from all
 * replicas, its lease and committed position in Mongo) publishing `events` events already in the
 * store, beside a kafkajs producer with the same settings sending the same records (built by the
 * relay's own codec) in calls of PLAIN_BATCH, one after the other, in alternating rounds on topics
 * of their own. Twice: reading from the ESDB emulator (in its own process), as the distributed
 * mode does, and from the embedded SQLite store, whose reads cost next to nothing, so that the
 * relay's own cost shows. Mongo is mongo-java-server; the broker is Apache Kafka (KRaft, one node).
 */
export async function measureRelay(
  events: number,
  rounds: number,
  log: (line: string) => void,
): Promise<RelayFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-relay-'));
  const [broker, mongo, emulator] = await Promise.all([
    startKafka(),
    startMongo(),
    spawnEsdbEmulator(),
  ]);
  const stores: Record<RelayRun['store'], EventStore> = {
    'esdb-emulator': new EsdbEventStore(emulator.url),
    sqlite: new SqliteEventStore(join(dir, 'events.sqlite')),
  };
  const readModels = new MongoReadModels(`${mongo.uri}/bench_relay`);
  const kafka = new Kafka({
    clientId: 'bench-plain',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const admin = kafka.admin();
  const runs: RelayRun[] = [];
  try {
    await Promise.all([producer.connect(), admin.connect()]);
    for (const kind of ['esdb-emulator', 'sqlite'] as const) {
      const store = stores[kind];
      const bus = new KafkaBus(store, readModels, {
        brokers: broker.brokers,
        clientId: `bench-relay-${kind}`,
        partitions: PARTITIONS,
      });
      const run: RelayRun = {
        store: kind,
        relay: [],
        plain: [],
        read: [],
        relayRate: 0,
        plainRate: 0,
        readRate: 0,
        ratio: 0,
      };
      // Round 0 warms up the connections, the JITs and the servers; it is not counted.
      for (let round = 0; round <= rounds; round++) {
        const size = round === 0 ? Math.min(1_000, events) : events;
        const [relayTopic, plainTopic, prefix] = [
          `bench.relay.${kind}.${round}`,
          `bench.plain.${kind}.${round}`,
          `r${round}-`,
        ];
        await admin.createTopics({
          topics: [relayTopic, plainTopic].map((topic) => ({ topic, numPartitions: PARTITIONS })),
          waitForLeaders: true,
        });
        const recorded = await appendEvents(store, prefix, size);
        const source = relaySource(relayTopic, prefix);
        const relayRate = await timeRelay(bus, readModels, source, recorded);
        const plainRate = await timePlain(
          producer,
          plainTopic,
          recorded.flatMap((event) => source.toMessages(event)),
        );
        const readRate = await timeRead(store, prefix, recorded.length);
        if (round === 0) continue;
        run.relay.push(relayRate);
        run.plain.push(plainRate);
        run.read.push(readRate);
        log(
          `  relay from ${kind}, round ${round}/${rounds}: relay ${Math.round(relayRate)} events/s, plain producer ${Math.round(plainRate)}/s, the store's subscription alone ${Math.round(readRate)}/s`,
        );
      }
      await bus.close();
      const overall = (rates: number[]) =>
        (events * rates.length) / rates.reduce((total, rate) => total + events / rate, 0);
      [run.relayRate, run.plainRate, run.readRate] = [
        overall(run.relay),
        overall(run.plain),
        overall(run.read),
      ];
      run.ratio = run.relayRate / run.plainRate;
      runs.push(run);
    }
    return { events, rounds, runs };
  } finally {
    await Promise.allSettled([
      producer.disconnect(),
      admin.disconnect(),
      readModels.close(),
      ...Object.values(stores).map((store) => store.close()),
    ]);
    await Promise.allSettled([broker.stop(), mongo.stop(), emulator.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One message per event, keyed by its stream (the aggregate), with the event's data: about the size
 * of the app's messages.
 */
function relaySource(topic: string, prefix: string): RelaySource {
  return {
    topic,
    streamPrefixes: [prefix],
    toMessages: (event: RecordedEvent): Message[] => {
      const { id, type, data, metadata } = event;
      const { tenantId, correlationId, causationId, actor, occurredAt } = metadata;
      return [
        {
          id,
          type,
          schemaVersion: 1,
          topic,
          key: event.streamId.slice(prefix.length),
          data,
          tenantId,
          correlationId,
          causationId,
          actor,
          occurredAt,
        },
      ];
    },
  };
}

/**
 * Appends `count` events in appends of 50 over STREAMS streams; the events as stored (in store
 * order).
 */
async function appendEvents(
  store: EventStore,
  prefix: string,
  count: number,
): Promise<RecordedEvent[]> {
  const revisions = new Map<string, number>();
  for (let appended = 0, i = 0; appended < count; i++, appended += 50) {
    const stream = `${prefix}${i % STREAMS}`;
    const result = await store.append(
      stream,
      Array.from({ length: Math.min(50, count - appended) }, sampleEvent),
      revisions.get(stream) ?? 'no_stream',
    );
    revisions.set(stream, result.nextRevision);
  }
  return store.readAll({ streamPrefixes: [prefix] });
}

/** From the relay's start until its committed position reached the last event; events/s. */
async function timeRelay(
  bus: KafkaBus,
  readModels: MongoReadModels,
  source: RelaySource,
  recorded: RecordedEvent[],
): Promise<number> {
  const head = recorded.at(-1)!.position;
  const state = new ConsumerState(readModels);
  const started = performance.now();
  const relay = await bus.relay(source);
  // Each look is a Mongo query, in this process and on the server the relay commits to: every 2 ms
  // they took about a sixth of this process's time from the relay. Every 10 ms at most adds 10 ms.
  while ((await state.position(`relay:${source.topic}`)) < head)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const seconds = (performance.now() - started) / 1000;
  await relay.stop();
  return recorded.length / seconds;
}

/**
 * The store's own subscription reading the events, handling nothing: what the relay cannot go
 * faster than.
 */
async function timeRead(store: EventStore, prefix: string, count: number): Promise<number> {
  const started = performance.now();
  let seen = 0;
  let done = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const subscription = store.subscribeToAll(
    { fromPosition: 0, streamPrefixes: [prefix] },
    async () => void (++seen === count && done()),
  );
  await all;
  const seconds = (performance.now() - started) / 1000;
  await subscription.stop();
  return count / seconds;
}

async function timePlain(producer: Producer, topic: string, messages: Message[]): Promise<number> {
  const records = messages.map(toRecord);
  const started = performance.now();
  for (let i = 0; i < records.length; i += PLAIN_BATCH)
    await producer.send({ topic, acks: -1, messages: records.slice(i, i + PLAIN_BATCH) });
  return messages.length / ((performance.now() - started) / 1000);
}
