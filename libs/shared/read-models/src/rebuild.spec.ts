import { InMemoryEventStore } from '@billing/shared/event-store';
import { ConsumerState } from './consumer';
import { InMemoryReadModels } from './in-memory.read-models';
import { projectionConsumer, ProjectionRunner } from './projection-runner';
import type { Projection, ReadModelStore } from './read-model.port';
import { compareReadModels, rebuildInto, switchTo } from './rebuild';

/**
 * Counts events in `tallies_v1`; `extras_v1` is its too, written by an older handler for events it
 * no longer keeps there.
 */
const TALLY: Projection = {
  name: 'tallies',
  version: 1,
  streamPrefixes: ['tally-'],
  collections: ['tallies_v1', 'extras_v1'],
  affected: () => [],
  async handle(recorded, store) {
    await store.apply<{ n: number }>('tallies_v1', 'all', recorded.position, (current) => ({
      n: (current?.n ?? 0) + 1,
    }));
  },
};

/** A store with three events of a tally stream. */
async function tallied(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  const metadata = {
    tenantId: 't',
    correlationId: 'c',
    causationId: 'c',
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  };
  await store.append(
    'tally-1',
    [1, 2, 3].map((n) => ({ id: crypto.randomUUID(), type: 'Tallied', data: { n }, metadata })),
    'no_stream',
  );
  return store;
}

/** The tallies projected into live read models, and rebuilt into a side copy. */
async function projectedAndRebuilt() {
  const store = await tallied();
  const [live, side] = [new InMemoryReadModels(), new InMemoryReadModels()];
  const running = new ProjectionRunner(store, live);
  await running.start(TALLY);
  expect(await running.caughtUp(3)).toBe(true);
  await running.stop();
  return { store, live, side, head: await rebuildInto(store, side, [TALLY]) };
}

describe('switchTo', () => {
  it('makes every collection of the projections what the rebuild left, one it left empty included', async () => {
    const store = await tallied();
    const [live, side] = [new InMemoryReadModels(), new InMemoryReadModels()];
    await live.apply('tallies_v1', 'all', 3, () => ({ n: 2 }));
    await live.apply('extras_v1', 'stale', 1, () => ({ kept: 'by an older version' }));
    const head = await rebuildInto(store, side, [TALLY]);
    expect(
      (await compareReadModels(live, side, [TALLY], head)).differences.map(
        ({ collection, id }) => `${collection}/${id}`,
      ),
    ).toEqual(['extras_v1/stale', 'tallies_v1/all']);

    await switchTo(live, side, [TALLY]);
    expect(await live.find('tallies_v1')).toEqual([
      { _id: 'all', _position: 3, _tenant: 't', n: 3 },
    ]);
    expect(await live.find('extras_v1')).toEqual([]);
    expect((await compareReadModels(live, side, [TALLY], head)).differences).toEqual([]);
  });

  it('cut short, leaves the projection to be rebuilt from 0 at its next start, not resumed over half its documents', async () => {
    const { store, live, side, head } = await projectedAndRebuilt();
    // The connection is lost once the live documents are dropped, before the rebuilt ones are in.
    const cut: ReadModelStore = Object.assign(Object.create(live) as ReadModelStore, {
      applyBatch: () => Promise.reject(new Error('connection lost')),
    });
    await expect(switchTo(cut, side, [TALLY])).rejects.toThrow('connection lost');
    expect(await live.find('tallies_v1')).toEqual([]);
    expect(await new ConsumerState(live).position(projectionConsumer(TALLY))).toBe(3);

    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const restarted = new ProjectionRunner(store, live);
    await restarted.start(TALLY);
    expect(await restarted.caughtUp(head)).toBe(true);
    await restarted.stop();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('rebuilt from position 0'));
    warn.mockRestore();
    expect(await live.find('tallies_v1')).toEqual([
      { _id: 'all', _position: 3, _tenant: 't', n: 3 },
    ]);
    expect(await new ConsumerState(live).switchMark(projectionConsumer(TALLY))).toBeUndefined();
    expect((await compareReadModels(live, side, [TALLY], head)).differences).toEqual([]);
  });

  it('cut short, is rebuilt in place by one of the instances that start at once; the others wait for it', async () => {
    const { store, live, side, head } = await projectedAndRebuilt();
    // Cut short after the copy, before the projection was unmarked: nothing to see in the documents.
    const cut: ReadModelStore = Object.assign(Object.create(live) as ReadModelStore, {
      remove: () => Promise.reject(new Error('connection lost')),
    });
    await expect(switchTo(cut, side, [TALLY])).rejects.toThrow('connection lost');

    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const instances = [new ProjectionRunner(store, live), new ProjectionRunner(store, live)];
    await Promise.all(instances.map((instance) => instance.start(TALLY)));
    for (const instance of instances) expect(await instance.caughtUp(head)).toBe(true);
    await Promise.all(instances.map((instance) => instance.stop()));
    expect(warn.mock.calls.filter(([line]) => /rebuilt from position 0/.test(line))).toHaveLength(
      1,
    );
    warn.mockRestore();
    expect(await live.find('tallies_v1')).toEqual([
      { _id: 'all', _position: 3, _tenant: 't', n: 3 },
    ]);
    expect((await compareReadModels(live, side, [TALLY], head)).differences).toEqual([]);
  });
});
