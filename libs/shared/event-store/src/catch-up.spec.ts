import { randomUUID } from 'node:crypto';
import { catchUp } from './catch-up';
import { InMemoryEventStore } from './in-memory.event-store';
import { AppendSignal } from './signal';
import type { NewEvent, ReadAllOptions, RecordedEvent } from './types';

const event = (): NewEvent => ({
  id: randomUUID(),
  type: 'Happened',
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

describe('catchUp', () => {
  it('reads past other streams once: after an append elsewhere it reads from the head it saw, not from its last event', async () => {
    const store = new InMemoryEventStore();
    const { position: mine } = await store.append('mine-1', [event()], 'no_stream');
    const reads: ReadAllOptions[] = [];
    const seen: RecordedEvent[] = [];
    const subscription = catchUp(
      {
        readAll: (options) => (reads.push({ ...options }), store.readAll(options)),
        headPosition: () => store.headPosition(),
        // No notices: as with writers in other processes, it reads at every wake.
        signal: new AppendSignal(5),
      },
      { fromPosition: 0, streamPrefixes: ['mine-'] },
      async (delivered) => void seen.push(delivered),
    );
    let head = mine;
    for (let i = 0; i < 20; i++)
      head = (await store.append(`other-${i}`, [event()], 'no_stream')).position;
    // A few reads find nothing of its streams, then one of its events comes.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { position: next } = await store.append('mine-2', [event()], 'no_stream');
    const until = Date.now() + 5_000;
    while (seen.length < 2 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([mine, next]);
    expect(subscription.position).toBe(next);
    // Every read after the first starts where the one before it read to: the twenty others' events
    // are read once at most.
    for (let i = 1; i < reads.length; i++)
      expect(reads[i].fromPosition).toBe(
        Math.max(reads[i - 1].toPosition!, reads[i - 1].fromPosition!),
      );
    expect(reads.at(-1)!.fromPosition).toBeGreaterThanOrEqual(head);
  });

  it('reads nothing when the append that woke it wrote only other streams right after what it read', async () => {
    const store = new InMemoryEventStore();
    const seen: RecordedEvent[] = [];
    const reads = jest.spyOn(store, 'readAll');
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: ['mine-'] },
      async (delivered) => void seen.push(delivered),
    );
    const { position: mine } = await store.append('mine-1', [event()], 'no_stream');
    await waitFor(() => seen.length === 1);
    const readsBefore = reads.mock.calls.length;
    for (let i = 0; i < 20; i++) {
      await store.append(`other-${i}`, [event()], 'no_stream');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reads.mock.calls.length).toBe(readsBefore);
    const { position: next } = await store.append('mine-2', [event()], 'no_stream');
    await waitFor(() => seen.length === 2);
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([mine, next]);
    expect(reads.mock.calls.at(-1)![0]).toMatchObject({ fromPosition: next - 1, toPosition: next });
  });

  it('misses no commit that comes while it delivers, though the first of them is of other streams (no poll to fall back on)', async () => {
    const store = new InMemoryEventStore();
    const seen: string[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: ['mine-'] },
      async (delivered) => {
        seen.push(delivered.streamId);
        if (delivered.streamId !== 'mine-1') return;
        await store.append('other-1', [event()], 'no_stream');
        await store.append('mine-2', [event()], 'no_stream');
      },
    );
    await store.append('mine-1', [event()], 'no_stream');
    await waitFor(() => seen.length === 2);
    await subscription.stop();
    expect(seen).toEqual(['mine-1', 'mine-2']);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  const until = Date.now() + 5_000;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}
