import { randomUUID } from 'node:crypto';
import { logger, logTo } from '@billing/shared/logging';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { ConsumerState } from './consumer';
import { InMemoryReadModels } from './in-memory.read-models';
import { projectionConsumer, ProjectionRunner } from './projection-runner';
import type { Doc, Projection, ReadModelStore } from './read-model.port';

type Count = { n: number };

/**
 * Three collections, the second read back while handling (its unwritten update must be seen), and
 * events it cannot read.
 */
const counting: Projection = {
  name: 'counting',
  version: 1,
  streamPrefixes: ['thing-'],
  collections: ['log_v1', 'counts_v1', 'last_v1'],
  async handle(event, store) {
    if (event.type === 'Poison') throw new Error('unreadable');
    const id = event.streamId.slice('thing-'.length);
    await store.apply('log_v1', event.id, event.position, () => ({ thing: id }));
    await store.apply<Count>('counts_v1', id, event.position, (current) => ({
      ...current,
      n: (current?.n ?? 0) + 1,
    }));
    const count = await store.get<Count>('counts_v1', id);
    await store.apply('last_v1', id, event.position, () => ({ n: count!.n }));
  },
  affected: (event) => [{ collection: 'counts_v1', id: event.streamId.slice('thing-'.length) }],
};

const event = (type = 'Happened'): NewEvent => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: 'c',
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});

async function appendRound(
  store: InMemoryEventStore,
  things: number,
  each: number,
): Promise<number> {
  let position = 0;
  for (let i = 0; i < each; i++)
    for (let t = 0; t < things; t++)
      position = (await store.append(`thing-${t}`, [event()], 'any')).position;
  return position;
}

/** Counts the calls of `apply` and `applyBatch` reaching `inner`. */
function counted(inner: ReadModelStore): {
  store: ReadModelStore;
  calls: { apply: number; applyBatch: number };
} {
  const calls = { apply: 0, applyBatch: 0 };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'apply' || property === 'applyBatch') calls[property]++;
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

const contents = async (store: ReadModelStore) => {
  const all: Record<string, Doc<unknown>[]> = {};
  for (const collection of counting.collections)
    all[collection] = await store.find(collection, {}, { sort: { _id: 1 } });
  return all;
};

