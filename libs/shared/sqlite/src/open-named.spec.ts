import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite.event-store';
import { SqliteReadModels } from './sqlite.read-models';

describe('a damaged file at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-damaged-'));

  /** A read-model file with a collection in it, then cut to its first page. */
  async function truncated(name: string): Promise<string> {
    const file = join(dir, name);
    const readModels = new SqliteReadModels(file);
    await readModels.applyBatch(
      Array.from({ length: 200 }, (_, i) => ({
        collection: 'things',
        id: `t${i}`,
        position: i + 1,
        update: () => ({ n: 'x'.repeat(500) }),
      })),
    );
    await readModels.close();
    truncateSync(file, 4096);
    return file;
  }

  it('names the read-model file and how the read models come back (rebuilt from the events)', async () => {
    const garbage = join(dir, 'garbage-read-models.sqlite');
    writeFileSync(garbage, 'this is not a database'.repeat(100));
    for (const file of [garbage, await truncated('truncated-read-models.sqlite')])
      expect(() => new SqliteReadModels(file)).toThrow(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be opened \\(.+\\): the read models are derived from the events: move it and its -wal and -shm files aside`,
        ),
      );
  });

  it('names the file and the folder to check when it cannot be created, without the advice for a damaged one', () => {
    const nowhere = join(dir, 'no-such-folder', 'events.sqlite');
    expect(() => new SqliteEventStore(nowhere)).toThrow(
      /no-such-folder\/events\.sqlite cannot be opened \(.+\): check that the folder exists and that this process may read and write it$/,
    );
  });

  it('names the event store file and that it is restored from a backup', () => {
    const garbage = join(dir, 'events.sqlite');
    writeFileSync(garbage, 'this is not a database'.repeat(100));
    expect(() => new SqliteEventStore(garbage)).toThrow(
      /events\.sqlite cannot be opened \(file is not a database\): it holds the events, the source of truth: restore it from a backup/,
    );
  });
});
