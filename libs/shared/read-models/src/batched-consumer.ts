import { pause } from '@billing/shared/kernel';
import type { EventStore, RecordedEvent, Subscription } from '@billing/shared/event-store';
import { logger, withLogContext } from '@billing/shared/logging';
import {
  eventLogContext,
  isUnavailable,
  retryParked,
  withRetries,
  type ConsumerOptions,
  type ConsumerState,
} from './consumer';

/**
 * A run longer than this is flushed at once (a catch-up reads 500 events a page, with no pause
 * between pages).
 */
export const MAX_RUN = 500;
const RETRY_MS = 1_000;

/** Where a batched consumer's handlers put what they do, until `flush` makes it durable. */
export interface ConsumerBatch {
  /**
   * Takes what the handlers did since the last call, at once (before it returns), and writes it,
   * then commits `position` if given, last. Settles once all of it is written; rejects if any of it
   * could not be (nothing is committed then). Handlers go on into the batch meanwhile.
   */
  flush(position?: number): Promise<void>;
  /** Forgets everything not yet written (those events will be handled again). */
  discard(): void;
}

export interface BatchedOptions extends ConsumerOptions {
  batch: ConsumerBatch;
  /** Events at most in a run (MAX_RUN). */
  maxRun?: number;
  /**
   * A run's position is written with it once this many events were flushed since the position
   * last written, and at stop (default 1: with every run). After a crash, the events since come
   * again: only for handlers whose effects apply once however often they come (projections: each
   * document's _position).
   */
  checkpointEvery?: number;
}

/**
 * startConsumer (consumer.ts) with a batch: resumes after its committed position, and retries what
 * it parked first if asked to.
 */
export async function startBatchedConsumer(
  store: EventStore,
  state: ConsumerState,
  options: BatchedOptions,
): Promise<BatchedConsumer> {
  if (options.retryParked) await retryParked(store, state, options, options.batch);
  return new BatchedConsumer(state, options, await state.position(options.name)).subscribe(store);
}

/**
 * A consumer that handles runs of events into its batch and flushes each run with its last
 * position. A run ends when the subscription has nothing more at hand (an event was handled and
 * none came before the end of that turn of the event loop: a lone live event waits one turn, the
 * events of a catch-up page come without a pause and make one run) or at MAX_RUN events. One flush
 * is in flight at a time; the next run builds up meanwhile and is flushed when it is done, so under
 * load runs grow to what the store can take. Its `position` is the committed one: a caller waiting
 * for it sees the run's effects written. Handlers run one at a time.
 *
 * If a handler fails, or a flush does, the batch is discarded and every event not yet committed is
 * handled again one at a time, each flushed alone: with retries, and parked (consumer.ts) if it
 * keeps failing, so the event at fault is the one parked. A store that cannot be written to is
 * tried again every second until it can or the consumer stops (the events come again after a
 * restart).
 */
