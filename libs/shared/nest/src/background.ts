import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore, Subscription } from '@billing/shared/event-store';
import type { Bus, Consumer } from '@billing/shared/bus';
import { ProjectionRunner, type ReadModelStore } from '@billing/shared/read-models';
import { BUS, EVENT_STORE, READ_MODELS, SETTINGS, type Settings } from './tokens';

type IdleAwareBus = Bus & { isIdle?(): boolean };

/** Everything running in the background: relays, projections, consumers. Stopped on shutdown. */
@Injectable()
export class Background implements OnApplicationShutdown {
  private readonly tailing: { subscription: Subscription; streamPrefixes: readonly string[] }[] = [];
  private readonly consumers: Consumer[] = [];
  readonly projections: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BUS) private readonly bus: IdleAwareBus,
    @Inject(READ_MODELS) readModels: ReadModelStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.projections = new ProjectionRunner(store, readModels);
  }

  track(subscription: Subscription, streamPrefixes: readonly string[]): void {
    this.tailing.push({ subscription, streamPrefixes });
  }

  consumer(consumer: Consumer): void {
    this.consumers.push(consumer);
  }

  /** Resolves when every relay and projection has handled the whole store and the bus is empty, twice in a row. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > deadline) throw new Error('the system did not settle in time');
      quiet = (await this.isQuiet()) ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await Promise.all(this.tailing.map(({ subscription }) => subscription.stop()));
    await this.projections.stop();
    if (this.settings.closeAdaptersOnShutdown) await Promise.all([this.bus.close(), this.store.close()]);
  }

  private async isQuiet(): Promise<boolean> {
    if (this.bus.isIdle && !this.bus.isIdle()) return false;
    if (!(await this.projections.caughtUp(await this.store.headPosition(), 1_000))) return false;
    for (const { subscription, streamPrefixes } of this.tailing) {
      const pending = await this.store.readAll({ fromPosition: subscription.position, maxCount: 1, streamPrefixes });
      if (pending.length > 0) return false;
    }
    return !this.bus.isIdle || this.bus.isIdle();
  }
}
