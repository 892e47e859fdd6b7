import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureLocalKeys, PRIVATE_KEY_FILE } from '@billing/shared/auth';
import { ConsumerState } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { testEvent } from '@billing/shared/testing';
import { BackupError, backupData } from './backup';

describe('npm run backup', () => {
  const root = mkdtempSync(join(tmpdir(), 'billing-backup-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('copies the read models before the events while the app writes: the copy starts, its read models never ahead of its events', async () => {
    const data = join(root, 'data');
    mkdirSync(data);
    const events = new SqliteEventStore(join(data, 'events.sqlite'));
    const readModels = new SqliteReadModels(join(data, 'read-models.sqlite'));
    const state = new ConsumerState(readModels);
    ensureLocalKeys(join(data, 'auth'));
    // What the app does all the time: an event appended, then a reaction's position committed.
    const appWrites = async () => {
      const { position } = await events.append(
        `thing-${crypto.randomUUID()}`,
        [testEvent()],
        'any',
      );
      await state.commit('invoicing#0', position);
    };
    await appWrites();
    const target = join(root, 'copy');
    const lines: string[] = [];
    await backupData(data, target, async (line) => {
      lines.push(line);
      await appWrites();
    });
    await Promise.all([events.close(), readModels.close()]);
    expect(lines).toEqual([
      expect.stringMatching(/^signing keys: .*auth$/),
      expect.stringMatching(/^read models: .*read-models\.sqlite \(\d+\.\d MiB\)$/),
      expect.stringMatching(/^events: .*events\.sqlite \(\d+\.\d MiB\)$/),
    ]);
    const copy = {
      events: new SqliteEventStore(join(target, 'events.sqlite')),
      readModels: new SqliteReadModels(join(target, 'read-models.sqlite')),
    };
    try {
      // The write between the two copies is in the events, and not yet in the read models.
      expect(await copy.events.headPosition()).toBe(3);
      expect(await new ConsumerState(copy.readModels).position('invoicing#0')).toBe(2);
      expect(
        await new ConsumerState(copy.readModels).checkpointsPast(() => copy.events.headPosition()),
      ).toEqual([]);
    } finally {
      await Promise.all([copy.events.close(), copy.readModels.close()]);
    }
    expect(statSync(join(target, 'auth', PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('finishes while another process writes all the time, as a running app does (its leases, every second)', async () => {
    const data = join(root, 'busy');
    mkdirSync(data);
    // 20 MB of read models, and a writer that commits every millisecond.
    const padding = new Database(join(data, 'read-models.sqlite'));
    padding.pragma('journal_mode = WAL');
    padding.exec('CREATE TABLE padding (text TEXT)');
    const pad = padding.prepare('INSERT INTO padding VALUES (?)');
    padding.transaction(() => {
      for (let n = 0; n < 5_000; n++) pad.run('x'.repeat(4_000));
    })();
    const events = new SqliteEventStore(join(data, 'events.sqlite'));
    await events.append('thing-1', [testEvent()], 'any');
    const writer = setInterval(() => pad.run('y'), 1);
    try {
      const lines: string[] = [];
      const done = backupData(data, join(root, 'busy-copy'), (line) => void lines.push(line));
      const late = new Promise((resolve) => setTimeout(resolve, 20_000, 'still copying'));
      expect(await Promise.race([done.then(() => lines.length), late])).toBe(2);
    } finally {
      clearInterval(writer);
      padding.close();
      await events.close();
    }
  }, 60_000);

  it('cut short at any step, leaves no events.sqlite: a folder with one holds the keys and read models too', async () => {
    const data = join(root, 'data');
    for (let step = 0; step < 3; step++) {
      const target = join(root, `cut-${step}`);
      let done = 0;
      const stopped = backupData(data, target, () => {
        if (done++ === step) throw new Error('killed');
      });
      await expect(stopped).rejects.toThrow('killed');
      const has = (name: string) => existsSync(join(target, name));
      if (has('events.sqlite'))
        expect([has('auth'), has('read-models.sqlite')]).toEqual([true, true]);
      expect(has('events.sqlite')).toBe(step === 2);
      // Until then it is marked as unfinished: the app does not start on it.
      expect(has('events.sqlite.partial')).toBe(step !== 2);
    }
  });

  it('refuses a folder that is not empty, and a data folder without events', async () => {
    await expect(
      backupData(join(root, 'nothing'), join(root, 'x'), () => undefined),
    ).rejects.toThrow(
      new BackupError(
        `no event store at ${join(root, 'nothing', 'events.sqlite')} (give --data DIR)`,
      ),
    );
    await expect(
      backupData(join(root, 'data'), join(root, 'copy'), () => undefined),
    ).rejects.toThrow(
      new BackupError(`${join(root, 'copy')} is not empty: back up into a new or empty folder`),
    );
  });
});
