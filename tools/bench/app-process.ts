import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listeningPort, localToken } from '@billing/shared/testing';

const ROOT = join(__dirname, '..', '..');
/**
 * Poll every 10 ms for the first 10 s (boot times), then every 100 ms (first builds take minutes).
 */
const POLL_MS = 10;

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** ms from spawn until the port accepted a connection, and until /health/ready answered 200. */
  portOpenMs: number;
  readyMs: number;
  /**
   * A token of the key the app keeps in its data folder: subject `bench`, an admin of tenant
   * `default`.
   */
  token: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  /** Extra node flags for the app, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeFlags?: string[];
  /** Give up after this long (the first build of a large store takes minutes). */
  timeoutMs?: number;
}

/**
 * The embedded app (apps/standalone) in its own process, so the load generator never shares its
 * event loop.
 */
export async function startApp(options: StartOptions): Promise<AppProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '-r', './tools/register.js', 'apps/standalone/src/main.ts'],
    {
      cwd: ROOT,
      // PORT=0: the child binds a port no other process holds, found from its own sockets (a port
      // picked here and handed over could be taken meanwhile by any other process on a shared
      // machine, and answer for it).
      env: { ...process.env, DATA_DIR: options.dataDir, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = started + (options.timeoutMs ?? 120_000);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const until = async (check: () => Promise<boolean>, what: string) => {
    while (!(await check())) {
      if (!alive()) throw new Error(`the app exited before ${what}: ${stderr}`);
      if (performance.now() > deadline)
        throw new Error(`the app was not ${what} after ${options.timeoutMs} ms: ${stderr}`);
      await sleep(performance.now() - started < 10_000 ? POLL_MS : 10 * POLL_MS);
    }
    return performance.now() - started;
  };
  let port: number | undefined;
  const portOpenMs = await until(
    async () => (port = listeningPort(child.pid!)) !== undefined,
    'listening',
  );
  const url = `http://127.0.0.1:${port}`;
  const readyMs = await until(() => answers200(`${url}/health/ready`), 'ready');
  const stop = async () => {
    if (alive()) child.kill('SIGTERM');
    await exited;
  };
  const token = await localToken(join(options.dataDir, 'auth'), { subject: 'bench' });
  return { child, pid: child.pid!, url, portOpenMs, readyMs, stop, token };
}

/** Resident set size of a process (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) * 1024;
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export const sleep = (msToWait: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, msToWait));
