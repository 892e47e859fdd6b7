import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fetchClient, localToken, type Client } from '@billing/shared/testing';

const ROOT = join(__dirname, '../../../..');
const BOOT_TIMEOUT_MS = 60_000;

/** A port nobody listens on now: the OS picks one for a listener on 127.0.0.1, which is then closed. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm start` as a child process on a data folder, listening on 127.0.0.1 only. Its stdout and
 * stderr go to `output` (printed when a spec fails); every process started is killed by `killAll`.
 */
export class StandaloneProcess {
  private static readonly running = new Set<StandaloneProcess>();
  private readonly exited: Promise<void>;
  /** An admin token of tenant `default` from the key the process made in its data folder (it runs with authentication on, as npm start does). */
  private token = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(dataDir: string, output: string[]): Promise<StandaloneProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/standalone/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const name = `[pid ${child.pid}]`;
    child.stdout?.on('data', (chunk: Buffer) => output.push(`${name} ${chunk.toString().trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => output.push(`${name} ${chunk.toString().trimEnd()}`));
    const started = new StandaloneProcess(child, `http://127.0.0.1:${port}`);
    StandaloneProcess.running.add(started);
    await started.live();
    started.token = await localToken(join(dataDir, 'auth'));
    return started;
  }

  client(): Client {
    return fetchClient(this.url, this.token);
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

  private async live(): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the process exited while booting (${this.child.exitCode ?? this.child.signalCode})`);
      const status = await fetch(`${this.url}/health/live`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`the process did not answer /health/live within ${BOOT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