export class BatchedConsumer implements Subscription {
  private run: RecordedEvent[] = [];
  private flushing?: { events: RecordedEvent[]; done: Promise<boolean>; error?: unknown };
  private committed: number;
  /** The position last written, and the events flushed since. */
  private durable: number;
  private sinceDurable = 0;
  private handled = 0;
  private turn: Promise<void> = Promise.resolve();
  /** The flush due at the end of this turn, unless another event comes first. */
  private due?: NodeJS.Immediate;
  private stopped = false;
  private subscription?: Subscription;
  private wake = () => {};
  private readonly stopping = new Promise<void>((resolve) => (this.wake = resolve));
  /** Callers of `committedPast`, woken when the committed position moves. */
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly state: ConsumerState,
    private readonly options: BatchedOptions,
    fromPosition: number,
  ) {
    this.committed = fromPosition;
    this.durable = fromPosition;
  }

  get position(): number {
    return this.committed;
  }

  /**
   * Waits until the committed position is past `seen` (not at all if it is already) or `timeoutMs`
   * passed; false once stopped.
   */
  committedPast(seen: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.committed > seen || this.stopped) return resolve(!this.stopped);
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(!this.stopped);
      };
      // No deadline (a boot waits as long as it takes): no timer (Infinity would overflow to 1 ms).
      const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      this.waiting.add(done);
    });
  }

  subscribe(store: EventStore): this {
    this.subscription = store.subscribeToAll(
      { fromPosition: this.committed, streamPrefixes: this.options.streamPrefixes },
      (event) => this.add(event),
    );
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    [...this.waiting].forEach((wake) => wake());
    clearImmediate(this.due);
    await this.subscription?.stop();
    await this.enqueue(() => this.flushWhenFree());
    await this.flushing?.done;
    await this.turn;
    if (this.committed > this.durable) await this.writePosition();
    if (this.handled > this.committed)
      logger.warn(
        { consumer: this.options.name },
        `${this.options.name} stopped with events handled but not written after ${this.committed}; they are handled again from there when it starts again`,
      );
  }

  private add(event: RecordedEvent): Promise<void> {
    clearImmediate(this.due);
    return this.enqueue(async () => {
      if (this.stopped) return;
      // async: a handler that throws before it returns a promise fails like one that rejects.
      const failure = await withLogContext(eventLogContext(event, this.options.name), async () =>
        this.options.handle(event),
      ).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      this.run.push(event);
      this.handled = event.position;
      if (failure) return this.recover(failure.error);
      if (this.run.length >= (this.options.maxRun ?? MAX_RUN)) return this.flushWhenFree();
      this.due = setImmediate(
        () => void (this.flushing ?? this.enqueue(() => this.flushWhenFree())),
      );
    });
  }

  /**
   * Waits for the flush in flight, then starts flushing the run (or, if that flush failed, handles
   * both again).
   */
  private async flushWhenFree(): Promise<void> {
    if (this.flushing && !(await this.flushing.done)) return this.recover(this.flushing.error);
    const last = this.run.at(-1);
    if (!last) return;
    const flushing: NonNullable<typeof this.flushing> = {
      events: this.run,
      done: Promise.resolve(false),
    };
    this.sinceDurable += this.run.length;
    const withPosition = this.stopped || this.sinceDurable >= (this.options.checkpointEvery ?? 1);
    flushing.done = this.options.batch.flush(withPosition ? last.position : undefined).then(
      () => true,
      (error: unknown) => ((flushing.error = error), false),
    );
    this.run = [];
    this.flushing = flushing;
    void flushing.done.then((written) => {
      if (this.flushing !== flushing) return;
      if (!written) return void this.enqueue(() => this.recover(flushing.error));
      if (withPosition) this.wrote(last.position);
      this.commit(last.position);
      this.flushing = undefined;
      if (this.run.length > 0) void this.enqueue(() => this.flushWhenFree());
    });
  }

  /**
   * After a failed handler or flush: forgets the batch and handles every event not committed again.
   * A store that cannot be reached is no event's fault: once it answers, they go as one batch again
   * (withRetries waits it out, and says so once). Any other failure: one event at a time.
   */
  private async recover(error: unknown): Promise<void> {
    const failed = this.flushing && !(await this.flushing.done) ? this.flushing.events : [];
    this.flushing = undefined;
    this.options.batch.discard();
    const events = [...failed, ...this.run];
    this.run = [];
    if (events.length === 0) return;
    if (
      isUnavailable(error) &&
      (await withRetries(() => this.handleAgain(events), this.options.retry, isUnavailable)) ===
        undefined
    ) {
      this.commit(events.at(-1)!.position);
      return;
    }
    if (!isUnavailable(error))
      logger.warn(
        { err: error, consumer: this.options.name },
        `${this.options.name} handles ${events.length} event(s) one at a time after a failure`,
      );
    for (const event of events) {
      for (;;) {
        try {
          await withLogContext(eventLogContext(event, this.options.name), () =>
            this.handleAlone(event),
          );
          this.commit(event.position);
          break;
        } catch (error) {
          if (this.stopped) return;
          logger.error(
            { err: error, consumer: this.options.name },
            `${this.options.name} could not write what it did with ${event.type} ${event.streamId}@${event.revision}; retrying`,
          );
          await pause(RETRY_MS, this.stopping);
        }
      }
    }
  }

  private async handleAgain(events: RecordedEvent[]): Promise<void> {
    this.options.batch.discard();
    for (const event of events)
      await withLogContext(eventLogContext(event, this.options.name), () =>
        this.options.handle(event),
      );
    await this.options.batch.flush(events.at(-1)!.position);
    this.wrote(events.at(-1)!.position);
  }

  private async handleAlone(event: RecordedEvent): Promise<void> {
    const { batch, name, retry } = this.options;
    const failure = await withRetries(async () => {
      batch.discard();
      await this.options.handle(event);
      await batch.flush(event.position);
    }, retry);
    if (failure === undefined) return this.wrote(event.position);
    batch.discard();
    const entry = await this.state.park(name, event, failure);
    logger.error(
      { position: event.position },
      `${name} parked ${event.type} ${event.streamId}@${event.revision} (position ${event.position}): ${entry.error}`,
    );
    await this.options.onParked?.(event, entry);
    await batch.flush(event.position);
    this.wrote(event.position);
  }

  /**
   * At stop: the position committed but not yet written, alone (the events since come again if it
   * cannot be).
   */
  private async writePosition(): Promise<void> {
    try {
      await this.options.batch.flush(this.committed);
      this.wrote(this.committed);
    } catch (error) {
      logger.warn(
        { err: error, consumer: this.options.name },
        `${this.options.name} could not write its position ${this.committed} at stop; the events after ${this.durable} come again after a restart`,
      );
    }
  }

  private wrote(position: number): void {
    this.durable = Math.max(this.durable, position);
    this.sinceDurable = 0;
  }

  private commit(position: number): void {
    this.committed = position;
    [...this.waiting].forEach((wake) => wake());
  }

  /**
   * One thing at a time: a handler, the start of a flush, a recovery. Nothing here throws to the
   * subscription (which would deliver the event again).
   */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.turn = this.turn
      .then(work)
      .catch((error: unknown) =>
        logger.error(
          { err: error, consumer: this.options.name },
          `${this.options.name} failed unexpectedly`,
        ),
      );
    return this.turn;
  }
}
