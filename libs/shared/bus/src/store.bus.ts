import { createHash, randomUUID } from 'node:crypto';
import {
  matchesPrefixes,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@billing/shared/event-store';
import { logger, withLogContext } from '@billing/shared/logging';
import {
  ConsumerState,
  describe,
  eventLogContext,
  type ReadModelStore,
} from '@billing/shared/read-models';
import type {
  Bus,
  BusHealth,
  Consumer,
  Message,
  MessageHandler,
  RelaySource,
  Stoppable,
} from './bus.port';
import { consumeOne } from './consume';
import { Lease } from './lease';

const MEMBERS = 'bus_members';
/**
 * Advance every owned partition's committed position after this many events without one of theirs.
 */
const FLUSH_EVERY = 100;

export interface StoreBusOptions {
  /**
   * A group's work is split by stream into this many partitions, each owned by one instance at a
   * time.
   */
  partitions?: number;
  /** An instance that stops renewing loses its partitions after this long. */
  leaseMs?: number;
  instance?: string;
}

/**
 * The embedded bus (ADR 7): backed by the event store itself. A topic is a view of its producing
 * context's streams; a consumer group is a checkpointed catch-up subscription over them, its work
 * split into partitions by stream (so one aggregate's messages stay in order), each partition
 * leased to one instance of the group and committed separately. Nothing is published or held in
 * memory, so a late subscriber, a restart or a crash resumes from the committed positions.
 */
export class StoreBackedBus implements Bus {
  private readonly sources = new Map<string, RelaySource>();
  private readonly sourceAdded = new Set<() => void>();
  private readonly members = new Set<GroupMember>();
  readonly state: ConsumerState;
  readonly settings: Required<StoreBusOptions>;

  constructor(
    private readonly store: EventStore,
    readModels: ReadModelStore,
    options: StoreBusOptions = {},
  ) {
    this.state = new ConsumerState(readModels);
    this.settings = {
      partitions: options.partitions ?? 8,
      leaseMs: options.leaseMs ?? 3_000,
      instance: options.instance ?? randomUUID(),
    };
  }

  async relay(source: RelaySource): Promise<Stoppable> {
    this.sources.set(source.topic, source);
    [...this.sourceAdded].forEach((notify) => notify());
    return { stop: async () => void this.sources.delete(source.topic) };
  }

  async subscribe(
    group: string,
    topics: readonly string[],
    handler: MessageHandler,
  ): Promise<Consumer> {
    const member = new GroupMember(
      this.store,
      this.state,
      this.settings,
      group,
      topics,
      handler,
      () => this.sourcesOf(topics),
    );
    this.members.add(member);
    void member.start();
    return {
      caughtUp: (position) => member.caughtUp(position),
      stop: async () => {
        this.members.delete(member);
        await member.stop();
      },
    };
  }

  /**
   * Relays and groups are reads of the event store, with no connection of their own: readiness
   * checks the store.
   */
  async health(): Promise<BusHealth> {
    const each = (names: Iterable<string>, state: string) =>
      Object.fromEntries([...names].map((name) => [name, state]));
    return {
      // A group that cannot rebalance (its state store refuses) reacts to nothing: degraded.
      up: [...this.members].every((member) => !member.failing),
      detail: {
        on: 'the event store',
        groups: Object.fromEntries(
          [...this.members].map((member) => [member.group, member.status]),
        ),
        relays: each(this.sources.keys(), 'publishing'),
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.members].map((member) => member.stop()));
    this.members.clear();
  }

  /** What `kill -9` leaves behind: no more handling, no commit, no lease released. */
  kill(): void {
    this.members.forEach((member) => member.kill());
    this.members.clear();
  }

  /**
   * The sources of every topic, once all are registered (a group waits for producers that start
   * after it).
   */
  private async sourcesOf(topics: readonly string[]): Promise<RelaySource[]> {
    for (;;) {
      const found = topics.map((topic) => this.sources.get(topic));
      if (found.every((source) => source !== undefined)) return found;
      await new Promise<void>((resolve) => {
        const notify = () => (this.sourceAdded.delete(notify), resolve());
        this.sourceAdded.add(notify);
      });
    }
  }
}

class GroupMember {
  private sources: RelaySource[] = [];
  /**
   * Per partition owned: its lease, the position handled up to, and whether that is written yet
   * (`flush` writes it).
   */
  private owned = new Map<number, { leaseUntil: number; committed: number; unwritten?: boolean }>();
  private readonly leases = new Map<number, Lease>();
  private subscription?: Subscription;
  private generation = 0;
  private heartbeat = 0;
  private sinceFlush = 0;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private lock: Promise<unknown> = Promise.resolve();
  private started?: Promise<void>;
  private resolved = false;
  private failure?: string;
  private indexed = false;

  constructor(
    private readonly store: EventStore,
    private readonly state: ConsumerState,
    private readonly settings: Required<StoreBusOptions>,
    readonly group: string,
    private readonly topics: readonly string[],
    private readonly handler: MessageHandler,
    private readonly resolveSources: () => Promise<RelaySource[]>,
  ) {}

  start(): Promise<void> {
    this.started = (async () => {
      this.sources = await this.resolveSources();
      this.resolved = true;
      if (this.stopped) return;
      // A state store that refuses the first rebalance (a full disk, a lock held past the busy
      // timeout) is asked again by the timer; parked messages that cannot be tried now wait for
      // the next start.
      await this.rebalanceOrLog();
      await this.retryParked().catch((error: unknown) =>
        logger.error(
          { err: error, consumer: this.group },
          `${this.group}: its parked messages could not be tried again; they stay parked until the next start`,
        ),
      );
      // Stopped meanwhile (an app closed right after it started): no timer to outlive it.
      if (this.stopped) return;
      this.timer = setInterval(() => void this.rebalanceOrLog(), this.settings.leaseMs / 3);
    })();
    return this.started;
  }

  /** What the group is doing, for readiness. */
  get status(): string {
    if (!this.resolved) return 'waiting for its producers';
    return this.failing ? `rebalance failing: ${this.failing}` : 'consuming';
  }

  /** Why the last rebalance failed, until one succeeds. */
  get failing(): string | undefined {
    return this.failure;
  }

  private rebalanceOrLog(): Promise<void> {
    return this.exclusive(async () => {
      // The members of the group are looked up by its name, in instance order, every rebalance.
      if (!this.indexed) {
        await this.state.readModels.ensureIndex(MEMBERS, { group: 1, instance: 1 });
        this.indexed = true;
      }
      await this.rebalance();
    }).then(
      () => void (this.failure = undefined),
      (error: unknown) => {
        this.failure = describe(error);
        logger.error({ err: error, consumer: this.group }, `${this.group}: rebalance failed`);
      },
    );
  }

  /**
   * The group's, not only this instance's: its subscription reads past the partitions other
   * instances hold, so each of those must have handled, by its committed position, every event up
   * to `position` that gives the group something to do (one that died holds its partitions until
   * its lease runs out, and has not).
   */
  async caughtUp(position: number): Promise<boolean> {
    if (this.owned.size === 0 || !this.subscription) return false;
    const streamPrefixes = this.prefixes();
    const pending = await this.store.readAll({
      fromPosition: this.subscription.position,
      toPosition: position,
      maxCount: 1,
      streamPrefixes,
    });
    if (pending.length > 0) return false;
    for (let partition = 0; partition < this.settings.partitions; partition++) {
      if (this.owned.has(partition)) continue;
      const fromPosition = await this.state.position(this.checkpoint(partition));
      const events = await this.store.readAll({
        fromPosition,
        toPosition: position,
        streamPrefixes,
      });
      if (events.some((event) => this.isWork(event, partition))) return false;
    }
    return true;
  }

  /** Whether `event` is of `partition` and gives the group a message (or one to park). */
  private isWork(event: RecordedEvent, partition: number): boolean {
    if (partitionOf(event.streamId, this.settings.partitions) !== partition) return false;
    try {
      return this.messagesOf(event).length > 0;
    } catch {
      return true;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A group still waiting for its producers (a service running alone) has nothing to hand back.
    if (!this.resolved) return;
    await this.started;
    try {
      await this.exclusive(async () => {
        this.generation++;
        await this.flush(this.subscription?.position ?? 0);
        for (const partition of this.owned.keys()) await this.release(partition);
        await this.state.readModels.remove(MEMBERS, this.memberId());
      });
    } finally {
      // Even if the state store refuses the last commits (they are redelivered then), reading
      // stops.
      await this.subscription?.stop();
    }
  }

  kill(): void {
    this.stopped = true;
    this.generation++;
    clearInterval(this.timer);
    void this.subscription?.stop();
  }

  /** Rebalancing and handling never overlap: a partition is released only between two messages. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lock.then(work, work);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private async rebalance(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const expiresAt = now + this.settings.leaseMs;
    // Heartbeats are ordered by time, so an instance that restarts under the same name renews its
    // entry.
    this.heartbeat = Math.max(now, this.heartbeat + 1);
    await this.state.readModels.apply(MEMBERS, this.memberId(), this.heartbeat, () => ({
      group: this.group,
      instance: this.settings.instance,
      expiresAt,
    }));
    const members = await this.state.readModels.find<{ instance: string }>(
      MEMBERS,
      { group: this.group, expiresAt: { $gt: now } },
      { sort: { instance: 1 } },
    );
    const index = Math.max(
      0,
      members.findIndex((member) => member.instance === this.settings.instance),
    );
    const before = [...this.owned.keys()].join();
    for (let partition = 0; partition < this.settings.partitions; partition++) {
      if (partition % Math.max(1, members.length) !== index) {
        if (this.owned.has(partition)) await this.release(partition);
        continue;
      }
      if (await this.leaseOf(partition).claim(now)) {
        const committed =
          this.owned.get(partition)?.committed ??
          (await this.state.position(this.checkpoint(partition)));
        this.owned.set(partition, { leaseUntil: expiresAt, committed });
      } else this.owned.delete(partition);
    }
    if ([...this.owned.keys()].join() !== before || !this.subscription) this.restartReading();
  }

  private async release(partition: number): Promise<void> {
    this.owned.delete(partition);
    await this.leaseOf(partition).release();
  }

  /** The lease of one of the group's partitions (ADR 7). */
  private leaseOf(partition: number): Lease {
    let lease = this.leases.get(partition);
    if (!lease) {
      lease = new Lease(
        this.state.readModels,
        `${this.group}/${partition}`,
        this.settings.instance,
        this.settings.leaseMs,
        { group: this.group, partition },
      );
      this.leases.set(partition, lease);
    }
    return lease;
  }

  private restartReading(): void {
    const generation = ++this.generation;
    void this.subscription?.stop();
    this.subscription = undefined;
    if (this.owned.size === 0) return;
    const fromPosition = Math.min(
      ...[...this.owned.values()].map((partition) => partition.committed),
    );
    this.subscription = this.store.subscribeToAll(
      { fromPosition, streamPrefixes: this.prefixes() },
      (event) =>
        this.exclusive(() =>
          generation === this.generation ? this.onEvent(event, generation) : Promise.resolve(),
        ),
    );
  }

  private async onEvent(event: RecordedEvent, generation: number): Promise<void> {
    const partition = partitionOf(event.streamId, this.settings.partitions);
    // A lease that lapsed while the event loop was busy is renewed (or given up) first: skipping
    // the event would lose it, as the partition's next event moves its committed position past it.
    if ((this.owned.get(partition)?.leaseUntil ?? Infinity) <= Date.now()) await this.rebalance();
    // Reading restarted from the committed positions (the new subscription delivers the event), or
    // the partition is another instance's.
    const owned = this.owned.get(partition);
    if (generation !== this.generation || !owned || event.position <= owned.committed) return;
    // Only while stopping: the subscription must not move past an event nobody handled.
    if (owned.leaseUntil <= Date.now())
      throw new Error(`${this.group}: the lease of partition ${partition} lapsed`);
    const acted =
      (await withLogContext(eventLogContext(event, this.group), () => this.deliver(event))) !==
      'nothing';
    owned.committed = event.position;
    // An event that gave this group nothing to do (most events of a topic's streams publish nothing
    // it reads) needs no write of its own: `flush` writes the position later, and a restart before
    // that reads the event again and again finds nothing to do.
    if (acted) await this.state.commit(this.checkpoint(partition), event.position);
    else owned.unwritten = true;
    if (++this.sinceFlush >= FLUSH_EVERY) await this.flush(event.position);
  }

  /**
   * Every message the event publishes on this group's topics, in order, handled or refused (the
   * refusal recorded); one that cannot be handled parks the event: what came of it.
   */
  private async deliver(event: RecordedEvent): Promise<'nothing' | 'handled' | 'parked'> {
    let messages: Message[];
    try {
      messages = this.messagesOf(event);
    } catch (error) {
      await this.park(event, describe(error));
      return 'parked';
    }
    let parked = false;
    for (const message of messages) {
      const outcome = await consumeOne(message, this.handler, this.group);
      if (outcome.kind === 'rejected')
        await this.state.refuse(this.group, event.position, refusalOf(message, outcome.reason));
      if (outcome.kind === 'dead') {
        await this.park(event, outcome.reason);
        parked = true;
      }
    }
    return parked ? 'parked' : messages.length > 0 ? 'handled' : 'nothing';
  }

  private messagesOf(event: RecordedEvent): Message[] {
    return this.sources
      .filter((source) => matchesPrefixes(event.streamId, source.streamPrefixes))
      .flatMap((source) => source.toMessages(event))
      .filter((message) => this.topics.includes(message.topic));
  }

  private async park(event: RecordedEvent, reason: string): Promise<void> {
    await this.state.park(this.group, event, reason);
    logger.error(
      { position: event.position },
      `${this.group} parked ${event.type} ${event.streamId}@${event.revision} (position ${event.position}): ${reason}`,
    );
  }

  /**
   * Parked messages are tried again at start, as on their first delivery: after a fix and a
   * redeploy they go through (reactions are idempotent) or are refused (recorded), and are unparked;
   * one that still fails stays parked, logged again.
   */
  private async retryParked(): Promise<void> {
    for (const entry of await this.state.parked(this.group)) {
      const [event] = await this.store.readAll({ fromPosition: entry.position - 1, maxCount: 1 });
      if (event?.id !== entry.eventId) continue;
      const outcome = await this.exclusive(() =>
        withLogContext(eventLogContext(event, this.group), () => this.deliver(event)),
      );
      if (outcome === 'parked') continue;
      await this.state.unpark(entry);
      logger.info(
        { consumer: this.group },
        `${this.group} handled ${event.type} ${event.streamId}@${event.revision}, parked before, and unparked it`,
      );
    }
  }

  /**
   * No event between the partitions' positions and `position` is theirs any more: move them on and
   * write them, so a restart reads little.
   */
  private async flush(position: number): Promise<void> {
    this.sinceFlush = 0;
    for (const [partition, owned] of this.owned) {
      if (owned.committed >= position && !owned.unwritten) continue;
      owned.committed = Math.max(owned.committed, position);
      owned.unwritten = false;
      await this.state.commit(this.checkpoint(partition), owned.committed);
    }
  }

  private prefixes(): string[] {
    return this.sources.flatMap((source) => [...source.streamPrefixes]);
  }

  private checkpoint(partition: number): string {
    return `${this.group}#${partition}`;
  }

  private memberId(): string {
    return `${this.group}/${this.settings.instance}`;
  }
}

export function partitionOf(streamId: string, partitions: number): number {
  return createHash('sha1').update(streamId).digest().readUInt32BE(0) % partitions;
}

export function refusalOf(message: Message, reason: string) {
  const { contractId } = (message.data ?? {}) as { contractId?: unknown };
  return {
    messageId: message.id,
    type: message.type,
    tenantId: message.tenantId,
    reason,
    occurredAt: message.occurredAt,
    ...(typeof contractId === 'string' ? { contractId } : {}),
  };
}
