import { rmSync } from 'node:fs';
import { rssOf, startApp } from './app-process';
import { workingCopy, type Built } from './build';

const BOOTS = 3;

export interface BootSample {
  portOpenMs: number;
  readyMs: number;
  rssBytes: number;
}

export interface BootFigures {
  built: Built;
  samples: BootSample[];
  /** The sample with the median time to ready. */
  median: BootSample;
}

/**
 * Boots on a built data folder (read models persisted): spawn -> port open, spawn -> /health/ready
 * 200, and the RSS right after.
 */
export async function measureBoot(
  source: Built,
  log: (line: string) => void,
): Promise<BootFigures> {
  const dataDir = workingCopy(source, `boot-${source.dataset.key}`);
  try {
    log(`  boot ${source.dataset.key}: ${BOOTS} boots on the built folder`);
    const samples: BootSample[] = [];
    for (let i = 0; i < BOOTS; i++) {
      const app = await startApp({ dataDir });
      samples.push({ portOpenMs: app.portOpenMs, readyMs: app.readyMs, rssBytes: rssOf(app.pid) });
      await app.stop();
    }
    return {
      built: source,
      samples,
      median: [...samples].sort((a, b) => a.readyMs - b.readyMs)[Math.floor(samples.length / 2)],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
