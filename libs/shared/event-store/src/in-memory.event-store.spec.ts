import { eventStoreConformance, oneByteChanged } from '@billing/shared/testing';
import { InMemoryEventStore } from './in-memory.event-store';
import type { EventStore, RecordedEvent } from './types';

/**
 * The stored event object itself (the store hands out copies): what a bug or a debugger could
 * change.
 */
async function tamper(store: EventStore, streamId: string, revision: number) {
  const stored = (store as unknown as { streams: Map<string, RecordedEvent[]> }).streams.get(
    streamId,
  )![revision];
  stored.data = JSON.parse(oneByteChanged(JSON.stringify(stored.data)));
}

eventStoreConformance('in-memory', async () => new InMemoryEventStore(), tamper);

describe('catch-up subscription failures', () => {
  it('retries a failing handler on the same event, then goes on in order', async () => {
    const store = new InMemoryEventStore();
    const meta = {
      tenantId: 't',
      correlationId: 'c',
      causationId: 'x',
      actor: 'a',
      occurredAt: 'now',
      schemaVersion: 1,
    };
    await store.append(
      's-1',
      [1, 2, 3].map((n) => ({
        id: `00000000-0000-4000-8000-00000000000${n}`,
        type: 'N',
        data: { n },
        metadata: meta,
      })),
      'no_stream',
    );
    const seen: number[] = [];
    let failures = 0;
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: 0 },
      async (event) => {
        const n = (event.data as { n: number }).n;
        if (n === 2 && failures++ === 0) throw new Error('read model down');
        seen.push(n);
      },
      (error) => errors.push(error),
    );
    const deadline = Date.now() + 5_000;
    while (seen.length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.stop();
    expect(seen).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(1);
  });
});
