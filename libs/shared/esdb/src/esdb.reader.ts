import { pause } from '@billing/shared/kernel';
import { AsyncResource } from 'node:async_hooks';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  deliverUntilHandled,
  type EventHandler,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@billing/shared/event-store';
import { logger, writeLogLine } from '@billing/shared/logging';
import { RESUBSCRIBE_MS, RETRY_MS } from './esdb.subscription';

/** What the store's thread asks of its reader thread. */
export type ToReader =
  | { kind: 'subscribe'; id: number; options: SubscribeOptions }
  | { kind: 'handled'; id: number; count: number }
  | { kind: 'stop'; id: number };

/** What the reader thread answers: events read, a log line, a subscription stopped. */
export type FromReader =
  | { kind: 'events'; id: number; events: RecordedEvent[] }
  | { kind: 'log'; line: string }
  | { kind: 'stopped'; id: number };

/**
 * Events a subscription's reader sends ahead of the handler at most, and how many handled events
 * it is told of at a time.
 */
export const READ_AHEAD = 2_000;
const HANDLED_EVERY = 250;

type OnError = (error: unknown, event: RecordedEvent) => void;

/** A subscription as this thread sees it: what the reader sent and the handler has not had yet. */
interface Reading {
  options: SubscribeOptions;
  handler: EventHandler;
  onError?: OnError;
  /** The async context it was opened in, which its handler runs in. */
  context: AsyncResource;
  position: number;
  queue: RecordedEvent[];
  handledUntold: number;
  /** Whether `handOut` is running (it takes what comes meanwhile). */
  handing: boolean;
  delivering: Promise<void>;
  stopped: boolean;
  wake: () => void;
  whenStopped: Promise<void>;
  /** Settles once the reader thread closed its call (or is gone). */
  closed?: () => void;
  /** Read by a thread that died, not yet by its successor. */
  lost?: boolean;
}

/**
 * Reads `$all` subscriptions on a thread of their own (ADR 12): decoding the client's gRPC stream
 * costs about as much as what most handlers do with an event, and a relay also encodes for Kafka
 * on its thread. The reader thread runs esdb.subscription.ts (resubscribing after a drop from the
 * last event it sent) and sends the events in batches, at most READ_AHEAD of a subscription ahead
 * of its handler. Here they are handed out one at a time, in order, in the async context the
 * subscription was opened in, a handler that throws retried on the same event. If the reader
 * thread dies, a new one reads every subscription again from the last event its handler took.
 */
export class ReaderThread {
  private worker?: Worker;
  private readonly readings = new Map<number, Reading>();
  private nextId = 1;
  private closing = false;
  /** Deaths of the thread in a row (none since an event came): the wait before the next start. */
  private deaths = 0;
  private restarting?: NodeJS.Timeout;

  constructor(private readonly connectionString: string) {}

  subscribe(options: SubscribeOptions, handler: EventHandler, onError?: OnError): Subscription {
    if (this.closing) throw new Error('the event store is closed');
    const id = this.nextId++;
    let wake = () => {};
    const whenStopped = new Promise<void>((resolve) => (wake = resolve));
    const reading: Reading = {
      options,
      handler,
      onError,
      context: new AsyncResource('esdb-subscription'),
      position: options.fromPosition,
      queue: [],
      handledUntold: 0,
      handing: false,
      delivering: Promise.resolve(),
      stopped: false,
      wake,
      whenStopped,
    };
    this.readings.set(id, reading);
    this.tell({ kind: 'subscribe', id, options });
    let stopping: Promise<void> | undefined;
    return {
      get position() {
        return reading.position;
      },
      stop: () => (stopping ??= this.stop(id, reading)),
    };
  }

  /** Ends the reader thread, once the store stopped its subscriptions. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restarting);
    await this.worker?.terminate();
    this.worker = undefined;
    this.readings.forEach((reading) => reading.closed?.());
  }

  /** Resolves once its handler returned for the last time and the reader closed its call. */
  private async stop(id: number, reading: Reading): Promise<void> {
    reading.stopped = true;
    reading.wake();
    let close = () => {};
    const closed = new Promise<void>((resolve) => (close = resolve));
    reading.closed = close;
    // No thread now (it died, or the store closed): nothing is reading it.
    if (this.worker) this.tell({ kind: 'stop', id });
    else close();
    await reading.delivering;
    await closed;
    this.readings.delete(id);
    if (this.readings.size === 0) this.worker?.unref();
  }

