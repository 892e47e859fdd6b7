import Database from 'better-sqlite3';

/**
 * `read-only`: opened as it is, nothing in the file changed (no schema, no journal mode), as an
 * auditor reads the evidence; writes fail.
 */
export type Access = 'read-write' | 'read-only';

/**
 * Opens a SQLite file and sets it up; a file that cannot be fails naming the file and what to do
 * about it, not with SQLite's message alone: `damagedRemedy` only for a damaged file or one that is
 * not a database.
 */
export function openNamed(
  file: string,
  setUp: (db: Database.Database) => void,
  damagedRemedy: string,
  access: Access = 'read-write',
): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(
      file,
      access === 'read-only' ? { readonly: true, fileMustExist: true } : undefined,
    );
    setUp(db);
    return db;
  } catch (error) {
    db?.close();
    throw new Error(`${file} cannot be opened (${(error as Error).message}): ${remedy(error)}`, {
      cause: error,
    });
  }

  function remedy(error: unknown): string {
    const code = String((error as { code?: unknown }).code);
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return damagedRemedy;
    if (/^SQLITE_(BUSY|LOCKED)/.test(code))
      return 'another process holds it: stop that process and start again';
    return access === 'read-only'
      ? 'check that it exists and that this process may read it (in WAL mode, with its -wal and -shm files, or its folder writable)'
      : 'check that the folder exists and that this process may read and write it';
  }
}
