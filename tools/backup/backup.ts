import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  openSync,
  mkdirSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const USAGE = `npm run backup -- --to DIR [--data DIR]

Copies the embedded app's data folder (--data, DATA_DIR or ./data) into DIR (new or empty), while
the app runs or not: the signing keys (auth/), then the read models, then the events, each store
as one consistent snapshot (SQLite's VACUUM INTO, in one read: the app's writes go on). Read
models copied before the events are never ahead of them: a start on the copy catches them up. The
folder holds events.sqlite.partial until the events, copied last, take their name: until then it
is a backup that did not finish, and the app does not start on it ("Done." is printed once it
has).
Restore: stop the app, then start it on the copy (DATA_DIR=DIR), or put the copy in place of the
whole data folder (not file by file: a -wal or -shm file left beside a restored file would be
applied to it).`;

/**
 * The stores of a data folder, in the order they are copied: read models before events, the events
 * last of all.
 */
const DATABASES = [
  { file: 'read-models.sqlite', what: 'read models', required: false },
  { file: 'events.sqlite', what: 'events', required: true },
] as const;

export class BackupError extends Error {}

/** fsync of a file or a folder (its entries). */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Backs up `dataDir` into `target`, reporting each step as it is done (awaited: the next file is
 * copied after it).
 */
export async function backupData(
  dataDir: string,
  target: string,
  report: (line: string) => void | Promise<void>,
): Promise<void> {
  if (!existsSync(join(dataDir, 'events.sqlite')))
    throw new BackupError(`no event store at ${join(dataDir, 'events.sqlite')} (give --data DIR)`);
  if (resolve(dataDir) === resolve(target))
    throw new BackupError('--to must be another folder than the data folder');
  if (existsSync(target) && readdirSync(target).length > 0)
    throw new BackupError(`${target} is not empty: back up into a new or empty folder`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  // The folder is an unfinished backup until the events take their name, the last step: the app
  // refuses to start on it meanwhile. (VACUUM INTO writes into an empty file.)
  writeFileSync(join(target, 'events.sqlite.partial'), '', { mode: 0o600 });
  syncFile(target);
  const keys = join(dataDir, 'auth');
  if (existsSync(keys)) {
    // First: a copy with events and no keys would start by making new ones, and every token
    // issued before would be refused. The private key keeps its mode (0600): a copy others may
    // read would be refused at start.
    cpSync(keys, join(target, 'auth'), { recursive: true, preserveTimestamps: true });
    for (const name of readdirSync(join(target, 'auth'))) syncFile(join(target, 'auth', name));
    syncFile(join(target, 'auth'));
    await report(`signing keys: ${join(target, 'auth')}`);
  }
  for (const { file, what, required } of DATABASES) {
    const source = join(dataDir, file);
    if (!required && !existsSync(source)) {
      await report(`${what}: none in ${dataDir} (the next start builds them)`);
      continue;
    }
    // One read transaction, however busy the app: SQLite's online backup (db.backup) copies a few
    // pages a step and starts again from the first whenever another process writes in between,
    // which a running app does several times a second (its leases): it never finished on a large
    // file.
    // Under another name until it is whole: a copy cut short (killed, a full disk) is never taken
    // for a store.
    const partial = join(target, `${file}.partial`);
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      db.prepare('VACUUM INTO ?').run(partial);
    } finally {
      db.close();
    }
    // On disk before it takes its name, and the name on disk before the next step (VACUUM INTO
    // does not sync what it writes): a power cut leaves the marker, never a truncated store.
    syncFile(partial);
    renameSync(partial, join(target, file));
    syncFile(target);
    const size = (statSync(join(target, file)).size / 1024 / 1024).toFixed(1);
    await report(`${what}: ${join(target, file)} (${size} MiB)`);
  }
}

async function main(): Promise<number> {
  let values: { to?: string; data?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { to: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) return (console.log(USAGE), 0);
  if (!values.to) return (console.error(`--to DIR is required\n\n${USAGE}`), 2);
  const dataDir = values.data ?? process.env.DATA_DIR ?? 'data';
  try {
    console.log(`Backing up ${dataDir} into ${values.to}`);
    await backupData(dataDir, values.to, (line) => console.log(`  ${line}`));
    console.log(
      `Done. Restore: stop the app, then start it with DATA_DIR=${values.to} (or put the copy in place of the whole data folder)`,
    );
    return 0;
  } catch (error) {
    console.error(
      error instanceof BackupError ? error.message : `backup failed: ${(error as Error).message}`,
    );
    return error instanceof BackupError ? 2 : 1;
  }
}

if (require.main === module) void main().then((code) => (process.exitCode = code));
