import { consumeOne, refusalOf, type Message, type MessageHandler } from '@billing/shared/bus';
import { logger, withLogContext } from '@billing/shared/logging';
import type { ConsumerState, ParkedEvent } from '@billing/shared/read-models';
import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { fromRecord, header, identify } from './codec';

export interface GroupOptions {
  /** The Kafka group id (a deployment's prefix + the group's name). */
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
}

export interface DeadLetter {
  topic: string;
  partition: number;
  record: KafkaMessage;
  reason: string;
}

/**
 * One instance of a consumer group: a kafkajs consumer whose offsets are committed by hand, one
 * message at a time and only after it was handled (or refused, or parked), so a crash before the
 * commit redelivers it and a rebalance hands over exactly what was committed (kafkajs rejoins only
 * between two messages). Handlers run one at a time.
 */
export class KafkaGroup {
  private consumer?: Consumer;
  /** Set by stop() or kill(): no new consumer takes over after that. */
  private ended = false;
  private killed = false;
  private onKill = () => {};
  private readonly killing = new Promise<'killed'>(
    (resolve) => (this.onKill = () => resolve('killed')),
  );
  /** A new consumer due to take the place of one that crashed, and the crashes in a row so far. */
  private replacing?: NodeJS.Timeout;
  private crashes = 0;
  /** Joined and consuming, or what it waits for (its first join, a restart after a crash). */
  private standing = 'joining the group';

  constructor(
    private readonly kafka: Kafka,
    private readonly state: ConsumerState,
    private readonly deadLetter: (letter: DeadLetter) => Promise<void>,
    readonly group: string,
    readonly topics: readonly string[],
    private readonly handler: MessageHandler,
    private readonly options: GroupOptions,
  ) {}

  /**
   * Resolves once this instance has tried its parked messages again, joined the group and received
   * its partitions.
   */
  async start(): Promise<void> {
    await this.retryParked().catch((error: unknown) =>
      logger.error(
        { err: error, consumer: this.group },
        `${this.group}: could not try its parked messages again; they stay parked`,
      ),
    );
    await this.join();
  }