  private tell(message: ToReader): void {
    const worker = (this.worker ??= this.start());
    worker.ref();
    worker.postMessage(message);
  }

  private start(): Worker {
    const worker = new Worker(bootstrap(), {
      eval: true,
      // Its log lines carry the process's bindings (the service's name), as the others do.
      workerData: {
        connectionString: this.connectionString,
        logLevel: logger.level,
        bindings: logger.bindings(),
      },
    });
    worker.on('message', (message: FromReader) => this.received(message));
    worker.on('error', (error) =>
      logger.error({ err: error }, 'the event-store reader thread failed'),
    );
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!this.closing) this.restart();
    });
    return worker;
  }

  /**
   * After the reader thread died: what it sent and was not handled is forgotten, and after a wait
   * (doubling while it keeps dying) each subscription it read is read again from the last event its
   * handler took.
   */
  private restart(): void {
    for (const reading of this.readings.values()) {
      reading.queue = [];
      reading.handledUntold = 0;
      reading.lost = !reading.stopped;
      reading.closed?.();
    }
    const lost = () => [...this.readings].filter(([, reading]) => reading.lost && !reading.stopped);
    if (lost().length === 0 || this.restarting) return;
    const waitMs = Math.min(RESUBSCRIBE_MS.first * 2 ** this.deaths++, RESUBSCRIBE_MS.last);
    logger.error(
      `the event-store reader thread exited; reading ${lost().length} subscription(s) again in ${waitMs} ms`,
    );
    this.restarting = setTimeout(() => {
      this.restarting = undefined;
      if (this.closing) return;
      for (const [id, reading] of lost()) {
        reading.lost = false;
        const options = { ...reading.options, fromPosition: reading.position };
        this.tell({ kind: 'subscribe', id, options });
      }
    }, waitMs);
  }

  private received(message: FromReader): void {
    if (message.kind === 'log') return writeLogLine(message.line);
    const reading = this.readings.get(message.id);
    if (!reading) return;
    if (message.kind === 'stopped') return reading.closed?.();
    this.deaths = 0;
    for (const event of message.events) reading.queue.push(event);
    if (reading.handing) return;
    reading.handing = true;
    reading.delivering = reading.context
      .runInAsyncScope(() => this.handOut(message.id, reading))
      .finally(() => (reading.handing = false));
  }

  /**
   * Hands the events sent to the handler, one at a time, until none is left or it stops. One sent
   * again after the thread died is one the handler took already: skipped. An event is let go of
   * once handled, unless the queue was emptied meanwhile (the thread died: it comes again).
   */
  private async handOut(id: number, reading: Reading): Promise<void> {
    const pauseToRetry = () => pause(RETRY_MS, reading.whenStopped);
    const stopped = () => reading.stopped;
    while (reading.queue.length > 0 && !reading.stopped) {
      const event = reading.queue[0];
      if (event.position > reading.position) {
        const handled = await deliverUntilHandled(
          event,
          reading.handler,
          reading.onError,
          pauseToRetry,
          stopped,
        ).catch(async (error: unknown) => {
          logger.error({ err: error }, `subscription to $all failed at position ${event.position}`);
          await pauseToRetry();
          return undefined;
        });
        if (handled === false) return;
        if (handled === undefined) continue;
        reading.position = event.position;
      }
      if (reading.queue[0] === event) reading.queue.shift();
      if (++reading.handledUntold >= HANDLED_EVERY || reading.queue.length === 0) {
        const handled: ToReader = { kind: 'handled', id, count: reading.handledUntold };
        this.worker?.postMessage(handled);
        reading.handledUntold = 0;
      }
    }
  }
}

/**
 * The reader thread's code: the module next to this one (resolved like a require, so the build
 * compiles it too). Run from the TypeScript sources (tools/register.js, jest), the thread loads it
 * through the same swc transpiler, resolved from here.
 */
function bootstrap(): string {
  const code = require.resolve('./esdb.reader.worker');
  const fromSources = code.endsWith('.ts')
    ? `process.env.SWC_NODE_PROJECT ||= ${JSON.stringify(join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json'))};
       require(${JSON.stringify(require.resolve('@swc-node/register'))});`
    : '';
  return `${fromSources} require(${JSON.stringify(code)});`;
}
