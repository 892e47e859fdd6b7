import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rssOf, startApp } from './app-process';
import type { Dataset } from './dataset';

const FIRST_BUILD_TIMEOUT_MS = 60 * 60_000;

export interface Built {
  dataset: Dataset;
  /**
   * A data folder (events + read models) as the first boot left it; never booted on: copy it first.
   */
  dir: string;
  /**
   * The first boot on the events alone: spawn -> /health/ready (every projection from position 0:
   * what a rebuild pays), spawn -> settled (the consumer groups too: reactions replay every message
   * and append nothing), and SIGTERM -> exit.
   */
  firstBuild: {
    seconds: number;
    settledSeconds: number;
    stopSeconds: number;
    eventsPerSecond: number;
    appended: number;
    rssBytes: number;
    measuredOn: string;
  };
  reused: boolean;
}

/**
 * The dataset with its read models built by the app's first boot, cached beside it (--rebuild
 * measures the first boot again).
 */
export async function built(
  dataset: Dataset,
  rebuild: boolean,
  log: (line: string) => void,
): Promise<Built> {
  const dir = join(dataset.dir, 'built');
  const meta = join(dataset.dir, 'built.json');
  if (!rebuild && existsSync(meta))
    return {
      dataset,
      dir,
      firstBuild: JSON.parse(readFileSync(meta, 'utf8')) as Built['firstBuild'],
      reused: true,
    };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(dataset.dir, 'events.sqlite'), join(dir, 'events.sqlite'));
  log(
    `  first boot on ${dataset.key}: the app builds its read models from ${dataset.events.toLocaleString('en-US')} events`,
  );
  const spawned = performance.now();
  const app = await startApp({ dataDir: dir, timeoutMs: FIRST_BUILD_TIMEOUT_MS });
  const seconds = app.readyMs / 1000;
  await settled(dir, dataset.events);
  const settledSeconds = (performance.now() - spawned) / 1000;
  const rssBytes = rssOf(app.pid);
  const stopping = performance.now();
  await app.stop();
  const stopSeconds = (performance.now() - stopping) / 1000;
  const appended = headOf(dir) - dataset.events;
  const firstBuild = {
    seconds,
    settledSeconds,
    stopSeconds,
    eventsPerSecond: dataset.events / seconds,
    appended,
    rssBytes,
    measuredOn: new Date().toISOString(),
  };
  writeFileSync(meta, JSON.stringify(firstBuild, null, 2));
  return { dataset, dir, firstBuild, reused: false };
}

/**
 * A copy of a built data folder to boot on, on disk like a real DATA_DIR: written out before it
 * returns (fsync), so that the disk is not still taking gigabytes of it while the app is measured.
 */
export function workingCopy(source: Built, label: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), `billing-bench-${label}-`));
  cpSync(source.dir, dataDir, { recursive: true });
  for (const entry of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const fd = openSync(join(entry.parentPath, entry.name), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return dataDir;
}

/**
 * Every consumer (projections, consumer groups, local subscriptions) has committed a position near
 * the head and none moved for 3 s. Groups move an idle partition's position only every 100 events,
 * hence "near".
 */
async function settled(dataDir: string, head: number): Promise<void> {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const positions = db.prepare<[], { positions: string }>(
      "SELECT group_concat(id || '=' || position) AS positions FROM rm_consumer_checkpoints",
    );
    const lowest = db.prepare<[], { lowest: number }>(
      'SELECT MIN(position) AS lowest FROM rm_consumer_checkpoints',
    );
    const deadline = Date.now() + FIRST_BUILD_TIMEOUT_MS;
    for (
      let last = '', still = 0;
      still < 3 && Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    ) {
      const now = positions.get()?.positions ?? '';
      still = now === last && (lowest.get()?.lowest ?? 0) >= head - 1_000 ? still + 1 : 0;
      last = now;
    }
  } finally {
    db.close();
  }
}

function headOf(dataDir: string): number {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    return (
      db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events').get()
        ?.head ?? 0
    );
  } finally {
    db.close();
  }
}
