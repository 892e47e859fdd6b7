import { ConcurrencyError, type Decider, type DomainEvent } from '@billing/shared/kernel';
import { handleCommand, type CommandContext, type Snapshot } from './handle-command';
import { InMemoryEventStore } from './in-memory.event-store';
import {
  IdempotencyKeyReused,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from './types';

type Counted = DomainEvent<'Added', { by: number }>;
const counter: Decider<{ add: number }, Counted, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command) => (command.add === 0 ? [] : [{ type: 'Added', data: { by: command.add } }]),
};
const ctx = (commandId: string): CommandContext => ({
  tenantId: 't',
  actor: 'a',
  correlationId: 'c',
  commandId,
  now: new Date('2026-01-01T00:00:00Z'),
});

/**
 * The same store as a process that has kept no state sees it (one just started): what it reads
 * comes from the snapshot and the store.
 */
const restarted = <T extends EventStore>(store: T): T => Object.create(store) as T;

/**
 * Another object for the same store that counts the events it reads: what one process keeps, the
 * other does not see.
 */
const reading = (store: InMemoryEventStore) => {
  const counted = Object.create(store) as EventStore & { read: number };
  counted.read = 0;
  counted.readStream = async (...args: Parameters<EventStore['readStream']>) => {
    const events = await store.readStream(...args);
    counted.read += events.length;
    return events;
  };
  return counted;
};

describe('handleCommand', () => {
  it('loads, folds, decides and appends with the expected revision', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx('c1'));
    const result = await handleCommand(store, 'counter-1', counter, { add: 3 }, ctx('c2'));
    expect(result).toMatchObject({
      state: 5,
      revision: 1,
      appended: [{ type: 'Added', data: { by: 3 } }],
    });
    expect((await store.readStream('counter-1'))[1].metadata).toMatchObject({
      causationId: 'c2',
      actor: 'a',
      tenantId: 't',
      correlationId: 'c',
      schemaVersion: 1,
    });
  });

  it('appends nothing for a command id it has already handled (a retry whose answer was lost)', async () => {
    const store = new InMemoryEventStore();
    const first = await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx('same'));
    const again = await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx('same'));
    expect(again).toMatchObject({ state: 2, appended: [], revision: first.revision });
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });

  it('starts over when another writer got there first', async () => {
    const store = new InMemoryEventStore();
    let raced = false;
    const racing: EventStore = Object.create(store) as EventStore;
    racing.append = async (
      stream: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
    ): Promise<AppendResult> => {
      if (!raced) {
        raced = true;
        await handleCommand(store, stream, counter, { add: 10 }, ctx('other-writer'));
      }
      return store.append(stream, events, expected);
    };
    const result = await handleCommand(racing, 'counter-1', counter, { add: 1 }, ctx('mine'));
    expect(result.state).toBe(11);
    expect((await store.readStream('counter-1')).map((e) => e.metadata.causationId)).toEqual([
      'other-writer',
      'mine',
    ]);
  });

  it('gives up with a ConcurrencyError after a bounded number of conflicts', async () => {
    const store = new InMemoryEventStore();
    const alwaysBehind: EventStore = Object.create(store) as EventStore;
    let n = 0;
    alwaysBehind.append = async (
      stream: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
    ) => {
      await handleCommand(store, stream, counter, { add: 1 }, ctx(`other-${n++}`));
      return store.append(stream, events, expected);
    };
    await expect(
      handleCommand(alwaysBehind, 'counter-1', counter, { add: 1 }, ctx('mine')),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(
      (await store.readStream('counter-1')).some((e) => e.metadata.causationId === 'mine'),
    ).toBe(false);
  });
});

