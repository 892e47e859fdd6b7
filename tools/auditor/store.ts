import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore } from '@billing/shared/esdb';
import type { EventStore } from '@billing/shared/event-store';
import { MongoReadModels } from '@billing/shared/mongo';
import { SqliteEventStore } from '@billing/shared/sqlite';

export interface StoreOptions {
  /** The embedded data folder (events.sqlite in it); DATA_DIR or ./data by default. */
  data?: string;
  /** An EventStoreDB connection string instead (`esdb://host:2113?tls=false`). */
  esdb?: string;
}

export interface OpenedStore {
  store: EventStore;
  /** What was opened, as the reports name it. */
  source: string;
}

/** A usage mistake or a store that is not there: exit code 2, the message alone. */
export class UsageError extends Error {}

export const dataDir = (options: StoreOptions) => options.data ?? process.env.DATA_DIR ?? 'data';

export function openStore(options: StoreOptions): OpenedStore {
  if (options.esdb && options.data)
    throw new UsageError(
      'give the embedded data folder (--data DIR) or EventStoreDB (--esdb URL), not both',
    );
  if (options.esdb) return { store: new EsdbEventStore(options.esdb), source: options.esdb };
  const file = join(dataDir(options), 'events.sqlite');
  if (!existsSync(file))
    throw new UsageError(`no event store at ${file} (give --data DIR or --esdb URL)`);
  // Read-only: an auditor's reading changes nothing in the evidence (no schema added, no journal
  // mode set), and a copy on a read-only disk can be read.
  return { store: new SqliteEventStore(file, undefined, undefined, 'read-only'), source: file };
}

/**
 * The Mongo server of the distributed read models (`--mongo`, the services' MONGO_URL), checked:
 * they were projected from EventStoreDB, so `--esdb` goes with it, never the embedded store.
 */
export function mongoServer(options: StoreOptions & { mongo?: string }): string | undefined {
  if (options.mongo === undefined) return undefined;
  if (!options.esdb)
    throw new UsageError(
      '--mongo reads the distributed read models: give the EventStoreDB they are projected from with --esdb URL',
    );
  if (!/^mongodb(\+srv)?:\/\/[^/\s]/.test(options.mongo))
    throw new UsageError(
      '--mongo is a MongoDB connection string, such as mongodb://mongo:27017/?replicaSet=rs0',
    );
  return options.mongo;
}

/**
 * A service's read models in the distributed mode: the database named after it on the services'
 * Mongo server.
 */
export function serviceReadModels(mongoUrl: string, database: string): MongoReadModels {
  return new MongoReadModels(mongoUrl, { dbName: database, serverSelectionTimeoutMS: 10_000 });
}
