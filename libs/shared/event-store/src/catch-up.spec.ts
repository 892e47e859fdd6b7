import { randomUUID } from 'node:crypto';
import { catchUp } from './catch-up';
import { InMemoryEventStore } from './in-memory.event-store';
import type { NewEvent, ReadAllOptions, RecordedEvent } from './types';

const event = (): NewEvent => ({
  id: randomUUID(),
  type: 'Happened',
  data: {},
  metadata: { tenantId: 't', correlationId: 'c', causationId: 'c', actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
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
        appended: () => new Promise((resolve) => setTimeout(resolve, 5)),
      },
      { fromPosition: 0, streamPrefixes: ['mine-'] },
      async (delivered) => void seen.push(delivered),
    );
    let head = mine;
    for (let i = 0; i < 20; i++) head = (await store.append(`other-${i}`, [event()], 'no_stream')).position;
    // A few reads find nothing of its streams, then one of its events comes.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { position: next } = await store.append('mine-2', [event()], 'no_stream');
    const until = Date.now() + 5_000;
    while (seen.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([mine, next]);
    expect(subscription.position).toBe(next);
    // Every read after the first starts where the one before it read to: the twenty others' events are read once at most.
    for (let i = 1; i < reads.length; i++) expect(reads[i].fromPosition).toBe(Math.max(reads[i - 1].toPosition!, reads[i - 1].fromPosition!));
    expect(reads.at(-1)!.fromPosition).toBeGreaterThanOrEqual(head);
  });
});
