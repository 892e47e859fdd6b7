import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
  EventHandler,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '@billing/shared/event-store';
import { logger, writeLogLine } from '@billing/shared/logging';
import { deliver, RETRY_MS } from './esdb.subscription';

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

/** A subscription as this thread sees it: what the reader sent and the handler has not had yet. */
interface Reading {
  options: SubscribeOptions;
  handler: EventHandler;
  onError?: (error: unknown, event: RecordedEvent) => void;
  position: number;
  queue: RecordedEvent[];
  handledUntold: number;
  /** Whether `handOut` is running (it takes what comes meanwhile). */
  handing: boolean;
  delivering: Promise<void>;
  stopped: boolean;
  wake: () => void;
  stopping: Promise<void>;
  /** Resolves once the reader thread closed this subscription's call. */
  closed?: () => void;
}

/**
 * Reads `$all` subscriptions on a thread of their own (ADR 12): decoding the client's gRPC stream
 * costs about as much as what most handlers do with an event, and a relay also encodes for Kafka
 * on its thread. The reader thread runs esdb.subscription.ts (resubscribing after a drop from the
 * last event it sent) and sends the events in batches, at most READ_AHEAD of a subscription ahead
 * of its handler; here they are handed out one at a time, in order, a handler that throws retried
 * on the same event, exactly as esdb.subscription.ts does on one thread. If the reader thread
 * dies, a new one reads every subscription again from the last event its handler took.
 */
export class ReaderThread {
  private worker?: Worker;
  private readonly readings = new Map<number, Reading>();
  private nextId = 1;
  private closing = false;

  constructor(private readonly connectionString: string) {}

  subscribe(
    options: SubscribeOptions,
    handler: EventHandler,
    onError: ((error: unknown, event: RecordedEvent) => void) | undefined,
    onStopped: () => void,
  ): Subscription {
    const id = this.nextId++;
    let wake = () => {};
    const stopping = new Promise<void>((resolve) => (wake = resolve));
    const reading: Reading = {
      options,
      handler,
      onError,
      position: options.fromPosition,
      queue: [],
      handledUntold: 0,
      handing: false,
      delivering: Promise.resolve(),
      stopped: false,
      wake,
      stopping,
    };
    this.readings.set(id, reading);
    this.post({ kind: 'subscribe', id, options });
    return {
      get position() {
        return reading.position;
      },
      stop: async () => {
        if (reading.stopped) return;
        reading.stopped = true;
        reading.wake();
        const closed = new Promise<void>((resolve) => (reading.closed = resolve));
        this.post({ kind: 'stop', id });
        await reading.delivering;
        await closed;
        this.readings.delete(id);
        if (this.readings.size === 0) this.worker?.unref();
        onStopped();
      },
    };
  }

  /** Ends the reader thread (its subscriptions stopped first by the store). */
  async close(): Promise<void> {
    this.closing = true;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private post(message: ToReader): void {
    const worker = (this.worker ??= this.start());
    worker.ref();
    worker.postMessage(message);
  }

  private start(): Worker {
    const worker = new Worker(bootstrap(), {
      eval: true,
      workerData: { connectionString: this.connectionString, logLevel: logger.level },
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
   * After the reader thread died: each subscription is read again from the last event its handler
   * took, after a pause; what was sent and not handled is forgotten (it comes again).
   */
  private restart(): void {
    const open = [...this.readings].filter(([, reading]) => !reading.stopped);
    for (const [, reading] of this.readings) {
      reading.queue = [];
      reading.handledUntold = 0;
      reading.closed?.();
    }
    if (open.length === 0) return;
    logger.error(
      `the event-store reader thread exited; reading ${open.length} subscription(s) again in ${RETRY_MS} ms`,
    );
    setTimeout(() => {
      if (this.closing) return;
      for (const [id, reading] of open)
        if (!reading.stopped)
          this.post({
            kind: 'subscribe',
            id,
            options: { ...reading.options, fromPosition: reading.position },
          });
    }, RETRY_MS).unref();
  }

  private received(message: FromReader): void {
    if (message.kind === 'log') return writeLogLine(message.line);
    const reading = this.readings.get(message.id);
    if (!reading) return;
    if (message.kind === 'stopped') return reading.closed?.();
    for (const event of message.events) reading.queue.push(event);
    if (!reading.handing) reading.delivering = this.handOut(message.id, reading);
  }

  /**
   * Hands the events sent to the handler, one at a time, until none is left or it stops. One sent
   * again after the thread died is one the handler took already: skipped.
   */
  private async handOut(id: number, reading: Reading): Promise<void> {
    const pause = () =>
      Promise.race([new Promise((resolve) => setTimeout(resolve, RETRY_MS)), reading.stopping]);
    reading.handing = true;
    try {
      while (reading.queue.length > 0 && !reading.stopped) {
        const event = reading.queue.shift()!;
        if (event.position > reading.position) {
          const stopped = () => reading.stopped;
          if (!(await deliver(event, reading.handler, reading.onError, pause, stopped))) return;
          reading.position = event.position;
        }
        if (++reading.handledUntold >= HANDLED_EVERY || reading.queue.length === 0) {
          this.worker?.postMessage({ kind: 'handled', id, count: reading.handledUntold });
          reading.handledUntold = 0;
        }
      }
    } finally {
      reading.handing = false;
    }
  }
}

/**
 * The reader thread's code: the module next to this one (resolved like a require, so the build
 * compiles it too). Run from the TypeScript sources (tools/register.js, jest), the thread loads it
 * through the same swc transpiler.
 */
function bootstrap(): string {
  const module = require.resolve('./esdb.reader.worker');
  const fromSources = module.endsWith('.ts')
    ? `process.env.SWC_NODE_PROJECT ||= ${JSON.stringify(join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json'))};
       require('@swc-node/register');`
    : '';
  return `${fromSources} require(${JSON.stringify(module)});`;
}
