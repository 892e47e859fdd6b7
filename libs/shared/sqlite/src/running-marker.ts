import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = /^app-(\d+)\.pid$/;

/**
 * Marks `dir` as in use by this process (`app-<pid>.pid` in it) until it exits or calls the release
 * it answers, so a tool that must
 * not run beside the app (`npm run rebuild -- --switch`) can tell. One file per process: two
 * instances may share a data folder. A marker left by a process killed outright names a process
 * that is gone, and is ignored.
 */
export function markRunning(dir: string): () => void {
  const file = join(dir, `app-${process.pid}.pid`);
  writeFileSync(file, `${process.pid}\n`);
  const release = () => rmSync(file, { force: true });
  // A shutdown on a signal ends with the signal again (Nest's shutdown hooks), which fires no 'exit':
  // the app releases it once its adapters are closed; this is for any other way out.
  process.once('exit', release);
  return release;
}

/** The processes alive that marked `dir` as theirs, this one included. */
export function runningOn(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const pid = Number(MARKER.exec(name)?.[1]);
      return Number.isSafeInteger(pid) && pid > 0 ? [pid] : [];
    })
    .filter(alive)
    .sort((a, b) => a - b);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