describe('handleCommand under an Idempotency-Key', () => {
  it('finds its command done for the same request (a retry) and refuses another request under the same key, in any process', async () => {
    const store = new InMemoryEventStore();
    const keyed = (request: string, actor = 'a') => ({ ...ctx('key-1'), request, actor });
    await handleCommand(store, 'counter-1', counter, { add: 100 }, keyed('pay 100'));
    // Another process (no kept state) running another request under the key: it would answer for
    // events it did not write.
    await expect(
      handleCommand(restarted(store), 'counter-1', counter, { add: 101 }, keyed('pay 101')),
    ).rejects.toThrow(IdempotencyKeyReused);
    await expect(
      handleCommand(restarted(store), 'counter-1', counter, { add: 100 }, keyed('pay 100', 'b')),
    ).rejects.toThrow(IdempotencyKeyReused);
    expect(
      await handleCommand(restarted(store), 'counter-1', counter, { add: 100 }, keyed('pay 100')),
    ).toMatchObject({ state: 100, appended: [] });
    // Events written before requests were recorded on them: a retry is taken as the same request.
    await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('key-2'));
    expect(
      await handleCommand(
        restarted(store),
        'counter-1',
        counter,
        { add: 1 },
        {
          ...ctx('key-2'),
          request: 'any',
        },
      ),
    ).toMatchObject({ state: 101, appended: [] });
    expect(await store.readStream('counter-1')).toHaveLength(2);
    // Events an earlier release wrote carry the request as it hashed it (the path as sent): a
    // retry names that one too.
    const earlier = { ...ctx('key-3'), request: 'POST /Counter/', actor: 'a' };
    await handleCommand(store, 'counter-1', counter, { add: 2 }, earlier);
    expect(
      await handleCommand(
        restarted(store),
        'counter-1',
        counter,
        { add: 2 },
        { ...earlier, request: 'POST /counter', requestAsSent: 'POST /Counter/' },
      ),
    ).toMatchObject({ state: 103, appended: [] });
  });
});

describe('handleCommand across tenants', () => {
  it("treats another tenant's stream as not found and writes nothing", async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c1'));
    await expect(
      handleCommand(store, 'counter-1', counter, { add: 1 }, { ...ctx('c2'), tenantId: 'other' }),
    ).rejects.toThrow('not found');
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });
});

describe('handleCommand with snapshots', () => {
  const snapshotStore = () => {
    const saved = new Map<string, Snapshot>();
    return {
      saved,
      store: {
        load: async (id: string) => structuredClone(saved.get(id)),
        save: async (snapshot: Snapshot) =>
          void saved.set(snapshot.streamId, structuredClone(snapshot)),
      },
    };
  };

  it('reads only the events after the last snapshot, however long the stream', async () => {
    const store = reading(new InMemoryEventStore());
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 10 };
    for (let i = 1; i <= 95; i++)
      await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`), snapshots);
    store.read = 0;
    const result = await handleCommand(
      restarted(store),
      'counter-1',
      counter,
      { add: 1 },
      ctx('c96'),
      snapshots,
    );
    expect(result).toMatchObject({ state: 96, revision: 95 });
    expect(store.read).toBeLessThanOrEqual(10);
    expect(snapshots.saved.get('counter-1')).toMatchObject({
      version: 'counter.v1',
      tenantId: 't',
    });
  });

  it('answers a committed command when its snapshot cannot be written, and reads the stream when none can be read: a snapshot is a cache', async () => {
    const store = new InMemoryEventStore();
    const down = new Error('read models unavailable');
    const broken = {
      version: 'counter.v1',
      every: 2,
      store: { load: () => Promise.reject(down), save: () => Promise.reject(down) },
    };
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (let i = 1; i <= 3; i++)
        expect(
          await handleCommand(
            restarted(store),
            'counter-1',
            counter,
            { add: 1 },
            ctx(`c${i}`),
            broken,
          ),
        ).toMatchObject({ state: i, revision: i - 1 });
    } finally {
      warned.mockRestore();
    }
    expect(await store.readStream('counter-1')).toHaveLength(3);
  });

  it('reads the snapshot and the stream at the same time, not one after the other', async () => {
    const store = new InMemoryEventStore();
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 10 };
    await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c1'), snapshots);
    let loading = false;
    const overlapped: boolean[] = [];
    const watched = restarted(store);
    watched.readStream = async (...args: Parameters<EventStore['readStream']>) => (
      overlapped.push(loading),
      store.readStream(...args)
    );
    const load = async (id: string) => {
      loading = true;
      await new Promise((resolve) => setImmediate(resolve));
      loading = false;
      return snapshots.store.load(id);
    };
    const result = await handleCommand(watched, 'counter-1', counter, { add: 1 }, ctx('c2'), {
      ...snapshots,
      store: { ...snapshots.store, load },
    });
    expect(result).toMatchObject({ state: 2, revision: 1 });
    expect(overlapped).toEqual([true]);
  });

  it('reads the events between a snapshot left behind and the newest ones', async () => {
    const store = reading(new InMemoryEventStore());
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 3 };
    for (let i = 1; i <= 4; i++)
      await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`), snapshots);
    // Written without snapshots (as another fold version would): the snapshot falls behind.
    for (let i = 5; i <= 12; i++)
      await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`));
    const behind = snapshots.saved.get('counter-1')!.revision;
    store.read = 0;
    const result = await handleCommand(
      restarted(store),
      'counter-1',
      counter,
      { add: 1 },
      ctx('c13'),
      snapshots,
    );
    expect(result).toMatchObject({ state: 13, revision: 12 });
    expect(store.read).toBe(11 - behind);
    const again = await handleCommand(
      restarted(store),
      'counter-1',
      counter,
      { add: 1 },
      ctx('c6'),
      snapshots,
    );
    expect(again).toMatchObject({ state: 13, appended: [] });
  });

  it('still appends nothing for a command folded into the snapshot', async () => {
    const store = new InMemoryEventStore();
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 2 };
    for (let i = 1; i <= 5; i++)
      await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`), snapshots);
    expect(snapshots.saved.get('counter-1')!.revision).toBeGreaterThanOrEqual(1);
    const again = await handleCommand(
      restarted(store),
      'counter-1',
      counter,
      { add: 1 },
      ctx('c1'),
      snapshots,
    );
    expect(again).toMatchObject({ state: 5, appended: [] });
    expect(await store.readStream('counter-1')).toHaveLength(5);
  });

  it('ignores a snapshot of another fold version, and refuses another tenant', async () => {
    const store = new InMemoryEventStore();
    const old = { ...snapshotStore(), version: 'counter.v1', every: 1 };
    for (let i = 1; i <= 3; i++)
      await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx(`c${i}`), old);
    old.saved.get('counter-1')!.state = 1_000;
    expect(
      await handleCommand(restarted(store), 'counter-1', counter, { add: 0 }, ctx('x'), {
        ...old,
        version: 'counter.v2',
      }),
    ).toMatchObject({ state: 6 });
    await expect(
      handleCommand(
        restarted(store),
        'counter-1',
        counter,
        { add: 1 },
        { ...ctx('y'), tenantId: 'other' },
        old,
      ),
    ).rejects.toThrow('not found');
    await expect(
      handleCommand(
        store,
        'counter-1',
        counter,
        { add: 1 },
        { ...ctx('y'), tenantId: 'other' },
        old,
      ),
    ).rejects.toThrow('not found');
  });
});

