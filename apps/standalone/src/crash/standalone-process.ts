import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fetchClient, listeningPort, localToken, type Client } from '@billing/shared/testing';

const ROOT = join(__dirname, '../../../..');
const BOOT_TIMEOUT_MS = 60_000;

/**
 * `npm start` as a child process on a data folder, listening on 127.0.0.1 only. Its stdout and
 * stderr go to `output` (printed when a spec fails); every process started is killed by `killAll`.
 */
export class StandaloneProcess {
  private static readonly running = new Set<StandaloneProcess>();
  private readonly exited: Promise<void>;
  /**
   * An admin token of tenant `default` from the key the process made in its data folder (it runs
   * with authentication on, as npm start does).
   */
  private token = '';

  /** Known once the process listens. */
  url = '';

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(dataDir: string, output: string[]): Promise<StandaloneProcess> {
    // PORT=0, the port then read from the child's sockets: a port picked here could be taken by
    // another spec's process before the child binds it, and that process would answer for it.
    const child = spawn(
      process.execPath,
      ['-r', './tools/register.js', 'apps/standalone/src/main.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const name = `[pid ${child.pid}]`;
    child.stdout?.on('data', (chunk: Buffer) =>
      output.push(`${name} ${chunk.toString().trimEnd()}`),
    );
    child.stderr?.on('data', (chunk: Buffer) =>
      output.push(`${name} ${chunk.toString().trimEnd()}`),
    );
    const started = new StandaloneProcess(child);
    StandaloneProcess.running.add(started);
    await started.live();
    started.token = await localToken(join(dataDir, 'auth'));
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  client(): Client {
    return fetchClient(this.url, this.token);
  }

  /** SIGTERM: the graceful shutdown (npm start's Ctrl-C, a process manager's stop). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
    StandaloneProcess.running.delete(this);
  }

  /** kill -9: no shutdown hook, no last commit, no lease given back. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    StandaloneProcess.running.delete(this);
  }

  static async killAll(): Promise<void> {
    await Promise.all([...StandaloneProcess.running].map((started) => started.kill()));
  }

  /** Until the child listens (its port read from its sockets) and answers /health/live. */
  private async live(): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(
          `the process exited while booting (${this.child.exitCode ?? this.child.signalCode})`,
        );
      const port = listeningPort(this.child.pid!);
      if (port !== undefined) {
        this.url = `http://127.0.0.1:${port}`;
        const status = await fetch(`${this.url}/health/live`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return;
      }
      if (Date.now() > deadline)
        throw new Error(`the process did not answer /health/live within ${BOOT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
