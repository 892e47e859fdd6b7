import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const BOOT_TIMEOUT_MS = 60_000;

export interface ProcessSpec {
  name: string;
  /** The TypeScript entry point, run with `node -r ./tools/register.js`. */
  main: string;
  env: Record<string, string>;
  /**
   * Answers 200 once the process serves (`/health/live`: a service listens only once its read
   * models caught up).
   */
  healthUrl: string;
  /** Each line the process prints, prefixed with its name. */
  output: (line: string) => void;
}

/**
 * One app as a child process on 127.0.0.1: started, stopped (SIGTERM) or killed (`kill -9`), and
 * started again.
 */
export class AppProcess {
  private child?: ChildProcess;
  private exited = Promise.resolve();
  /** Stopped or killed on purpose: its exit is not news. */
  private ending = false;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * How the last run ended: its exit code, or the signal that ended it (undefined while it runs).
   */
  get ended(): number | NodeJS.Signals | undefined {
    return this.child?.exitCode ?? this.child?.signalCode ?? undefined;
  }

  async start(): Promise<this> {
    // Another process on the port would answer the health check for this one.
    const { hostname, port } = new URL(this.spec.healthUrl);
    if (!(await isFree(Number(port), hostname)))
      throw new Error(
        `${this.spec.name} cannot start: ${hostname}:${port} is taken (another npm run start:services or npm start?)`,
      );
    const child = spawn(process.execPath, ['-r', './tools/register.js', this.spec.main], {
      cwd: ROOT,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.ending = false;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // A process that dies on its own (a crash, a kill from outside) is said so where its lines go:
    // otherwise only the gateway's readiness would show it.
    child.once('exit', (code, signal) => {
      if (!this.ending)
        this.spec.output(
          `[${this.spec.name}] exited (${code ?? signal}) without being asked to stop`,
        );
    });
    // Whole lines only: a JSON log line split across two chunks is handed over once, complete.
    const forward = (stream: NodeJS.ReadableStream | null) => {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        lines
          .filter((line) => line.trim())
          .forEach((line) => this.spec.output(`[${this.spec.name}] ${line}`));
      });
      stream?.on('end', () => partial && this.spec.output(`[${this.spec.name}] ${partial}`));
    };
    forward(child.stdout);
    forward(child.stderr);
    await this.serving(child);
    return this;
  }

  /** kill -9: no shutdown hook, no last commit, no lease given back. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM (graceful: consumers commit and leave their groups), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const timer = setTimeout(() => void this.kill(), graceMs);
    await this.signal('SIGTERM');
    clearTimeout(timer);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    this.ending = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill(signal);
    await this.exited;
  }

  private async serving(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `${this.spec.name} exited while starting (${child.exitCode ?? child.signalCode})`,
        );
      const status = await fetch(this.spec.healthUrl).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline)
        throw new Error(
          `${this.spec.name} did not answer ${this.spec.healthUrl} within ${BOOT_TIMEOUT_MS / 1000} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * A port nobody listens on now: the OS picks one for a listener on 127.0.0.1, which is then closed.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(0, '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a listener could take `port` on `host` now. */
async function isFree(port: number, host: string): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) =>
    server.once('error', () => resolve(false)).listen(port, host, () => resolve(true)),
  );
  if (listening) await new Promise((resolve) => server.close(resolve));
  return listening;
}

/**
 * Why a stack of these processes serves nothing any more, or undefined while it does: the gateway
 * has exited, or every service has.
 */
export function nothingServed(
  gateway: Pick<AppProcess, 'ended'>,
  services: readonly Pick<AppProcess, 'ended'>[],
): string | undefined {
  if (gateway.ended !== undefined) return 'the gateway has exited';
  if (services.every((service) => service.ended !== undefined)) return 'every service has exited';
  return undefined;
}
