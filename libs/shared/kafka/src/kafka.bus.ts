import { randomUUID } from 'node:crypto';
import type {
  Bus,
  BusHealth,
  Consumer,
  Message,
  MessageHandler,
  RelaySource,
  Stoppable,
} from '@billing/shared/bus';
import type { EventStore } from '@billing/shared/event-store';
import { ConsumerState, type ReadModelStore } from '@billing/shared/read-models';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { toRecord } from './codec';
import { KafkaGroup, type DeadLetter } from './group';
import { kafkaLogCreator } from './log';
import { groupLag } from './lag';
import { KafkaRelay } from './relay';
import { Sockets } from './sockets';

export interface KafkaBusOptions {
  brokers: string[];
  clientId?: string;
  /** Prefixed to every Kafka group id, so deployments (or test runs) can share a cluster. */
  groupIdPrefix?: string;
  /** Partitions of each topic it creates: the most instances of one group that share the work. */
  partitions?: number;
  /**
   * The broker drops an instance that sent no heartbeat for this long (a crash), and rebalances.
   */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * How long an idle fetch waits on the broker: also how soon an idle instance hears of a
   * rebalance.
   */
  maxWaitTimeMs?: number;
  /**
   * A relay that stops renewing its lease (a crash) is replaced by another instance's after this
   * long.
   */
  relayLeaseMs?: number;
  instance?: string;
  logLevel?: logLevel;
}

/**
 * The distributed bus (ARCHITECTURE.md "Bus semantics") on Kafka via kafkajs: a relay per topic
 * tails the service's event store (the outbox) and publishes with an idempotent producer; a
 * consumer group is a Kafka consumer group committing by hand after handling; a message that
 * cannot be handled is parked and copied to `<topic>.dlq`. Topics are created on first use.
 */