describe('handleCommand keeps the state it decided on', () => {
  const counting = () => {
    const store = new InMemoryEventStore();
    return { store, counted: reading(store) };
  };

  it('reads only the events after it: none for its own appends, those of another writer when there are', async () => {
    const { store, counted } = counting();
    for (let i = 1; i <= 20; i++)
      await handleCommand(counted, 'counter-1', counter, { add: 1 }, ctx(`c${i}`));
    // 20 commands: the first read nothing (no stream), each later one read no event at all, not the
    // 1 + 2 + ... before it.
    expect(counted.read).toBe(0);
    await handleCommand(store, 'counter-1', counter, { add: 100 }, ctx('another-process'));
    const result = await handleCommand(counted, 'counter-1', counter, { add: 1 }, ctx('c21'));
    expect(result).toMatchObject({ state: 121, revision: 21 });
    expect(counted.read).toBe(1);
    // The ids of the commands it kept still make a retry append nothing.
    expect(await handleCommand(counted, 'counter-1', counter, { add: 1 }, ctx('c3'))).toMatchObject(
      { state: 121, appended: [] },
    );
    expect(
      await handleCommand(counted, 'counter-1', counter, { add: 1 }, ctx('another-process')),
    ).toMatchObject({ state: 121, appended: [] });
  });

  it('forgets it after a conflict and reads the stream again', async () => {
    let backend = new InMemoryEventStore();
    const store = {
      readStream: (...args: Parameters<EventStore['readStream']>) => backend.readStream(...args),
      append: (...args: Parameters<EventStore['append']>) => backend.append(...args),
    } as EventStore;
    await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c1'));
    // The same store, restored from a backup taken before that event: the kept state is ahead of
    // it.
    backend = new InMemoryEventStore();
    await expect(
      handleCommand(store, 'counter-1', counter, { add: 5 }, ctx('c2')),
    ).resolves.toMatchObject({ state: 5, revision: 0 });
    expect(
      (await backend.readStream('counter-1')).map((event) => event.metadata.causationId),
    ).toEqual(['c2']);
  });

  it('is frozen: a fold that changes the state it is given throws instead of changing what later commands decide on', async () => {
    type Listed = DomainEvent<'Listed', { item: string }>;
    const careless: Decider<{ item: string }, Listed, { items: string[] }> = {
      initialState: { items: [] },
      evolve: (state, event) => (state.items.push(event.data.item), state),
      decide: (command) => [{ type: 'Listed', data: command }],
    };
    const store = new InMemoryEventStore();
    await handleCommand(store, 'list-1', careless, { item: 'a' }, ctx('c1'));
    await expect(
      handleCommand(store, 'list-1', careless, { item: 'b' }, ctx('c2')),
    ).rejects.toThrow(TypeError);
  });
});

