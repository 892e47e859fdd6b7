import { parentPort, workerData } from 'node:worker_threads';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent, Subscription } from '@billing/shared/event-store';
import { logTo, setLogLevel, type LogLevel } from '@billing/shared/logging';
import { widenReceiveWindow } from './esdb.channel';
import { READ_AHEAD, type FromReader, type ToReader } from './esdb.reader';
import { subscribeToAll } from './esdb.subscription';

/** Events sent in one message at most (a catch-up page's worth). */
const BATCH = 500;

/**
 * The reader thread of esdb.reader.ts: its own client on the same connection string, one
 * esdb.subscription.ts subscription per subscription of the store's thread, whose events it sends
 * there in batches, waiting while READ_AHEAD of them are not yet handled.
 */
interface Reading {
  subscription: Subscription;
  outbox: RecordedEvent[];
  unhandled: number;
  stopped: boolean;
  /** Wakes the subscription's handler waiting for the store's thread to catch up. */
  resume: () => void;
}

const port = parentPort!;
const send = (message: FromReader) => port.postMessage(message);
const { connectionString, logLevel } = workerData as {
  connectionString: string;
  logLevel: LogLevel;
};
logTo((line) => send({ kind: 'log', line }));
setLogLevel(logLevel);
const client = EventStoreDBClient.connectionString(connectionString);
widenReceiveWindow(client);
const readings = new Map<number, Reading>();

port.on('message', (message: ToReader) => {
  if (message.kind === 'subscribe') subscribe(message.id, message.options);
  else if (message.kind === 'handled') {
    const reading = readings.get(message.id);
    if (!reading) return;
    reading.unhandled = Math.max(0, reading.unhandled - message.count);
    if (reading.unhandled < READ_AHEAD) reading.resume();
  } else void stop(message.id);
});

function subscribe(id: number, options: Parameters<typeof subscribeToAll>[1]): void {
  const reading: Reading = {
    outbox: [],
    unhandled: 0,
    stopped: false,
    resume: () => {},
    subscription: undefined as unknown as Subscription,
  };
  readings.set(id, reading);
  reading.subscription = subscribeToAll(
    client,
    options,
    async (event) => {
      if (reading.outbox.push(event) === 1) setImmediate(() => flush(id, reading));
      else if (reading.outbox.length >= BATCH) flush(id, reading);
      reading.unhandled++;
      while (reading.unhandled >= READ_AHEAD && !reading.stopped) {
        flush(id, reading);
        await new Promise<void>((resolve) => (reading.resume = resolve));
      }
    },
    undefined,
    () => undefined,
  );
}

function flush(id: number, reading: Reading): void {
  if (reading.outbox.length === 0 || reading.stopped) return;
  send({ kind: 'events', id, events: reading.outbox });
  reading.outbox = [];
}

async function stop(id: number): Promise<void> {
  const reading = readings.get(id);
  if (reading) {
    reading.stopped = true;
    reading.resume();
    await reading.subscription.stop();
    readings.delete(id);
  }
  send({ kind: 'stopped', id });
}
