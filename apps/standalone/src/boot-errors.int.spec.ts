import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** Starts the embedded app with `env`; its exit code and output (killed after 45 s). */
async function start(env: Record<string, string>): Promise<[number | null, string]> {
  const child = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'apps/standalone/src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timeout);
  return [code, output];
}

/**
 * A setting the app cannot use stops the start with exit code 1 and a line naming the variable, not
 * a driver's error alone (nor a process that never ends).
 */
describe('a start with a data folder or an address it cannot use', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-boot-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'DATA_DIR names a file',
      () => ({ DATA_DIR: join(dir, 'a-file') }),
      /DATA_DIR .*a-file is not a folder/,
    ],
    [
      'DATA_DIR is below a file',
      () => ({ DATA_DIR: join(dir, 'a-file', 'data') }),
      /DATA_DIR .*a-file\/data: ENOTDIR/,
    ],
    [
      'DATA_DIR cannot be made',
      () => ({ DATA_DIR: '/proc/billing-nope' }),
      /DATA_DIR \/proc\/billing-nope: the folder cannot be made \(ENOENT/,
    ],
    [
      'DATA_DIR is a backup that did not finish',
      () => {
        const cut = join(dir, 'cut-backup');
        mkdirSync(cut, { recursive: true });
        writeFileSync(join(cut, 'events.sqlite.partial'), '');
        return { DATA_DIR: cut };
      },
      /DATA_DIR .*cut-backup holds a backup that did not finish \(events\.sqlite\.partial\)/,
    ],
    [
      'HOST is no address',
      () => ({ DATA_DIR: join(dir, 'data'), HOST: 'not-a-host.invalid' }),
      /cannot listen on not-a-host\.invalid:0 \(HOST, PORT\): .*ENOTFOUND/,
    ],
  ])(
    '%s',
    async (_, env, message) => {
      writeFileSync(join(dir, 'a-file'), 'not a folder');
      const [code, output] = await start(env());
      expect([code, output]).toEqual([1, expect.stringMatching(message)]);
    },
    60_000,
  );
});
