import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

export interface EmulatorProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The ESDB emulator in a process of its own (infra/esdb-emulator/main.ts, a free port), as a server
 * would be: it does not share the bench's event loop. Started once it printed its port.
 */
export async function spawnEsdbEmulator(): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'infra/esdb-emulator/main.ts', '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(Number(line.trim())));
    child.once('exit', (code) =>
      reject(new Error(`the ESDB emulator exited (${code}) before listening: ${stderr}`)),
    );
  });
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
