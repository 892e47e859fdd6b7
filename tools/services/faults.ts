import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';

const SETTLE_MS = 60_000;

/**
 * Produces every message now on `topics` once more, as it is: same partition, key, value and
 * headers (event id, type, schema version, correlation id, tenant), in offset order. What a relay
 * that published and crashed before committing does, for every message at once (ARCHITECTURE.md
 * "Bus semantics": delivery is at-least-once). Answers how many messages it produced again.
 */
export async function redeliverAll(brokers: string, topics: readonly string[]): Promise<number> {
  const kafka = new Kafka({
    clientId: 'e2e-redeliver',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    const partitions = await readAll(kafka, admin, topics);
    for (const [topic, records] of partitions) {
      for (const [partition, messages] of records) {
        const copies = messages.map(({ key, value, headers }) => ({
          partition,
          key,
          value,
          headers,
        }));
        for (let from = 0; from < copies.length; from += 500)
          await producer.send({ topic, acks: -1, messages: copies.slice(from, from + 500) });
      }
    }
    return [...partitions.values()]
      .flatMap((records) => [...records.values()])
      .reduce((sum, messages) => sum + messages.length, 0);
  } finally {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
  }
}

/**
 * Every message on `topics` up to their ends now, per topic and partition, read by a group of its
 * own from the beginning.
 */
async function readAll(
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, Map<number, KafkaMessage[]>>> {
  const ends = new Map<string, Map<number, bigint>>();
  const read = new Map<string, Map<number, KafkaMessage[]>>();
  for (const topic of topics) {
    const filled = (await admin.fetchTopicOffsets(topic)).filter(
      ({ high, low }) => BigInt(high) > BigInt(low),
    );
    ends.set(topic, new Map(filled.map(({ partition, high }) => [partition, BigInt(high)])));
    read.set(topic, new Map(filled.map(({ partition }) => [partition, []])));
  }
  const complete = () =>
    topics.every((topic) =>
      [...ends.get(topic)!].every(
        ([partition, end]) =>
          BigInt(read.get(topic)!.get(partition)!.at(-1)?.offset ?? -1) === end - 1n,
      ),
    );
  if (complete()) return read;
  const groupId = `e2e-redeliver-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read the topics ${topics.join(', ')} only in part within ${SETTLE_MS / 1000} s`,
            ),
          ),
        SETTLE_MS,
      );
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          if (BigInt(message.offset) < (ends.get(topic)?.get(partition) ?? 0n))
            read.get(topic)!.get(partition)!.push(message);
          if (!complete()) return;
          clearTimeout(timer);
          resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return read;
}

/**
 * Waits until each group has committed every message of the topics it consumes (those it has
 * committed offsets on): all delivered, all handled. Answers the topics' ends then.
 */
export async function settled(
  brokers: string,
  groups: readonly string[],
  topics: readonly string[],
): Promise<Ends> {
  const admin = new Kafka({
    clientId: 'e2e-settled',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const ends = await topicEnds(admin, topics);
      const lags = await Promise.all(groups.map((groupId) => lag(admin, groupId, ends)));
      if (lags.every((behind) => behind === 0)) return ends;
      if (Date.now() > deadline)
        throw new Error(
          `the groups ${groups.join(', ')} are still ${lags.join(', ')} messages behind after ${SETTLE_MS / 1000} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Per topic, per partition, the offset the next message will get. */
export type Ends = Record<string, Record<number, number>>;

async function topicEnds(admin: Admin, topics: readonly string[]): Promise<Ends> {
  const ends = await Promise.all(
    topics.map(async (topic) => [
      topic,
      Object.fromEntries(
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [
          partition,
          Number(high),
        ]),
      ),
    ]),
  );
  return Object.fromEntries(ends) as Ends;
}

/**
 * A group that consumes none of the topics is a misnamed group: it would be "settled" without
 * reading anything.
 */
async function lag(admin: Admin, groupId: string, ends: Ends): Promise<number> {
  const consumed = (await admin.fetchOffsets({ groupId, topics: Object.keys(ends) })).filter(
    ({ partitions }) => partitions.some(({ offset }) => offset !== '-1'),
  );
  if (consumed.length === 0)
    throw new Error(
      `the group ${groupId} has committed nothing on ${Object.keys(ends).join(', ')}`,
    );
  let behind = 0;
  for (const { topic, partitions } of consumed)
    for (const { partition, offset } of partitions)
      behind += ends[topic][partition] - (offset === '-1' ? 0 : Number(offset));
  return behind;
}
