import type { EventStore, RecordedEvent } from '@billing/shared/event-store';
import type { Projection } from '@billing/shared/read-models';

export const AUDIT_INDEX = 'audit_index_v1';

/** Where an event is, and what an auditor finds it by: its flow and when it was recorded. */
export interface AuditIndexEntry {
  streamId: string;
  revision: number;
  position: number;
  recordedAt: string;
  correlationId: string;
}

/**
 * Audit: every event of every stream, indexed by its stream, its flow (correlation id) and when it
 * was recorded, each under its tenant, so a page of a stream, a flow or a time range reads its own
 * events, never the whole log or stream (ADR 19). It holds where each event is, not the event: a
 * page reads the events from the store.
 */
export const auditIndexProjection: Projection = {
  name: 'audit-index',
  version: 1,
  // It follows every stream of every service: a command waits for its own context's read models,
  // and an audit view waits for the index to reach the store's head when it is asked.
  queriesWait: true,
  streamPrefixes: [],
  collections: [AUDIT_INDEX],
  indexes: [
    { collection: AUDIT_INDEX, fields: { streamId: 1, position: 1 } },
    { collection: AUDIT_INDEX, fields: { correlationId: 1, position: 1 } },
    { collection: AUDIT_INDEX, fields: { recordedAt: 1, position: 1 } },
  ],
  async handle({ id, streamId, revision, position, recordedAt, metadata }, store) {
    // One entry per event: written once, so there is nothing to read first.
    await store.apply<AuditIndexEntry>(
      AUDIT_INDEX,
      id,
      position,
      () => ({ streamId, revision, position, recordedAt, correlationId: metadata.correlationId }),
      { fresh: true },
    );
  },
  affected: () => [],
};

/** What the index finds: a stream's events, a flow's, or those recorded from `from` (included) to `to`. */
export type IndexedScope =
  | { kind: 'stream'; streamId: string }
  | { kind: 'correlation'; correlationId: string }
  | { kind: 'range'; from?: Date; to?: Date };

/**
 * The index's query for a scope, and its order: a stream or a flow in commit order, a range by
 * recorded time, then commit order. Each is served by one of the index's indexes, in its order.
 */
export function auditIndexQuery(scope: IndexedScope): {
  query: Record<string, unknown>;
  sort: Record<string, 1>;
} {
  switch (scope.kind) {
    case 'stream':
      return { query: { streamId: scope.streamId }, sort: { position: 1 } };
    case 'correlation':
      return { query: { correlationId: scope.correlationId }, sort: { position: 1 } };
    case 'range':
      return { query: recordedWithin(scope), sort: { recordedAt: 1, position: 1 } };
  }
}

/**
 * The events index entries name, read from the store (the stored event, its hash with it): one
 * read per run of consecutive revisions of a stream (a stream's page is one read).
 */
export async function eventsAt(
  store: EventStore,
  entries: readonly AuditIndexEntry[],
): Promise<RecordedEvent[]> {
  const runs: AuditIndexEntry[][] = [];
  for (const entry of entries) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last?.streamId === entry.streamId && last.revision + 1 === entry.revision)
      run.push(entry);
    else runs.push([entry]);
  }
  const read = await Promise.all(runs.map((run) => eventsOfRun(store, run)));
  return read.flat();
}

async function eventsOfRun(
  store: EventStore,
  run: readonly AuditIndexEntry[],
): Promise<RecordedEvent[]> {
  const [{ streamId, revision }] = run;
  const events = await store.readStream(streamId, { fromRevision: revision, maxCount: run.length });
  const missing = run.find((entry, index) => events[index]?.revision !== entry.revision);
  if (missing)
    throw new Error(
      `the audit index names event ${missing.revision} of ${streamId}, which the store does not hold`,
    );
  return events;
}

/** The instants a recorded time can take as text: years 0000 to 9999. */
const [EARLIEST, LATEST] = ['0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'].map(Date.parse);

function recordedWithin({ from, to }: { from?: Date; to?: Date }): Record<string, unknown> {
  // Recorded instants are toISOString's text, of one width from year 0000 to 9999, so they compare
  // as text; a bound outside those years (an offset can take 0000-01-01 back a year) is moved to
  // their edge, which keeps the same events.
  const text = (date: Date) =>
    new Date(Math.min(Math.max(date.getTime(), EARLIEST), LATEST)).toISOString();
  const recordedAt = {
    ...(from ? { $gte: text(from) } : {}),
    ...(to ? { $lt: text(to) } : {}),
  };
  return Object.keys(recordedAt).length === 0 ? {} : { recordedAt };
}
