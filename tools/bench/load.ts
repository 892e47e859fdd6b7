import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startApp, type AppProcess } from './app-process';
import { CACHE, customerPlan } from './dataset';
import { HttpClient } from './http-client';
import { BillingWorld } from './mix';
import { openLoop, type OpenLoopResult } from './open-loop';
import { summarizeProfile, type Hotspot } from './profile';

export interface LoadOptions {
  rates: number[];
  durationMs: number;
  warmupMs: number;
  /** Contracts created and activated before the first rate, over this many customers. */
  seedContracts: number;
  customers: number;
}

/** Requests still unanswered this long after the last one was due count as "no answer". */
const DRAIN_MS = 30_000;

export const LOAD_DEFAULTS: LoadOptions = {
  rates: [100, 200, 500],
  durationMs: 20_000,
  warmupMs: 3_000,
  seedContracts: 300,
  customers: 200,
};

export interface LoadStep extends OpenLoopResult {
  failures: Record<string, number>;
}

export interface LoadFigures {
  steps: LoadStep[];
  eventsAtEnd: number;
}

/**
 * The app in its own process on a new data folder (on disk, fsync per commit as in production),
 * driven open-loop at each rate in turn.
 */
export async function measureLoad(
  options: LoadOptions,
  log: (line: string) => void,
): Promise<LoadFigures> {
  return withLoadApp([], options, async (app, world, client, dataDir) => {
    const steps: LoadStep[] = [];
    for (const rate of options.rates) {
      log(
        `  load: ${rate} requests/s for ${options.durationMs / 1000} s after ${options.warmupMs / 1000} s of warm-up`,
      );
      await settle(client);
      world.takeFailures();
      const result = await openLoop({
        rate,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        drainMs: DRAIN_MS,
        next: () => world.next(),
      });
      steps.push({ ...result, failures: world.takeFailures() });
    }
    return { steps, eventsAtEnd: eventsIn(dataDir) };
  });
}

export interface LoadProfile {
  rate: number;
  result: OpenLoopResult;
  functions: Hotspot[];
  areas: Hotspot[];
  transactions: Hotspot[];
  file: string;
}

/** The same load at one rate with the app under --cpu-prof: where the app's time goes. */
export async function profileLoad(
  rate: number,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<LoadProfile> {
  const profileDir = mkdtempSync(join(tmpdir(), 'billing-bench-profile-'));
  let measuredEnd = 0;
  let exited = 0;
  const result = await withLoadApp(
    ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    options,
    async (_app, world) => {
      log(
        `  profile: ${rate} requests/s for ${options.durationMs / 1000} s with the app under --cpu-prof`,
      );
      const measured = await openLoop({
        rate,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        drainMs: DRAIN_MS,
        next: () => world.next(),
      });
      measuredEnd = performance.now();
      return measured;
    },
    () => (exited = performance.now()),
  );
  // Only the measured window: not the boot, the seeding or the warm-up.
  const window = { lengthMs: options.durationMs, endsBeforeExitMs: exited - measuredEnd };
  const summary = summarizeProfile(profileDir, 20, window);
  // Kept beside the reports, to open in Chrome DevTools (Performance) or VS Code.
  mkdirSync(CACHE, { recursive: true });
  const file = join(
    CACHE,
    `app-${rate}rps-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  copyFileSync(summary.file, file);
  rmSync(profileDir, { recursive: true, force: true });
  return { rate, result, ...summary, file };
}

/** Before a rate: the previous one's backlog is answered and the read models have caught up. */
async function settle(client: HttpClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await client.get('/health/ready')).status !== 200 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 200));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

async function withLoadApp<T>(
  nodeFlags: string[],
  options: LoadOptions,
  run: (app: AppProcess, world: BillingWorld, client: HttpClient, dataDir: string) => Promise<T>,
  onExit = () => {},
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'billing-bench-load-'));
  const app = await startApp({ dataDir, nodeFlags });
  const client = new HttpClient(app.url, 512, app.token);
  try {
    const customers = Array.from({ length: options.customers }, (_, n) => customerPlan('load', n));
    const world = new BillingWorld(client, customers);
    await world.seed(options.seedContracts);
    return await run(app, world, client, dataDir);
  } finally {
    client.close();
    await app.stop();
    onExit();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The events in the app's store (read beside it: readiness counts none). */
function eventsIn(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { count: number }>('SELECT count(*) AS count FROM events').get()!.count;
  } finally {
    db.close();
  }
}
