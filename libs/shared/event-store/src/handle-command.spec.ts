import { ConcurrencyError, type Decider, type DomainEvent } from '@billing/shared/kernel';
import { handleCommand, type CommandContext, type Snapshot } from './handle-command';
import { InMemoryEventStore } from './in-memory.event-store';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from './types';

type Counted = DomainEvent<'Added', { by: number }>;
const counter: Decider<{ add: number }, Counted, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command) => (command.add === 0 ? [] : [{ type: 'Added', data: { by: command.add } }]),
};
const ctx = (commandId: string): CommandContext => ({ tenantId: 't', actor: 'a', correlationId: 'c', commandId, now: new Date('2026-01-01T00:00:00Z') });

describe('handleCommand', () => {
  it('loads, folds, decides and appends with the expected revision', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx('c1'));
    const result = await handleCommand(store, 'counter-1', counter, { add: 3 }, ctx('c2'));
    expect(result).toMatchObject({ state: 5, revision: 1, appended: [{ type: 'Added', data: { by: 3 } }] });
    expect((await store.readStream('counter-1'))[1].metadata).toMatchObject({ causationId: 'c2', actor: 'a', tenantId: 't', correlationId: 'c', schemaVersion: 1 });
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
    racing.append = async (stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> => {
      if (!raced) {
        raced = true;
        await handleCommand(store, stream, counter, { add: 10 }, ctx('other-writer'));
      }
      return store.append(stream, events, expected);
    };
    const result = await handleCommand(racing, 'counter-1', counter, { add: 1 }, ctx('mine'));
    expect(result.state).toBe(11);
    expect((await store.readStream('counter-1')).map((e) => e.metadata.causationId)).toEqual(['other-writer', 'mine']);
  });

  it('gives up with a ConcurrencyError after a bounded number of conflicts', async () => {
    const store = new InMemoryEventStore();
    const alwaysBehind: EventStore = Object.create(store) as EventStore;
    let n = 0;
    alwaysBehind.append = async (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => {
      await handleCommand(store, stream, counter, { add: 1 }, ctx(`other-${n++}`));
      return store.append(stream, events, expected);
    };
    await expect(handleCommand(alwaysBehind, 'counter-1', counter, { add: 1 }, ctx('mine'))).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream('counter-1')).some((e) => e.metadata.causationId === 'mine')).toBe(false);
  });
});

describe('handleCommand across tenants', () => {
  it("treats another tenant's stream as not found and writes nothing", async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c1'));
    await expect(handleCommand(store, 'counter-1', counter, { add: 1 }, { ...ctx('c2'), tenantId: 'other' })).rejects.toThrow('not found');
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });
});

describe('handleCommand with snapshots', () => {
  const snapshotStore = () => {
    const saved = new Map<string, Snapshot>();
    return {
      saved,
      store: { load: async (id: string) => structuredClone(saved.get(id)), save: async (snapshot: Snapshot) => void saved.set(snapshot.streamId, structuredClone(snapshot)) },
    };
  };
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

  it('reads only the events after the last snapshot, however long the stream', async () => {
    const store = reading(new InMemoryEventStore());
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 10 };
    for (let i = 1; i <= 95; i++) await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`), snapshots);
    store.read = 0;
    const result = await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c96'), snapshots);
    expect(result).toMatchObject({ state: 96, revision: 95 });
    expect(store.read).toBeLessThanOrEqual(10);
    expect(snapshots.saved.get('counter-1')).toMatchObject({ version: 'counter.v1', tenantId: 't' });
  });

  it('still appends nothing for a command folded into the snapshot', async () => {
    const store = new InMemoryEventStore();
    const snapshots = { ...snapshotStore(), version: 'counter.v1', every: 2 };
    for (let i = 1; i <= 5; i++) await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx(`c${i}`), snapshots);
    expect(snapshots.saved.get('counter-1')!.revision).toBeGreaterThanOrEqual(1);
    const again = await handleCommand(store, 'counter-1', counter, { add: 1 }, ctx('c1'), snapshots);
    expect(again).toMatchObject({ state: 5, appended: [] });
    expect(await store.readStream('counter-1')).toHaveLength(5);
  });

  it('ignores a snapshot of another fold version, and refuses another tenant', async () => {
    const store = new InMemoryEventStore();
    const old = { ...snapshotStore(), version: 'counter.v1', every: 1 };
    for (let i = 1; i <= 3; i++) await handleCommand(store, 'counter-1', counter, { add: 2 }, ctx(`c${i}`), old);
    old.saved.get('counter-1')!.state = 1_000;
    expect(await handleCommand(store, 'counter-1', counter, { add: 0 }, ctx('x'), { ...old, version: 'counter.v2' })).toMatchObject({ state: 6 });
    await expect(handleCommand(store, 'counter-1', counter, { add: 1 }, { ...ctx('y'), tenantId: 'other' }, old)).rejects.toThrow('not found');
  });
});
