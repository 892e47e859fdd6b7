import type { INestApplication } from '@nestjs/common';
import { InMemoryEventStore, type EventStore } from '@billing/shared/event-store';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryReadModels, type ReadModelStore } from '@billing/shared/read-models';
import { keyedClient, runScenario } from '@billing/shared/testing';
import { startTestApp } from '../testing/test-app';
import { Cut, cutClient, cutEventStore, cutReadModels } from './cut';
import type { CapturedLogs } from './quiet-logs';
import { captureFinalState, differences, type FinalState } from './final-state';

export interface Baseline {
  /** Successful appends of the uninterrupted run: the cut points are 1..transactions. */
  transactions: number;
  /** The POSTs the scenario sends. */
  posts: number;
  state: FinalState;
}

/** A short lease, so that the restarted process claims the dead one's partitions quickly. */
const busOn = (store: EventStore, readModels: ReadModelStore) =>
  new StoreBackedBus(store, readModels, { leaseMs: 300 });

/** The scenario uninterrupted, counting its transactions, and what it leaves behind. */
export async function runBaseline(): Promise<Baseline> {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  const counter = new Cut(Number.POSITIVE_INFINITY);
  const counted = cutEventStore(store, counter);
  const app = await startTestApp({
    eventStore: counted,
    readModels,
    bus: busOn(counted, readModels),
  });
  try {
    let posts = 0;
    const ids = await runScenario(
      keyedClient({
        post: (...args) => (posts++, app.client.post(...args)),
        get: (...args) => app.client.get(...args),
      }),
    );
    await app.settle();
    return {
      transactions: counter.appends,
      posts,
      state: await captureFinalState(app.client, store, ids),
    };
  } finally {
    await app.close();
  }
}

export interface CutOutcome {
  k: number;
  /** False when the first run made fewer than k transactions (then nothing was cut). */
  cut: boolean;
  /**
   * Where the final state differs from the uninterrupted one, or why the rerun did not complete.
   */
  differences: string[];
  /** What the restarted process logged. */
  logs: string[];
}

/**
 * The process dies after its k-th transaction; a new one on the same store and read models runs
 * the scenario again from the start with the same Idempotency-Keys, and must end where the
 * uninterrupted run ended.
 */
export async function runCutPoint(
  k: number,
  baseline: Baseline,
  logs: CapturedLogs,
): Promise<CutOutcome> {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  const cut = new Cut(k);
  try {
    await dieAfter(cut, store, readModels);
  } catch (error) {
    return {
      k,
      cut: cut.happened,
      differences: [`the first run failed before the cut: ${String(error)}`],
      logs: logs.take(),
    };
  }
  logs.take();
  const second = await startTestApp({
    eventStore: store,
    readModels,
    bus: busOn(store, readModels),
  });
  try {
    const ids = await runScenario(keyedClient(second.client));
    await second.settle();
    const differing = differences(
      baseline.state,
      await captureFinalState(second.client, store, ids),
    );
    return { k, cut: cut.happened, differences: differing, logs: logs.take() };
  } catch (error) {
    return {
      k,
      cut: cut.happened,
      differences: [`the rerun did not complete: ${String(error)}`],
      logs: logs.take(),
    };
  } finally {
    await second.close();
  }
}

/**
 * Runs the scenario on the stores until the cut, where the process dies (and is closed, whatever it
 * says).
 */
async function dieAfter(cut: Cut, store: EventStore, readModels: ReadModelStore): Promise<void> {
  const dyingStore = cutEventStore(store, cut);
  const dyingReadModels = cutReadModels(readModels, cut);
  const dyingBus = busOn(dyingStore, dyingReadModels);
  cut.whenCut(() => dyingBus.kill());
  const first = await startTestApp({
    eventStore: dyingStore,
    readModels: dyingReadModels,
    bus: dyingBus,
  });
  try {
    await runScenario(keyedClient(cutClient(first.client, cut)));
  } catch (error) {
    if (!cut.happened) throw error;
  }
  await first.close().catch(() => forgetSignals(first.app));
}

/**
 * Nest keeps an app's signal listeners when its shutdown fails (the dead process's stores refuse
 * it): they must not pile up over the cut points.
 */
function forgetSignals(app: INestApplication): void {
  (app as unknown as { unsubscribeFromProcessSignals(): void }).unsubscribeFromProcessSignals();
}
