import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface Machine {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  disk: string;
  commit: string;
  date: string;
}

const quietly = (command: string) => {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

/**
 * What the figures were measured on (nproc, /proc/cpuinfo, memory, Node, SQLite, the disk under the
 * temp folder, the commit).
 */
export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const db = new Database(':memory:');
  const sqlite = db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  db.close();
  const packageJson = JSON.parse(
    readFileSync(join(require.resolve('better-sqlite3'), '..', '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const dirty = quietly('git status --porcelain --untracked-files=no')
    ? ' + uncommitted changes'
    : '';
  return {
    cpus: availableParallelism(),
    model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    sqlite,
    betterSqlite3: packageJson.version,
    disk: quietly(`df -hT ${tmpdir()} | tail -1 | awk '{print $1" "$2", "$3}'`),
    commit: `${quietly('git rev-parse --short HEAD')}${dirty}`,
    date: new Date().toISOString(),
  };
}

/** The 1-minute load average over the CPU count: above ~1 something else competed for the cores. */
export function load(): string {
  return `load ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs`;
}
