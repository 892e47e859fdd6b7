import type { EventStore, RecordedEvent } from '@billing/shared/event-store';
import type { Projection, TenantReadModels } from '@billing/shared/read-models';
import type { HistoryPage } from './history';

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
 * Audit: every event of every stream, indexed by its tenant's flow (correlation id) and by when it
 * was recorded, so a flow or a time range reads its own events, never the whole log (ADR 19). It
 * holds where each event is, not the event: a page reads the events from the store.
 */
export const auditIndexProjection: Projection = {
  name: 'audit-index',
  version: 1,
  streamPrefixes: [],
  collections: [AUDIT_INDEX],
  indexes: [
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

/** What the index finds: the events of a flow, or those recorded from `from` (included) to `to`. */
export type IndexedScope =
  { kind: 'correlation'; correlationId: string } | { kind: 'range'; from?: Date; to?: Date };

/**
 * One page of a flow (commit order) or a time range (by recorded time, then commit order), and how
 * many events it has in all: found through the index, read from the store.
 */
export async function indexedHistoryPage(
  store: EventStore,
  readModels: TenantReadModels,
  scope: IndexedScope,
  { offset = 0, limit = 100 }: { offset?: number; limit?: number },
): Promise<HistoryPage> {
  const [query, sort] =
    scope.kind === 'correlation'
      ? [{ correlationId: scope.correlationId }, { position: 1 } as const]
      : [recordedWithin(scope), { recordedAt: 1, position: 1 } as const];
  const [total, entries] = await Promise.all([
    readModels.count(AUDIT_INDEX, query),
    readModels.find<AuditIndexEntry>(AUDIT_INDEX, query, { sort, skip: offset, limit }),
  ]);
  return { total, events: await Promise.all(entries.map((entry) => eventAt(store, entry))) };
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

async function eventAt(
  store: EventStore,
  { streamId, revision }: AuditIndexEntry,
): Promise<RecordedEvent> {
  const [event] = await store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
  if (event?.revision !== revision)
    throw new Error(
      `the audit index names event ${revision} of ${streamId}, which the store does not hold`,
    );
  return event;
}