describe('handleCommand on a long stream', () => {
  /** Every snapshot saved, the last one loaded. */
  const keptSnapshots = (every?: number) => {
    const saved: Snapshot[] = [];
    const store = {
      load: async () => structuredClone(saved.at(-1)),
      save: async (snapshot: Snapshot) => void saved.push(structuredClone(snapshot)),
    };
    const snapshots = { store, version: 'counter.v1', every };
    /** One more command on the counter, with these snapshots. */
    const addOne = (on: EventStore, commandId: string) =>
      handleCommand(on, 'counter-1', counter, { add: 1 }, ctx(commandId), snapshots);
    return { saved, snapshots, addOne };
  };

  /** Every value put into a Set while `run` runs (copying a set puts each of its values again). */
  const setAdds = async (run: () => Promise<unknown>): Promise<number> => {
    const add = jest.spyOn(Set.prototype, 'add');
    try {
      await run();
      return add.mock.calls.length;
    } finally {
      add.mockRestore();
    }
  };

  it('costs a command the same however many commands wrote the stream: their ids are not copied', async () => {
    const store = new InMemoryEventStore();
    const commands = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++)
        await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`));
    };
    await commands(0, 100);
    const early = await setAdds(() => commands(100, 64));
    await commands(164, 2_000);
    const late = await setAdds(() => commands(2_164, 64));
    // 64 commands: each id once, and once more when the newest ids join the older ones (they copy
    // the older ids then: that copy, once every 64 commands, is the only one that grows).
    expect(early).toBeLessThan(400);
    expect(late).toBeLessThan(2_500);
    expect(late).toBeLessThan(2_200 + early);
    // Still every one of them: a retry of the very first appends nothing.
    await expect(
      handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c0')),
    ).resolves.toMatchObject({ appended: [], state: 2_228 });
  });

  it("reads only the other writer's events after a conflict, not the stream from its snapshot", async () => {
    const backend = new InMemoryEventStore();
    const { addOne } = keptSnapshots();
    const mine = reading(backend);
    for (let i = 0; i < 2_000; i++) await addOne(mine, `c${i}`);
    // Another process appends to the stream just before this one does: this one's append fails.
    let raced = false;
    mine.append = async (stream, events, expected) => {
      if (!raced) {
        raced = true;
        await handleCommand(backend, stream, counter, { add: 10 }, ctx('other-process'));
      }
      return backend.append(stream, events, expected);
    };
    mine.read = 0;
    expect(await addOne(mine, 'mine')).toMatchObject({ state: 2_011, revision: 2_001 });
    expect(mine.read).toBe(1);
  });

  it('takes its snapshots further apart as the stream grows, at most a tenth of it behind', async () => {
    const store = reading(new InMemoryEventStore());
    const { saved, addOne } = keptSnapshots(10);
    for (let i = 0; i < 2_000; i++) await addOne(store, `c${i}`);
    const revisions = saved.map((snapshot) => snapshot.revision);
    // Every 10 events while the stream is short; then a tenth of the stream apart (each snapshot
    // writes the whole state, which grows with some streams).
    expect(revisions.slice(0, 10)).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
    expect(revisions.length).toBeLessThan(50);
    revisions.forEach((revision, index) =>
      expect(revision - (revisions[index - 1] ?? -1)).toBeLessThanOrEqual(
        Math.max(10, Math.ceil((revision + 1) / 10)),
      ),
    );
    store.read = 0;
    expect(await addOne(restarted(store), 'after-a-restart')).toMatchObject({ state: 2_001 });
    expect(store.read).toBeLessThanOrEqual(200);
  });
});
