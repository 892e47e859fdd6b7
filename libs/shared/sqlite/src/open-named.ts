import Database from 'better-sqlite3';

/**
 * Opens a SQLite file and sets it up; a file that cannot be (not a database, damaged, unreadable)
 * fails naming the file and what to do about it, not with SQLite's message alone.
 */
export function openNamed(
  file: string,
  setUp: (db: Database.Database) => void,
  remedy: string,
): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    setUp(db);
    return db;
  } catch (error) {
    db?.close();
    throw new Error(`${file} cannot be opened (${(error as Error).message}): ${remedy}`, {
      cause: error,
    });
  }
}
