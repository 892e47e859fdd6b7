import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, Projection, ReadModelStore } from './read-model.port';

export interface DocumentProjection<E, T> {
  name: string;
  version: number;
  collection: string;
  streamPrefixes: readonly string[];
  indexes?: Record<string, 1 | -1>[];
  /**
   * Checks and types a stored event (its type's schema); throws on one the projection cannot read.
   */
  decode(recorded: RecordedEvent): E;
  /** Which document an event updates. */
  idOf(event: E, recorded: RecordedEvent): string;
  /** The document after the event: evolve-style, pure. */
  evolve(current: Doc<T> | undefined, event: E, recorded: RecordedEvent): T;
}

/** A projection that keeps one document per aggregate (or per any id an event names). */
export function documentProjection<E, T>(definition: DocumentProjection<E, T>): Projection {
  return {
    name: definition.name,
    version: definition.version,
    streamPrefixes: definition.streamPrefixes,
    collections: [definition.collection],
    indexes: (definition.indexes ?? []).map((fields) => ({
      collection: definition.collection,
      fields,
    })),
    async handle(recorded: RecordedEvent, store: ReadModelStore) {
      const event = definition.decode(recorded);
      const id = definition.idOf(event, recorded);
      // The first event of the aggregate whose document this is: there is nothing to read yet.
      const fresh =
        recorded.revision === 0 &&
        id === aggregateIdOf(recorded.streamId, definition.streamPrefixes);
      await store.apply<T>(
        definition.collection,
        id,
        recorded.position,
        (current) => definition.evolve(current, event, recorded),
        { fresh },
      );
    },
    affected: (recorded) => [
      {
        collection: definition.collection,
        id: aggregateIdOf(recorded.streamId, definition.streamPrefixes),
      },
    ],
  };
}

/** `contract-<id>` -> `<id>`: the document an unreadable event would have changed. */
export function aggregateIdOf(streamId: string, prefixes: readonly string[]): string {
  const prefix = prefixes.find((candidate) => streamId.startsWith(candidate)) ?? '';
  return streamId.slice(prefix.length);
}