export class KafkaBus implements Bus {
  readonly state: ConsumerState;
  private readonly settings: Required<Omit<KafkaBusOptions, 'clientId'>>;
  private readonly sockets = new Sockets();
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly relays = new Map<string, KafkaRelay>();
  private readonly groups = new Map<string, KafkaGroup>();
  private readonly created = new Set<string>();
  private connected?: Promise<void>;
  private ended?: Promise<void>;
  /** Asks the broker for readiness: no retries, so a broker that is down is said to be at once. */
  private readonly probe: Admin;
  private probed?: { at: number; answer: Promise<string | undefined> };

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    options: KafkaBusOptions,
  ) {
    this.state = new ConsumerState(readModels);
    this.settings = {
      groupIdPrefix: '',
      partitions: 8,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      maxWaitTimeMs: 500,
      relayLeaseMs: 3_000,
      instance: randomUUID(),
      logLevel: logLevel.ERROR,
      ...options,
    };
    const { brokers, logLevel: level } = this.settings;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'billing',
      brokers,
      logLevel: level,
      logCreator: kafkaLogCreator,
      socketFactory: this.sockets.factory,
      retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
    });
    // Idempotent: a send the producer retries is written once; with acks from all in-sync replicas.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.admin = this.kafka.admin();
    const quick = {
      connectionTimeout: PROBE_MS / 2,
      requestTimeout: PROBE_MS,
      retry: { retries: 0 },
    };
    this.probe = new Kafka({
      clientId: `${options.clientId ?? 'billing'}-probe`,
      brokers,
      logLevel: logLevel.NOTHING,
      socketFactory: this.sockets.factory,
      ...quick,
    }).admin();
  }

  async relay(source: RelaySource): Promise<Stoppable> {
    if (this.relays.has(source.topic))
      throw new Error(`${source.topic} is already relayed by this bus`);
    await this.topics([source.topic]);
    const { instance, relayLeaseMs: leaseMs } = this.settings;
    const relay = new KafkaRelay(
      this.store,
      this.readModels,
      source,
      (messages) => this.send(messages),
      { instance, leaseMs },
    );
    this.relays.set(source.topic, relay);
    await relay.start().catch((error: unknown) => {
      this.relays.delete(source.topic);
      throw error;
    });
    return { stop: () => (this.relays.delete(source.topic), relay.stop()) };
  }

  async subscribe(
    group: string,
    topics: readonly string[],
    handler: MessageHandler,
  ): Promise<Consumer> {
    if (this.groups.has(group)) throw new Error(`${group} already has an instance on this bus`);
    await this.topics(topics);
    const { groupIdPrefix, sessionTimeoutMs, heartbeatIntervalMs, maxWaitTimeMs } = this.settings;
    const options = {
      groupId: `${groupIdPrefix}${group}`,
      sessionTimeoutMs,
      heartbeatIntervalMs,
      maxWaitTimeMs,
    };
    const member = new KafkaGroup(
      this.kafka,
      this.state,
      (letter) => this.deadLetter(group, letter),
      group,
      topics,
      handler,
      options,
    );
    this.groups.set(group, member);
    await member.start().catch(async (error: unknown) => {
      this.groups.delete(group);
      await member.stop().catch(() => undefined);
      throw error;
    });
    return {
      caughtUp: (position) => this.caughtUp(options.groupId, topics, position),
      stop: () => (this.groups.delete(group), member.stop()),
    };
  }

  /**
   * Caught up to a store position means both halves are done: every local relay of these topics
   * has published each of its events up to `position` (committed only after the broker's ack), and
   * the group has committed every offset up to the end of each partition (no lag). A topic relayed
   * by another process counts from what that relay has published.
   */
  private async caughtUp(
    groupId: string,
    topics: readonly string[],
    position: number,
  ): Promise<boolean> {
    for (const topic of topics)
      if (!(await (this.relays.get(topic)?.publishedUpTo(position) ?? true))) return false;
    return (await groupLag(this.admin, groupId, topics)) === 0;
  }

  /**
   * Up while the broker answers, every group of this instance is consuming and every relay can
   * publish; `detail` says how each stands.
   */
  async health(): Promise<BusHealth> {
    const unanswered = await this.brokerUnanswered();
    const groups = Object.fromEntries(
      [...this.groups].map(([name, group]) => [name, group.health()]),
    );
    const relays = Object.fromEntries(
      [...this.relays].map(([topic, relay]) => [topic, relay.health()]),
    );
    const up =
      unanswered === undefined &&
      [...Object.values(groups), ...Object.values(relays)].every((part) => part.up);
    const states = (parts: Record<string, { state: string }>) =>
      Object.fromEntries(Object.entries(parts).map(([name, { state }]) => [name, state]));
    return {
      up,
      detail: {
        // Not the brokers' addresses: readiness is open to anyone who reaches the port.
        on: 'Kafka',
        broker: unanswered ?? 'answers',
        groups: states(groups),
        relays: states(relays),
      },
    };
  }

  /**
   * Why the broker does not answer, or nothing: asked at most once a second, however often
   * readiness is.
   */
  private brokerUnanswered(): Promise<string | undefined> {
    if (!this.probed || Date.now() - this.probed.at > PROBE_MS) {
      const answer = this.probe.connect().then(() => this.probe.describeCluster());
      this.probed = {
        at: Date.now(),
        answer: answer.then(
          () => undefined,
          async (error: unknown) => {
            // Connected anew next time: the broker may come back on a new connection.
            await this.probe.disconnect().catch(() => undefined);
            return `does not answer: ${(error as Error).message}`;
          },
        ),
      };
    }
    return this.probed.answer;
  }

  async close(): Promise<void> {
    this.ended ??= (async () => {
      await Promise.all([...this.groups.values()].map((group) => group.stop()));
      await Promise.all([...this.relays.values()].map((relay) => relay.stop()));
      await Promise.all([
        this.producer.disconnect(),
        this.admin.disconnect(),
        this.probe.disconnect(),
      ]);
    })();
    await this.ended;
  }

  /**
   * What `kill -9` leaves behind: connections dropped, the message in hand uncommitted, leases and
   * partitions held until they expire.
   */
  async kill(): Promise<void> {
    // The groups' loops stop before the connections drop, so none retries a fetch or a LeaveGroup
    // on them.
    const groups = [...this.groups.values()].map((group) => group.kill());
    this.sockets.kill();
    this.relays.forEach((relay) => relay.kill());
    this.ended ??= Promise.all([
      ...groups,
      this.producer.disconnect(),
      this.admin.disconnect(),
      this.probe.disconnect(),
    ]).then(
      () => undefined,
      () => undefined,
    );
    await this.ended;
  }

  private async send(messages: Message[]): Promise<void> {
    await this.connect();
    await this.topics(messages.map((message) => message.topic));
    for (const topic of new Set(messages.map((message) => message.topic))) {
      const records = messages.filter((message) => message.topic === topic).map(toRecord);
      await this.producer.send({ topic, acks: -1, messages: records });
    }
  }

  private async deadLetter(
    group: string,
    { topic, partition, record, reason }: DeadLetter,
  ): Promise<void> {
    const dlq = `${topic}.dlq`;
    await this.topics([dlq]);
    const headers = {
      ...record.headers,
      'dlq-reason': reason,
      'dlq-group': group,
      'dlq-origin': `${topic}/${partition}@${record.offset}`,
    };
    await this.producer.send({
      topic: dlq,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers }],
    });
  }

  private async topics(names: readonly string[]): Promise<void> {
    const missing = [...new Set(names)].filter((name) => !this.created.has(name));
    if (missing.length === 0) return;
    await this.connect();
    // Services booting together create the same topics at once: the loser is told they exist before
    // their partitions have leaders (UNKNOWN_TOPIC_OR_PARTITION, retriable), so it waits for them
    // too.
    for (let attempt = 1; ; attempt++) {
      try {
        // Only those the broker lacks: kafkajs logs an error for every topic that already exists
        // (each restart).
        const existing = new Set(await this.admin.listTopics());
        const create = missing
          .filter((topic) => !existing.has(topic))
          .map((topic) => ({ topic, numPartitions: this.settings.partitions }));
        if (create.length > 0)
          await this.admin.createTopics({ topics: create, waitForLeaders: true });
        const { topics } = await this.admin.fetchTopicMetadata({ topics: missing });
        if (
          topics.some(
            (topic) =>
              topic.partitions.length === 0 ||
              topic.partitions.some((partition) => partition.leader < 0),
          )
        )
          throw Object.assign(new Error('no leaders yet'), { retriable: true });
        break;
      } catch (error) {
        if (attempt >= 10 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    missing.forEach((name) => this.created.add(name));
  }

  private connect(): Promise<void> {
    // A broker that cannot be reached now is tried again by the next call.
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.connected = undefined;
        throw error;
      },
    );
    return this.connected;
  }
}

/** How long readiness waits for the broker, and how long its answer stands. */
const PROBE_MS = 1_000;
