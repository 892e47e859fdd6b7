import type { EventStore, Subscription } from '@billing/shared/event-store';
import type { Projection, ReadModelStore } from './read-model.port';
import { stampedWith } from './tenant';

/**
 * Runs projections from the event store. The in-memory store starts empty, so every boot replays
 * from position 0: a rebuild from zero is the normal start, and it must equal the live state.
 */
export class ProjectionRunner {
  private readonly subscriptions = new Map<string, { subscription: Subscription; projection: Projection }>();

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
  ) {}

  start(projection: Projection, fromPosition = 0): void {
    const subscription = this.store.subscribeToAll({ fromPosition, streamPrefixes: projection.streamPrefixes }, (event) =>
      projection.handle(event, stampedWith(this.readModels, event.metadata.tenantId)),
    );
    this.subscriptions.set(projection.name, { subscription, projection });
  }

  /**
   * True once every projection has applied everything up to `position` that it reads; false if
   * that takes longer than `timeoutMs` (a projection failing and retrying, or far behind).
   */
  async caughtUp(position: number, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const { subscription, projection } of this.subscriptions.values()) {
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
    await Promise.all([...this.subscriptions.values()].map(({ subscription }) => subscription.stop()));
    this.subscriptions.clear();
  }
}
