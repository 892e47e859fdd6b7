import type { EventStore, Subscription } from '@billing/shared/event-store';
import { ConsumerState, startConsumer, type ParkedEvent } from './consumer';
import type { Projection, ReadModelStore } from './read-model.port';
import { stampedWith } from './tenant';

/**
 * Runs projections from the event store, each from the position it committed last (boot time
 * does not grow with history). An event a projection keeps failing on is parked, and the
 * documents it should have changed say so (`_parked`), so no figure silently lacks an event.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, { subscription: Subscription; projection: Projection }>();
  readonly state: ConsumerState;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
  ) {
    this.state = new ConsumerState(readModels);
  }

  async start(projection: Projection): Promise<void> {
    for (const index of projection.indexes ?? []) await this.readModels.ensureIndex(index.collection, { _tenant: 1, ...index.fields });
    const subscription = await startConsumer(this.store, this.state, {
      name: projectionConsumer(projection),
      streamPrefixes: projection.streamPrefixes,
      handle: (event) => projection.handle(event, stampedWith(this.readModels, event.metadata.tenantId)),
      onParked: (event, entry) => markParked(projection, event, this.readModels, entry),
    });
    this.running.set(projection.name, { subscription, projection });
  }

  /**
   * True once every projection has handled everything up to `position` that it reads; false if
   * that takes longer than `timeoutMs` (a projection retrying, or far behind).
   */
  async caughtUp(position: number, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const { subscription, projection } of this.running.values()) {
      while (subscription.position < position) {
        const pending = await this.store.readAll({ fromPosition: subscription.position, maxCount: 1, streamPrefixes: projection.streamPrefixes });
        if (pending.length === 0 || pending[0].position > position) break;
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map(({ subscription }) => subscription.stop()));
    this.running.clear();
  }
}

export const projectionConsumer = (projection: Pick<Projection, 'name' | 'version'>) => `projection:${projection.name}@v${projection.version}`;

async function markParked(projection: Projection, event: Parameters<Projection['handle']>[0], readModels: ReadModelStore, entry: ParkedEvent): Promise<void> {
  const mark = { eventId: entry.eventId, position: entry.position, type: entry.type, error: entry.error };
  for (const { collection, id } of projection.affected(event)) {
    await readModels.apply(collection, id, event.position, (current) => ({
      ...(current ?? {}),
      _tenant: event.metadata.tenantId,
      _parked: [...(((current as { _parked?: unknown[] } | undefined)?._parked as unknown[]) ?? []), mark],
    }));
  }
}