describe('ProjectionRunner', () => {
  let logged: jest.SpyInstance;
  let warned: jest.SpyInstance;
  // Failures are what these specs provoke: their error and warning lines stay out of the test
  // output.
  beforeEach(() => {
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    logged.mockRestore();
    warned.mockRestore();
  });

  it('catches up on a thousand events in a few batches, each with its checkpoint', async () => {
    const events = new InMemoryEventStore();
    const head = await appendRound(events, 10, 100);
    const { store, calls } = counted(new InMemoryReadModels());
    const runner = new ProjectionRunner(events, store);
    await runner.start(counting);
    expect(await runner.caughtUp(head)).toBe(true);
    await runner.stop();
    expect(await store.get('counts_v1', '3')).toMatchObject({ n: 100 });
    expect(await store.get('last_v1', '3')).toMatchObject({ n: 100 });
    expect(await store.count('log_v1')).toBe(1_000);
    expect(await new ConsumerState(store).position(projectionConsumer(counting))).toBe(head);
    expect(calls).toEqual({ apply: 0, applyBatch: 2 });
  });

  it('refuses a projection that writes a collection another one it runs writes (a rebuild drops them)', async () => {
    const runner = new ProjectionRunner(new InMemoryEventStore(), new InMemoryReadModels());
    await runner.start(counting);
    await expect(runner.start({ ...counting, name: 'counting-again' })).rejects.toThrow(
      'counting-again and counting both write log_v1, counts_v1, last_v1',
    );
    await runner.stop();
  });

  it('answers caughtUp once a live event is written, within a turn of the event loop', async () => {
    const events = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const runner = new ProjectionRunner(events, readModels);
    await runner.start(counting);
    const waits: number[] = [];
    for (let round = 1; round <= 21; round++) {
      const { position } = await events.append('thing-live', [event()], 'any');
      const started = performance.now();
      expect(await runner.caughtUp(position)).toBe(true);
      waits.push(performance.now() - started);
      expect(await readModels.get('counts_v1', 'live')).toMatchObject({
        _position: position,
        n: round,
      });
    }
    await runner.stop();
    // caughtUp wakes when the projection commits: the median wait is a flush, not a batching delay
    // (a timer would show; a loaded machine stretches every wait).
    expect(waits.sort((a, b) => a - b)[10]).toBeLessThan(100);
  });

  it('waits without a deadline (boot) on no timer: none overflows, none fires every millisecond', async () => {
    const events = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const runner = new ProjectionRunner(events, readModels);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    await runner.start({
      ...counting,
      name: 'gated',
      collections: ['gated_v1'],
      async handle(recorded, store) {
        await gate;
        await store.apply('gated_v1', recorded.id, recorded.position, () => ({}));
      },
    });
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      const { position } = await events.append('thing-1', [event()], 'any');
      const caughtUp = runner.caughtUp(position, Number.POSITIVE_INFINITY);
      await new Promise((resolve) => setImmediate(resolve));
      // Before: setTimeout(Infinity), which Node sets to 1 ms with a TimeoutOverflowWarning (the
      // services' logs after a crash had hundreds of them), woken again and again while catching up.
      expect(timers.mock.calls.filter(([, ms]) => ms === Number.POSITIVE_INFINITY)).toEqual([]);
      open();
      expect(await caughtUp).toBe(true);
    } finally {
      timers.mockRestore();
      await runner.stop();
    }
  });

  it('asks the store about the log only after what an earlier caughtUp found clear: other streams are not read again', async () => {
    const events = new InMemoryEventStore();
    const runner = new ProjectionRunner(events, new InMemoryReadModels());
    await runner.start(counting);
    const { position: written } = await events.append('thing-1', [event()], 'no_stream');
    expect(await runner.caughtUp(written)).toBe(true);
    const asked: { fromPosition?: number; toPosition?: number }[] = [];
    const readAll = events.readAll.bind(events);
    // caughtUp's questions are the reads of one event (the subscription reads pages).
    jest
      .spyOn(events, 'readAll')
      .mockImplementation(
        async (options) => (
          options?.maxCount === 1 && asked.push({ ...options }),
          readAll(options)
        ),
      );
    let head = written;
    for (let i = 0; i < 50; i++)
      head = (await events.append(`other-${i}`, [event()], 'no_stream')).position;
    expect(await runner.caughtUp(head - 25)).toBe(true);
    expect(await runner.caughtUp(head)).toBe(true);
    expect(await runner.caughtUp(head)).toBe(true);
    // The projection's own position stays at `written`: without the mark, every call would read the
    // 50 events after it.
    expect(asked).toEqual([
      expect.objectContaining({ fromPosition: written, toPosition: head - 25 }),
      expect.objectContaining({ fromPosition: head - 25, toPosition: head }),
    ]);
    await runner.stop();
  });

  it('parks the event a handler keeps failing on, alone: the others of its batch are written, its document marked', async () => {
    const events = new InMemoryEventStore();
    await appendRound(events, 3, 5);
    const poisonEvent = event('Poison');
    const poison = await events.append('thing-1', [poisonEvent], 'any');
    const head = await appendRound(events, 3, 5);
    const readModels = new InMemoryReadModels();
    const runner = new ProjectionRunner(events, readModels);
    await runner.start(counting);
    expect(await runner.caughtUp(head)).toBe(true);
    await runner.stop();
    expect(await readModels.get('counts_v1', '1')).toMatchObject({
      n: 10,
      _parked: [{ eventId: poisonEvent.id, type: 'Poison', error: 'Error: unreadable' }],
    });
    expect(await readModels.get('counts_v1', '2')).toMatchObject({ n: 10 });
    expect((await runner.state.parked()).map((entry) => entry.position)).toEqual([poison.position]);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/parked Poison thing-1/));
  });

  it("forgets its other versions' positions and parked events when a version starts, which replays and parks for itself", async () => {
    const events = new InMemoryEventStore();
    await appendRound(events, 3, 2);
    await events.append('thing-1', [event('Poison')], 'any');
    const head = await appendRound(events, 3, 2);
    const readModels = new InMemoryReadModels();
    const first = new ProjectionRunner(events, readModels);
    await first.start(counting);
    expect(await first.caughtUp(head)).toBe(true);
    await first.stop();
    expect((await first.state.parked()).map((entry) => entry.consumer)).toEqual([
      'projection:counting@v1',
    ]);

    const second = new ProjectionRunner(events, readModels);
    const lines: string[] = [];
    const [restore, level] = [logTo((line) => void lines.push(line)), logger.level];
    logger.level = 'info';
    try {
      await second.start({ ...counting, version: 2 });
    } finally {
      restore();
      logger.level = level;
    }
    // The upgrade says why the start takes longer.
    expect(lines.map((line) => JSON.parse(line).msg)).toContain(
      `projection:counting@v2 has no position yet: replaying the store (${head} events) into it`,
    );
    expect(await second.caughtUp(head)).toBe(true);
    await second.stop();
    expect((await second.state.parked()).map((entry) => entry.consumer)).toEqual([
      'projection:counting@v2',
    ]);
    expect(await second.state.position('projection:counting@v1')).toBe(0);
    expect(await second.state.position('projection:counting@v2')).toBe(head);

    // Rolled back: version 1 again, from the start, and version 2's state goes.
    const rolledBack = new ProjectionRunner(events, readModels);
    await rolledBack.start(counting);
    expect(await rolledBack.caughtUp(head)).toBe(true);
    await rolledBack.stop();
    expect((await rolledBack.state.parked()).map((entry) => entry.consumer)).toEqual([
      'projection:counting@v1',
    ]);
    expect(await rolledBack.state.position('projection:counting@v2')).toBe(0);
    // Another projection whose name starts the same keeps its own.
    await new ConsumerState(readModels).commit('projection:counting-more@v1', 7);
    const again = new ProjectionRunner(events, readModels);
    await again.start(counting);
    await again.stop();
    expect(await again.state.position('projection:counting-more@v1')).toBe(7);
  });

  it('into a side copy it started empty reads no document back, and writes what the live read models hold; one not empty it reads', async () => {
    const run = async (
      events: InMemoryEventStore,
      readModels: ReadModelStore,
      options?: { sideCopy: boolean },
    ) => {
      const reads: string[] = [];
      const reading = Object.assign(Object.create(readModels) as ReadModelStore, {
        get: (collection: string, id: string) => (
          counting.collections.includes(collection) && reads.push(id),
          readModels.get(collection, id)
        ),
      });
      const runner = new ProjectionRunner(events, reading, options);
      await runner.start(counting);
      expect(await runner.caughtUp(await events.headPosition())).toBe(true);
      await runner.stop();
      return {
        reads,
        contents: await contents(readModels),
        parked: (await runner.state.parked()).map(({ parkedAt: _at, ...entry }) => entry),
      };
    };
    const events = new InMemoryEventStore();
    await appendRound(events, 3, 300);
    const live = await run(events, new InMemoryReadModels());
    const side = await run(events, new InMemoryReadModels(), { sideCopy: true });
    expect(live.reads.length).toBeGreaterThan(0);
    expect(side.reads).toEqual([]);
    expect(side.contents).toEqual(live.contents);

    const held = new InMemoryReadModels();
    await held.apply('counts_v1', '2', 0, () => ({ n: 1_000 }));
    const notEmpty = await run(events, held, { sideCopy: true });
    expect(notEmpty.reads).toContain('2');
    expect(notEmpty.contents['counts_v1']).toContainEqual(
      expect.objectContaining({ _id: '2', n: 1_300 }),
    );

    // A parked event: the documents of its run are read again (the store may or may not have them),
    // the rest as live.
    await events.append('thing-1', [event('Poison')], 'any');
    await appendRound(events, 3, 5);
    const [liveParked, sideParked] = [
      await run(events, new InMemoryReadModels()),
      await run(events, new InMemoryReadModels(), { sideCopy: true }),
    ];
    expect(sideParked.contents).toEqual(liveParked.contents);
    expect(sideParked.parked).toEqual(liveParked.parked);
    expect(sideParked.parked).toHaveLength(1);
  });

  it("writes a live event's documents without its position; the position goes every hundred events and at stop, and a crash hands the events since again, applied once", async () => {
    const events = new InMemoryEventStore();
    const shared = new InMemoryReadModels();
    const checkpoints: number[] = [];
    const watched = new Proxy(shared, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'applyBatch')
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        return (updates: Parameters<ReadModelStore['applyBatch']>[0]) => {
          checkpoints.push(
            ...updates
              .filter((update) => update.collection === 'consumer_checkpoints')
              .map((update) => update.position),
          );
          return target.applyBatch(updates);
        };
      },
    });
    const first = new ProjectionRunner(events, watched);
    await first.start(counting);
    // One event at a time, each written before the next: 150 runs of one event.
    for (let i = 0; i < 150; i++) {
      const { position } = await events.append(`thing-${i % 3}`, [event()], 'any');
      expect(await first.caughtUp(position)).toBe(true);
    }
    expect(checkpoints).toEqual([100]);
    const state = new ConsumerState(shared);
    expect(await state.position(projectionConsumer(counting))).toBe(100);
    // The process dies here (no stop): a new runner handles events 101 to 150 again; they apply
    // once.
    const before = await contents(shared);
    const second = new ProjectionRunner(events, shared);
    await second.start(counting);
    expect(await second.caughtUp(await events.headPosition())).toBe(true);
    expect(await contents(shared)).toEqual(before);
    expect(before['counts_v1']).toEqual(
      [0, 1, 2].map((thing) => expect.objectContaining({ _id: String(thing), n: 50 })),
    );
    await second.stop();
    expect(await state.position(projectionConsumer(counting))).toBe(150);
    await first.stop();
  });

  it('loses nothing and doubles nothing when the process dies part way through writing a batch', async () => {
    // Three rounds of 40 events, each handled as one batch: three collection writes (the checkpoint
    // waits for 100 events), then the checkpoint at stop.
    const rounds = Array.from({ length: 3 }, () =>
      Array.from({ length: 40 }, (_, index) => ({
        streamId: `thing-${index % 4}`,
        event: event(),
      })),
    );
    /**
     * Appends the rounds from `first` on, each once the runner wrote the one before; the rounds
     * appended.
     */
    const run = async (
      events: InMemoryEventStore,
      runner: ProjectionRunner,
      died: Promise<unknown>,
      first = 0,
    ) => {
      for (let round = first; round < rounds.length; round++) {
        for (const { streamId, event } of rounds[round])
          await events.append(streamId, [event], 'any');
        if (
          (await Promise.race([runner.caughtUp(await events.headPosition(), 5_000), died])) ===
          'died'
        )
          return round + 1;
      }
      return rounds.length;
    };
    const baseline = new InMemoryReadModels();
    const cleanEvents = new InMemoryEventStore();
    const cleanWrites = dyingAfter(baseline, Number.MAX_SAFE_INTEGER);
    const clean = new ProjectionRunner(cleanEvents, cleanWrites.store);
    await clean.start(counting);
    await run(cleanEvents, clean, new Promise(() => undefined));
    await clean.stop();
    const expected = await contents(baseline);
    expect(expected['counts_v1']).toEqual(
      [0, 1, 2, 3].map((thing) => expect.objectContaining({ _id: String(thing), n: 30 })),
    );
    expect(cleanWrites.made()).toBe(10);

    for (let writes = 1; writes <= cleanWrites.made(); writes++) {
      const events = new InMemoryEventStore();
      const shared = new InMemoryReadModels();
      const dying = dyingAfter(shared, writes);
      const first = new ProjectionRunner(events, dying.store);
      await first.start(counting);
      const appended = await run(events, first, dying.died);
      await first.stop();
      const second = new ProjectionRunner(events, shared);
      await second.start(counting);
      await run(events, second, new Promise(() => undefined), appended);
      expect(await second.caughtUp(await events.headPosition())).toBe(true);
      await second.stop();
      expect({ writes, died: dying.happened(), ...(await contents(shared)) }).toEqual({
        writes,
        died: true,
        ...expected,
      });
    }
  }, 60_000);
});

/**
 * The store as a process that dies sees it: a batch lands one collection at a time (as on Mongo),
 * and after `writes` collection writes every call fails, ever after.
 */
function dyingAfter(
  inner: ReadModelStore,
  writes: number,
): { store: ReadModelStore; died: Promise<string>; happened: () => boolean; made: () => number } {
  let left = writes;
  let die = () => {};
  const died = new Promise<string>((resolve) => (die = () => resolve('died')));
  const check = () => {
    if (left <= 0) throw new Error('the process died');
  };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'applyBatch')
        return async (updates: Parameters<ReadModelStore['applyBatch']>[0]) => {
          for (const collection of new Set(updates.map((update) => update.collection))) {
            check();
            await inner.applyBatch(updates.filter((update) => update.collection === collection));
            if (--left <= 0) die();
          }
        };
      return async (...args: unknown[]) => {
        check();
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, died, happened: () => left <= 0, made: () => writes - left };
}
