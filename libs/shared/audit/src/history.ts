import type { EventStore, RecordedEvent } from '@billing/shared/event-store';
import { contractsOf, contractStreams, NAMING_CATEGORIES } from './contract-flow';

/**
 * What an auditor asks the history of. A range is of recorded instants, `from` included and `to`
 * not.
 */
export type HistoryScope =
  | { kind: 'stream'; streamId: string }
  | { kind: 'contract'; contractId: string }
  | { kind: 'correlation'; correlationId: string }
  | { kind: 'range'; from?: Date; to?: Date };

export interface HistoryOptions {
  /** Only this tenant's events (metadata.tenantId). */
  tenantId?: string;
  /** While `$all` is read: the position reached and the head. */
  onProgress?: (position: number, head: number) => void;
}

const PAGE = 1000;

/**
 * Every event in scope, in commit order. A stream is read by itself; a contract's flow is its own
 * streams plus the account and numbering events that name it; a correlation id or a time range
 * reads the whole of `$all` (no index: the cost grows with the store, see ADR 19).
 */
export async function* history(
  store: EventStore,
  scope: HistoryScope,
  options: HistoryOptions = {},
): AsyncGenerator<RecordedEvent> {
  for await (const event of inScope(store, scope, options.onProgress))
    if (options.tenantId === undefined || event.metadata?.tenantId === options.tenantId)
      yield event;
}

function inScope(
  store: EventStore,
  scope: HistoryScope,
  onProgress: HistoryOptions['onProgress'],
): AsyncGenerator<RecordedEvent> {
  switch (scope.kind) {
    case 'stream':
      return streamEvents(store, scope.streamId);
    case 'contract':
      return contractFlow(store, scope.contractId, onProgress);
    case 'correlation':
      return filtered(
        allEvents(store, undefined, onProgress),
        (event) => event.metadata?.correlationId === scope.correlationId,
      );
    case 'range': {
      const [from, to] = [scope.from?.getTime() ?? -Infinity, scope.to?.getTime() ?? Infinity];
      return filtered(
        allEvents(store, undefined, onProgress),
        (event) => Date.parse(event.recordedAt) >= from && Date.parse(event.recordedAt) < to,
      );
    }
  }
}

export async function* streamEvents(
  store: EventStore,
  streamId: string,
): AsyncGenerator<RecordedEvent> {
  for (let from = 0; ;) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    from = page[page.length - 1].revision + 1;
  }
}

/** `$all` (of the streams with these prefixes), page by page, reporting the position reached. */
export async function* allEvents(
  store: EventStore,
  streamPrefixes?: readonly string[],
  onProgress?: HistoryOptions['onProgress'],
): AsyncGenerator<RecordedEvent> {
  const head = await store.headPosition();
  for (let from = 0; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE, streamPrefixes });
    yield* page;
    onProgress?.(page.length < PAGE ? head : page[page.length - 1].position, head);
    if (page.length < PAGE) return;
    from = page[page.length - 1].position;
  }
}

async function* contractFlow(
  store: EventStore,
  contractId: string,
  onProgress: HistoryOptions['onProgress'],
): AsyncGenerator<RecordedEvent> {
  const events: RecordedEvent[] = [];
  for (const streamId of contractStreams(contractId))
    for await (const event of streamEvents(store, streamId)) events.push(event);
  for await (const event of allEvents(store, NAMING_CATEGORIES, onProgress))
    if (contractsOf(event).includes(contractId)) events.push(event);
  yield* events.sort((a, b) => a.position - b.position);
}

async function* filtered(
  events: AsyncGenerator<RecordedEvent>,
  keep: (event: RecordedEvent) => boolean,
): AsyncGenerator<RecordedEvent> {
  for await (const event of events) if (keep(event)) yield event;
}