  private async join(): Promise<void> {
    const { groupId, sessionTimeoutMs, heartbeatIntervalMs, maxWaitTimeMs } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      maxWaitTimeInMs: maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => !this.ended },
    });
    this.consumer = consumer;
    // kafkajs restarts its consumer after a crash only when the error was retriable. Others stop it
    // for good while the service runs on: a TypeError of its own on the metadata of a broker that
    // restarted (kafkajs#1441), a non-retriable protocol error. A new consumer takes its place.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.standing = `restarting after ${payload.error.name}: ${payload.error.message}`;
      if (!payload.restart) this.replace(consumer, payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.standing = CONSUMING;
      this.crashes = 0;
    });
    await consumer.connect();
    // A group with no committed offset (new, or subscribing late) starts at the beginning of each
    // topic.
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  health(): { up: boolean; state: string } {
    return { up: this.standing === CONSUMING, state: this.standing };
  }

  /** Graceful: the message in hand is finished and committed, then the group is left. */
  async stop(): Promise<void> {
    this.end();
    await this.consumer?.disconnect();
  }

  /** A crash: the message in hand is dropped uncommitted (its handler may go on, unheard). */
  kill(): Promise<void> {
    this.killed = true;
    this.onKill();
    this.end();
    return this.consumer?.disconnect().catch(() => undefined) ?? Promise.resolve();
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.replacing);
  }

  /**
   * After a backoff (0.5 s doubling to 10 s while the new ones crash too), a new consumer of the
   * group; what the dead one had not committed is delivered again.
   */
  private replace(crashed: Consumer, error: Error): void {
    if (this.ended || this.consumer !== crashed || this.replacing !== undefined) return;
    const delayMs = Math.min(REPLACE_MS * 2 ** this.crashes++, MAX_REPLACE_MS);
    logger.error(
      { consumer: this.group, err: error },
      `${this.group}: its Kafka consumer stopped after ${error.name}: ${error.message}; a new one starts in ${delayMs} ms`,
    );
    this.replacing = setTimeout(() => {
      this.replacing = undefined;
      if (this.ended) return;
      void crashed
        .disconnect()
        .catch(() => undefined)
        .then(() => this.join())
        .catch((failure: unknown) => this.replace(this.consumer!, failure as Error));
    }, delayMs);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    for (const record of messages) {
      if (this.killed || !payload.isRunning() || payload.isStale()) return;
      if ((await Promise.race([this.consume(topic, partition, record), this.killing])) === 'killed')
        return;
      // A Kafka commit names the next offset to read.
      const offset = (BigInt(record.offset) + 1n).toString();
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset }] }],
      });
      payload.resolveOffset(record.offset);
      await payload.heartbeat();
    }
  }

  /**
   * The repair of a parked message is a fix and a redeploy (README "Operating notes"): at start the
   * group reads its parked messages back from `<topic>.dlq`, where each was copied with its origin,
   * and handles them again. One handled or refused now is unparked; one that still fails stays
   * parked, with its first reason, and is not copied again.
   */
  private async retryParked(): Promise<void> {
    const parked = new Map(
      (await this.state.parked(this.group))
        .filter((entry) => entry.revision === -1)
        .map((entry) => [originOf(entry), entry]),
    );
    if (parked.size === 0) return;
    for (const [origin, record] of await this.deadLetters(new Set(parked.keys()))) {
      const entry = parked.get(origin)!;
      const message = fromRecord(entry.streamId.slice(0, entry.streamId.lastIndexOf('/')), record);
      const outcome = await consumeOne(message, this.handler, this.group);
      if (outcome.kind === 'dead') continue;
      if (outcome.kind === 'rejected')
        await this.state.refuse(this.group, entry.position, refusalOf(message, outcome.reason));
      await this.state.unpark(entry);
      logger.info(
        { consumer: this.group },
        `${this.group} handled ${message.type} ${message.id} (${origin}), parked before, and unparked it`,
      );
    }
  }

  /**
   * The records of this group's dead-letter topics whose origins are `wanted`, read by a throwaway
   * group up to the topics' ends now.
   */
  private async deadLetters(wanted: ReadonlySet<string>): Promise<Map<string, KafkaMessage>> {
    const topics = [
      ...new Set([...wanted].map((origin) => `${origin.slice(0, origin.lastIndexOf('/'))}.dlq`)),
    ];
    const found = new Map<string, KafkaMessage>();
    const admin = this.kafka.admin();
    const groupId = `${this.options.groupId}.parked-${randomUUID()}`;
    const reader = this.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    await admin.connect();
    try {
      const ends = new Map<string, bigint>();
      for (const topic of topics)
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
          if (BigInt(high) > BigInt(low)) ends.set(`${topic}/${partition}`, BigInt(high));
      if (ends.size === 0) return found;
      await reader.connect();
      await reader.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${this.group}: read ${topics.join(', ')} only in part within ${READ_DLQ_MS / 1000} s`,
              ),
            ),
          READ_DLQ_MS,
        );
        void reader.run({
          eachMessage: async ({ topic, partition, message }) => {
            const origin = header(message, 'dlq-origin');
            if (origin && wanted.has(origin) && header(message, 'dlq-group') === this.group)
              found.set(origin, message);
            if (BigInt(message.offset) + 1n >= (ends.get(`${topic}/${partition}`) ?? 0n))
              ends.delete(`${topic}/${partition}`);
            if (ends.size > 0) return;
            clearTimeout(timer);
            resolve();
          },
        });
      });
      return found;
    } finally {
      await reader.disconnect();
      await admin
        .deleteGroups([groupId])
        .catch((error: unknown) =>
          logger.warn(
            { err: error, consumer: this.group },
            `${this.group}: the group ${groupId} that read the dead letters was left behind`,
          ),
        );
      await admin.disconnect();
    }
  }

  /**
   * The bus rules (consumeOne): done, refused (recorded, acknowledged) or parked with the reason.
   */
  private async consume(topic: string, partition: number, record: KafkaMessage): Promise<void> {
    let message: Message;
    try {
      message = fromRecord(topic, record);
    } catch (error) {
      return this.park(topic, partition, record, (error as Error).message);
    }
    await withLogContext(
      { correlationId: message.correlationId, tenantId: message.tenantId, consumer: this.group },
      async () => {
        const outcome = await consumeOne(message, this.handler, this.group);
        if (this.killed) return;
        if (outcome.kind === 'rejected')
          await this.state.refuse(
            this.group,
            Number(record.offset),
            refusalOf(message, outcome.reason),
          );
        if (outcome.kind === 'dead') await this.park(topic, partition, record, outcome.reason);
      },
    );
  }

  /**
   * Recorded where readiness and the audit look, and copied to the dead-letter topic with the
   * reason.
   */
  private async park(
    topic: string,
    partition: number,
    record: KafkaMessage,
    reason: string,
  ): Promise<void> {
    const streamId = `${topic}/${partition}`;
    const what = identify(record, `${streamId}@${record.offset}`);
    await this.state.parkMessage(
      this.group,
      what,
      { streamId, offset: Number(record.offset) },
      reason,
    );
    await this.deadLetter({ topic, partition, record, reason });
    logger.error(
      { consumer: this.group },
      `${this.group} parked ${what.type} ${what.id} (${streamId}@${record.offset}): ${reason}`,
    );
  }
}

const CONSUMING = 'consuming';
const REPLACE_MS = 500;
const MAX_REPLACE_MS = 10_000;
/** How long a start waits to read the dead-letter topics back. */
const READ_DLQ_MS = 30_000;

/** Where a parked message came from, as its dead-letter copy's `dlq-origin` header says it. */
const originOf = (entry: ParkedEvent) => `${entry.streamId}@${entry.position}`;
