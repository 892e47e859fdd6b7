import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsumerState } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';

const ROOT = join(__dirname, '../../..');

/**
 * Read models built from another store (a service pointed at the wrong one, a store restored from an
 * older backup): served, their projections would skip the store's events up to their positions and
 * the service's consumer groups would take their share of the bus and park what they cannot find.
 */
describe('a start on read models ahead of the event store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-foreign-read-models-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the app on `dir` (whose events file is new: the store's head is 0); its output. */
  async function startOn(dir: string): Promise<string> {
    const child = spawn(
      process.execPath,
      ['-r', './tools/register.js', 'apps/standalone/src/main.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const timeout = setTimeout(() => child.kill('SIGKILL'), 45_000);
    try {
      expect(await exited).toBe(1);
    } finally {
      clearTimeout(timeout);
    }
    return output;
  }

  it('refuses to start, naming the projection and the store head, with exit code 1', async () => {
    const readModels = new SqliteReadModels(join(dir, 'read-models.sqlite'));
    await new ConsumerState(readModels).commit('projection:contract-summary@v1', 2_431);
    await readModels.close();
    expect(await startOn(dir)).toMatch(
      /cannot start: the read models are ahead of the event store \(projection:contract-summary@v1 at position 2431; the store's head is 0\)/,
    );
  }, 60_000);

  it('refuses to start when only a consumer group is ahead: events backed up before the read models (the group would skip every reaction up to its position)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'billing-group-ahead-'));
    try {
      const readModels = new SqliteReadModels(join(other, 'read-models.sqlite'));
      await new ConsumerState(readModels).commit('milestones#0', 2_461);
      await readModels.close();
      expect(await startOn(other)).toMatch(
        /cannot start: the read models are ahead of the event store \(milestones#0 at position 2461; the store's head is 0\)/,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);
});
