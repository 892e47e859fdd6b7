import { parentPort, workerData } from 'node:worker_threads';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions, Subscription } from '@billing/shared/event-store';
import { logger, logTo, setLogLevel, type LogLevel } from '@billing/shared/logging';
import { widenReceiveWindow } from './esdb.channel';
import { READ_AHEAD, type FromReader, type ToReader } from './esdb.reader';
import { subscribeToAll } from './esdb.subscription';

/**
 * The reader thread of esdb.reader.ts: its own client on the same connection string, one
 * esdb.subscription.ts subscription per subscription of the store's thread, whose events it sends
 * there in batches, waiting while READ_AHEAD of them are not yet handled.
 */

/** Events sent in one message at most (a catch-up page's worth). */
const BATCH = 500;

/** A subscription's events not yet sent, and those sent and not yet handled. */
interface Outbox {
  events: RecordedEvent[];
  unhandled: number;
  stopped: boolean;
  /** Wakes the subscription's handler waiting for the store's thread to catch up. */
  resume: () => void;
}

const port = parentPort!;
const send = (message: FromReader) => port.postMessage(message);
const { connectionString, logLevel, bindings } = workerData as {
  connectionString: string;
  logLevel: LogLevel;
  bindings: Record<string, unknown>;
};
logTo((line) => send({ kind: 'log', line }));
setLogLevel(logLevel);
logger.setBindings(bindings);
const client = EventStoreDBClient.connectionString(connectionString);
widenReceiveWindow(client);
const subscriptions = new Map<number, { outbox: Outbox; subscription: Subscription }>();

port.on('message', (message: ToReader) => {
  if (message.kind === 'subscribe') subscribe(message.id, message.options);
  else if (message.kind === 'handled') {
    const outbox = subscriptions.get(message.id)?.outbox;
    if (!outbox) return;
    outbox.unhandled = Math.max(0, outbox.unhandled - message.count);
    if (outbox.unhandled < READ_AHEAD) outbox.resume();
  } else void stop(message.id);
});

function subscribe(id: number, options: SubscribeOptions): void {
  const outbox: Outbox = { events: [], unhandled: 0, stopped: false, resume: () => {} };
  const take = async (event: RecordedEvent) => {
    if (outbox.events.push(event) === 1) setImmediate(() => flush(id, outbox));
    else if (outbox.events.length >= BATCH) flush(id, outbox);
    outbox.unhandled++;
    while (outbox.unhandled >= READ_AHEAD && !outbox.stopped) {
      flush(id, outbox);
      await new Promise<void>((resolve) => (outbox.resume = resolve));
    }
  };
  const subscription = subscribeToAll(client, options, take, undefined, () => undefined);
  subscriptions.set(id, { outbox, subscription });
}

function flush(id: number, outbox: Outbox): void {
  if (outbox.events.length === 0 || outbox.stopped) return;
  send({ kind: 'events', id, events: outbox.events });
  outbox.events = [];
}

async function stop(id: number): Promise<void> {
  const open = subscriptions.get(id);
  try {
    if (!open) return;
    open.outbox.stopped = true;
    open.outbox.resume();
    await open.subscription.stop();
  } finally {
    subscriptions.delete(id);
    send({ kind: 'stopped', id });
  }
}
