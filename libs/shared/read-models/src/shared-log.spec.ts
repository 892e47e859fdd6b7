import {
  InMemoryEventStore,
  type ReadAllOptions,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { InMemoryReadModels } from './in-memory.read-models';
import type { Projection } from './read-model.port';
import { rebuildInto } from './rebuild';
import { SharedLog } from './shared-log';

const event = (type: string, data: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  type,
  data,
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: crypto.randomUUID(),
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});

/** A store that counts the events its readAll hands out. */
async function countingStore(
  streams: Record<string, number>,
): Promise<{ store: InMemoryEventStore; read: () => number }> {
  const store = new InMemoryEventStore();
  for (const [streamId, count] of Object.entries(streams))
    for (let n = 0; n < count; n++) await store.append(streamId, [event('Happened', { n })], 'any');
  let read = 0;
  const readAll = store.readAll.bind(store);
  store.readAll = async (options?: ReadAllOptions) => {
    const events = await readAll(options);
    read += events.length;
    return events;
  };
  return { store, read: () => read };
}

const counter = (name: string, streamPrefixes: string[]): Projection => ({
  name,
  version: 1,
  streamPrefixes,
  collections: [`${name}_v1`],
  affected: () => [],
  async handle(recorded, store) {
    await store.apply<{ n: number }>(`${name}_v1`, 'all', recorded.position, (current) => ({
      n: (current?.n ?? 0) + 1,
    }));
  },
});

describe('SharedLog', () => {
  it('reads each event once for all of a rebuild’s projections, and each projection gets the events of its streams', async () => {
    const { store, read } = await countingStore({
      'contract-1': 30,
      'billing-1': 20,
      'account-1': 10,
    });
    const side = new InMemoryReadModels();
    const projections = [
      counter('contracts', ['contract-']),
      counter('billing', ['billing-']),
      counter('both', ['contract-', 'billing-']),
      counter('every', []),
    ];
    await rebuildInto(store, side, projections);
    expect(
      await Promise.all(
        projections.map(
          async ({ name }) => (await side.get<{ n: number }>(`${name}_v1`, 'all'))?.n,
        ),
      ),
    ).toEqual([30, 20, 50, 60]);
    // Once: not 30 + 20 + 50 + 60 (what four subscriptions of their own read), and each caught-up
    // check looks at one event at most.
    expect(read()).toBeLessThanOrEqual(60 + projections.length);
  });

  it('hands each reader the events after its own position, in order, frozen, and stops reading when the last reader stops', async () => {
    const { store } = await countingStore({ 'contract-1': 3, 'billing-1': 3 });
    const log = new SharedLog(store);
    const seen: Record<string, number[]> = { a: [], b: [] };
    let changed: unknown;
    const a = log.store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: ['contract-'] },
      async (recorded: RecordedEvent) => {
        seen.a.push(recorded.position);
        try {
          (recorded.data as { n: number }).n = 99;
        } catch (error) {
          changed = error;
        }
      },
    );
    const b = log.store.subscribeToAll(
      { fromPosition: 4 },
      async (recorded) => void seen.b.push(recorded.position),
    );
    log.open();
    expect(() => log.store.subscribeToAll({ fromPosition: 0 }, async () => {})).toThrow(/open/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual({ a: [1, 2, 3], b: [5, 6] });
    expect(changed).toBeInstanceOf(TypeError);
    expect([a.position, b.position]).toEqual([3, 6]);
    await a.stop();
    await store.append('contract-1', [event('Happened')], 'any');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.a).toEqual([1, 2, 3]);
    await b.stop();
    await store.append('billing-1', [event('Happened')], 'any');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.b).toEqual([5, 6, 7]);
  });
});
