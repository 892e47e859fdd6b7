import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore, Subscription } from '@billing/shared/event-store';
import type { Bus, Consumer, Stoppable } from '@billing/shared/bus';
import {
  ProjectionRunner,
  withinDeadline,
  type ParkedEvent,
  type ReadModelStore,
} from '@billing/shared/read-models';
import { BUS, EVENT_STORE, READ_MODELS, SETTINGS, type Settings } from './tokens';

/**
 * How long a shutdown waits for the background to stop: past it, what still runs (a last commit to
 * a server that went away) is left, and the adapters are closed. Nothing is lost: what was not
 * committed is delivered again at the next start.
 */
export const STOP_DEADLINE_MS = 10_000;

/**
 * Everything running in the background: projections, relays, consumer groups. Stopped on shutdown.
 */
@Injectable()
export class Background implements OnApplicationShutdown {
  private readonly relays: Stoppable[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly local: { subscription: Subscription; streamPrefixes: readonly string[] }[] = [];
  readonly projections: ProjectionRunner;
  stopDeadlineMs = STOP_DEADLINE_MS;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.projections = new ProjectionRunner(store, readModels);
  }

  relay(relay: Stoppable): void {
    this.relays.push(relay);
  }

  consumer(consumer: Consumer): void {
    this.consumers.push(consumer);
  }

  /**
   * A context's own subscription to its own streams (a process manager, not a round trip over the
   * bus).
   */
  track(subscription: Subscription, streamPrefixes: readonly string[]): void {
    this.local.push({ subscription, streamPrefixes });
  }

  private parkedCache?: { at: number; entries: Promise<ParkedEvent[]> };

  /**
   * Events a projection or consumer group gave up on (read at most every 500 ms): the service
   * serves on, and says so.
   */
  parked(): Promise<ParkedEvent[]> {
    if (!this.parkedCache || Date.now() - this.parkedCache.at > 500)
      this.parkedCache = {
        at: Date.now(),
        entries: withinDeadline(this.projections.state.parked(), 'which events are parked'),
      };
    return this.parkedCache.entries;
  }

  /** Resolves when every projection and consumer has handled the whole store, twice in a row. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > deadline) throw new Error('the system did not settle in time');
      quiet = (await this.isQuiet()) ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Stops everything, each step whatever the others did (a store refusing its last commit must not
   * keep the rest running), and within `stopDeadlineMs` (a store that does not answer must not
   * either; the adapters are closed last whatever happened); then reports what failed.
   */
  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.stopDeadlineMs;
    const steps = [
      () => this.consumers.map((consumer) => consumer.stop()),
      () => this.relays.map((relay) => relay.stop()),
      () => this.local.map(({ subscription }) => subscription.stop()),
      () => [this.projections.stop()],
      () =>
        this.settings.closeAdaptersOnShutdown
          ? [this.bus.close(), this.readModels.close(), this.store.close()]
          : [],
    ];
    const failures: unknown[] = [];
    for (const [index, step] of steps.entries()) {
      const closing = index === steps.length - 1;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        // Each step gets a short while of its own, however late the steps before it ran (a
        // projection's last flush is worth waiting a moment for).
        const ms = Math.max(deadline - Date.now(), closing ? 2_000 : 1_000);
        timer = setTimeout(resolve, Math.max(ms, 0), 'late');
      });
      const outcomes = await Promise.race([Promise.allSettled(step()), late]);
      clearTimeout(timer);
      if (outcomes === 'late') {
        const what = closing ? 'closing the adapters' : 'a background task';
        failures.push(new Error(`${what} did not stop within ${this.stopDeadlineMs} ms: left`));
        continue;
      }
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') failures.push(outcome.reason);
    }
    this.settings.released?.();
    if (failures.length > 0)
      throw new AggregateError(
        failures,
        `${failures.length} background task(s) failed to stop cleanly`,
      );
  }

  private async isQuiet(): Promise<boolean> {
    const head = await this.store.headPosition();
    if (!(await this.projections.caughtUp(head, 1_000))) return false;
    for (const consumer of this.consumers) if (!(await consumer.caughtUp(head))) return false;
    for (const { subscription, streamPrefixes } of this.local) {
      const pending = await this.store.readAll({
        fromPosition: subscription.position,
        maxCount: 1,
        streamPrefixes,
      });
      if (pending.length > 0) return false;
    }
    return true;
  }
}
