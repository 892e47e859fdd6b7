import { Lease, type Message, type RelaySource } from '@billing/shared/bus';
import type { EventStore, RecordedEvent, Subscription } from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import {
  ConsumerState,
  startBatchedConsumer,
  type ReadModelStore,
} from '@billing/shared/read-models';

class RelayStopped extends Error {}

/**
 * The relay's committed position and parked events, kept like every consumer's. A failure while
 * the relay is not publishing (stopping, or its lease lapsed) is that, not a bad event: nothing is
 * parked then. Once killed, nothing is committed either.
 */
class RelayState extends ConsumerState {
  publishing = false;
  killed = false;

  constructor(
    readModels: ReadModelStore,
    private readonly leaseHeld: () => boolean,
  ) {
    super(readModels);
  }

  get active(): boolean {
    return this.publishing && this.leaseHeld();
  }

  override async commit(consumer: string, position: number): Promise<void> {
    if (!this.killed) await super.commit(consumer, position);
  }

  override async park(consumer: string, event: RecordedEvent, error: unknown) {
    if (!this.active) throw new RelayStopped(`${consumer} is not publishing`);
    return super.park(consumer, event, error);
  }
}

export interface RelayOptions {
  instance: string;
  leaseMs: number;
}

/**
 * Tails the producing context's streams from the relay's committed position and publishes what
 * `toMessages` maps each event to: the event store is the outbox. The events at hand go out
 * together (batched-consumer.ts): one send of their messages in store order (so in order per key),
 * then the commit of the last one, only once the broker acknowledged them all. An event that cannot
 * be mapped is parked (consumer.ts); a broker that cannot be reached holds the relay back, it parks
 * nothing. Of the instances of a service, the one holding the relay's lease publishes (two relays
 * would publish every event twice).
 */
export class KafkaRelay {
  readonly name: string;
  private readonly state: RelayState;
  private readonly lease: Lease;
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  /** Stopped or killed: a first step still running sets no timer. */
  private ended = false;
  private turn: Promise<void> = Promise.resolve();
  private wake = () => {};
  /** The messages of the events handled since the last send. */
  private outbox: Message[] = [];
  /** Since when, and why, its sends fail (until one goes through). */
  private failing?: { since: Date; reason: string };
  /** Since when, and why, its lease cannot be claimed (its read-model store unreachable). */
  private unleased?: { since: Date; reason: string };
  /** Whether it stopped publishing since it last started: it says so when it goes on. */
  private paused = false;

  constructor(
    private readonly store: EventStore,
    readModels: ReadModelStore,
    readonly source: RelaySource,
    private readonly send: (messages: Message[]) => Promise<void>,
    options: RelayOptions,
  ) {
    this.name = `relay:${source.topic}`;
    this.lease = new Lease(readModels, this.name, options.instance, options.leaseMs);
    this.state = new RelayState(readModels, () => this.lease.held());
  }

  async start(): Promise<void> {
    await this.step();
    // Stopped or killed during that first step: no timer to outlive it.
    if (this.ended) return;
    this.timer = setInterval(() => void this.step(), this.lease.ms / 3);
  }

  /** True once every event of its streams up to `position` is on the broker. */
  async publishedUpTo(position: number): Promise<boolean> {
    const committed = await this.state.position(this.name);
    if (committed >= position) return true;
    const [next] = await this.store.readAll({
      fromPosition: committed,
      toPosition: position,
      maxCount: 1,
      streamPrefixes: this.source.streamPrefixes,
    });
    return next === undefined;
  }

  /** Publishing (or standing by while another instance holds the lease), unless its sends fail. */
  health(): { up: boolean; state: string } {
    if (this.failing)
      return {
        up: false,
        state: `cannot publish since ${this.failing.since.toISOString()}: ${this.failing.reason}`,
      };
    if (this.unleased && !this.state.active)
      return {
        up: false,
        state: `cannot claim its lease since ${this.unleased.since.toISOString()}: ${this.unleased.reason}`,
      };
    return {
      up: true,
      state: this.state.active ? 'publishing' : 'standing by (another instance holds the lease)',
    };
  }

  async stop(): Promise<void> {
    this.ended = true;
    clearInterval(this.timer);
    await this.turn;
    await this.pause();
    await this.lease.release();
  }

  /** A crash: nothing more published, committed or released. */
  kill(): void {
    this.ended = true;
    clearInterval(this.timer);
    this.state.killed = true;
    this.state.publishing = false;
    this.wake();
    void this.subscription?.stop();
  }

  /** Renews or claims the lease, and publishes while it holds it. */
  private step(): Promise<void> {
    this.turn = this.turn
      .then(async () => {
        if (this.state.killed) return;
        const held = await this.lease.claim().then(
          (claimed) => ((this.unleased = undefined), claimed),
          (error: unknown) => {
            this.unleased ??= { since: new Date(), reason: (error as Error).message };
            return false;
          },
        );
        if (held) await this.resume();
        else await this.pause();
      })
      .catch((error: unknown) =>
        logger.error(
          { err: error, consumer: this.name },
          `${this.name} could not start publishing; trying again`,
        ),
      );
    return this.turn;
  }

  private async resume(): Promise<void> {
    if (this.subscription) return;
    this.state.publishing = true;
    const streamPrefixes = this.source.streamPrefixes;
    // Events it parked are tried again first: after a fix and a redeploy they are published.
    this.subscription = await startBatchedConsumer(this.store, this.state, {
      name: this.name,
      streamPrefixes,
      retryParked: true,
      handle: async (event) => this.take(event),
      batch: {
        flush: (position) => this.publish(position),
        discard: () => void (this.outbox = []),
      },
    });
    if (this.paused)
      logger.info(
        { consumer: this.name },
        `${this.name} publishing again from position ${await this.state.position(this.name)}`,
      );
    this.paused = false;
  }

  private async pause(): Promise<void> {
    this.state.publishing = false;
    this.wake();
    const subscription = this.subscription;
    this.subscription = undefined;
    this.paused ||= subscription !== undefined;
    await subscription?.stop();
  }

  private take(event: RecordedEvent): void {
    if (!this.state.active) throw new RelayStopped(`${this.name} is not publishing`);
    this.outbox.push(...this.source.toMessages(event));
  }

  /**
   * Sends what the events taken since the last time map to, then commits `position`: retried until
   * the broker acknowledges, unless the relay stops publishing.
   */
  private async publish(position?: number): Promise<void> {
    const messages = this.outbox;
    this.outbox = [];
    for (let attempt = 0; messages.length > 0; attempt++) {
      if (!this.state.active) throw new RelayStopped(`${this.name} is not publishing`);
      try {
        await this.send(messages);
        this.failing = undefined;
        break;
      } catch (error) {
        this.failing ??= { since: new Date(), reason: (error as Error).message };
        if (attempt === 0)
          logger.error(
            { err: error },
            `${this.name} cannot publish ${messages.length} message(s); retrying until the broker answers`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt));
          this.wake = () => (clearTimeout(timer), resolve());
        });
      }
    }
    if (position !== undefined) await this.state.commit(this.name, position);
  }
}
