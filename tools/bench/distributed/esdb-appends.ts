import { EsdbEventStore } from '@billing/shared/esdb';
import { sampleEvent } from '../appends';
import { spawnEsdbEmulator } from '../../services/emulator-process';

const STREAMS = 200;

export interface EsdbAppendFigures {
  /** Events per append, concurrent callers, events appended, events/s. */
  rows: { size: number; writers: number; events: number; eventsPerSecond: number }[];
}

/**
 * EsdbEventStore (the @eventstore/db-client adapter) appending to the ESDB emulator of infra/ (in a
 * process of its own), not to EventStoreDB: each append with its exact expected revision (as
 * command handlers append; the adapter reads the event it chains onto first), over STREAMS streams,
 * from one caller and from eight. It shows the adapter's and the client's cost per append over gRPC
 * plus the emulator's (in memory, no disk), not what a real server would do.
 */
export async function measureEsdbAppends(
  events: number,
  log: (line: string) => void,
): Promise<EsdbAppendFigures> {
  const emulator = await spawnEsdbEmulator();
  const store = new EsdbEventStore(emulator.url);
  const rows: EsdbAppendFigures['rows'] = [];
  try {
    const revisions = new Map<string, number>();
    // Warm-up: the client's connection, the emulator's JIT.
    await appendAll(store, revisions, 'warm', Math.min(200, events), 1, 4);
    for (const [size, writers] of [
      [1, 1],
      [1, 8],
      [50, 1],
    ]) {
      const started = performance.now();
      await appendAll(store, revisions, `bench${size}x${writers}`, events, size, writers);
      rows.push({
        size,
        writers,
        events,
        eventsPerSecond: events / ((performance.now() - started) / 1000),
      });
      log(
        `  ESDB adapter on the emulator, ${size} event(s) per append, ${writers} caller(s): ${Math.round(rows.at(-1)!.eventsPerSecond)} events/s`,
      );
    }
    return { rows };
  } finally {
    await store.close();
    await emulator.stop();
  }
}

/**
 * `events` events in appends of `size`, round-robin over the streams, from `writers` callers each
 * with its own streams.
 */
async function appendAll(
  store: EsdbEventStore,
  revisions: Map<string, number>,
  prefix: string,
  events: number,
  size: number,
  writers: number,
): Promise<void> {
  const appends = Math.ceil(events / size);
  const caller = async (first: number) => {
    for (let i = first; i < appends; i += writers) {
      const stream = `${prefix}-${i % STREAMS}`;
      const revision = revisions.get(stream);
      const result = await store.append(
        stream,
        Array.from({ length: size }, sampleEvent),
        revision === undefined ? 'no_stream' : revision,
      );
      revisions.set(stream, result.nextRevision);
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, first) => caller(first)));
}
