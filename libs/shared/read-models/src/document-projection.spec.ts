import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { documentProjection } from './document-projection';
import { InMemoryReadModels } from './in-memory.read-models';
import { ProjectionRunner } from './projection-runner';
import type { Update } from './read-model.port';

type Moved = { thingId: string; to: string };

const moves = documentProjection<Moved, { at: string; moves: number }>({
  name: 'moves',
  version: 1,
  collection: 'things_v1',
  streamPrefixes: ['thing-'],
  decode: (recorded) => recorded.data as Moved,
  idOf: (event) => event.thingId,
  evolve: (current, event) => ({ at: event.to, moves: (current?.moves ?? 0) + 1 }),
});

const moved = (thingId: string, to: string): NewEvent => ({
  id: randomUUID(),
  type: 'Moved',
  data: { thingId, to },
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: randomUUID(),
    actor: 'a',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});

/** The updates that reach the store, as its batches write them. */
class Recording extends InMemoryReadModels {
  readonly written: Update[] = [];

  override async applyBatch(updates: readonly Update[]): Promise<void> {
    this.written.push(...updates);
    return super.applyBatch(updates);
  }
}

describe('documentProjection', () => {
  it("marks only the first event of the document's own stream as fresh (written without a read)", async () => {
    const events = new InMemoryEventStore();
    const store = new Recording();
    await events.append('thing-a', [moved('a', 'yard'), moved('a', 'shed')], 'no_stream');
    // Another stream's first event naming thing a: its document is not that stream's own.
    const { position } = await events.append('thing-b', [moved('a', 'barn')], 'no_stream');
    const runner = new ProjectionRunner(events, store);
    await runner.start(moves);
    expect(await runner.caughtUp(position)).toBe(true);
    await runner.stop();
    const fresh = store.written
      .filter((update) => update.collection === 'things_v1')
      .map((update) => update.fresh);
    expect(fresh).toEqual([true, false, false]);
    expect(await store.get('things_v1', 'a')).toMatchObject({ at: 'barn', moves: 3, _tenant: 't' });
  });
});
