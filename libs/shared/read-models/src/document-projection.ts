import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, Projection, ReadModelStore } from './read-model.port';

export interface DocumentProjection<E, T> {
  name: string;
  version: number;
  collection: string;
  streamPrefixes: readonly string[];
  /** Which document an event updates. */
  idOf(event: E): string;
  /** The document after the event: evolve-style, pure. */
  evolve(current: Doc<T> | undefined, event: E, recorded: RecordedEvent): T;
}

/** A projection that keeps one document per aggregate (or per any id an event names). */
export function documentProjection<E, T>(definition: DocumentProjection<E, T>): Projection {
  return {
    name: definition.name,
    version: definition.version,
    streamPrefixes: definition.streamPrefixes,
    async handle(recorded: RecordedEvent, store: ReadModelStore) {
      const event = recorded as unknown as E;
      await store.apply<T>(definition.collection, definition.idOf(event), recorded.position, (current) => definition.evolve(current, event, recorded));
    },
  };
}
