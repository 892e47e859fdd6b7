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
  if (options.esdb) return { store: new EsdbEventStore(options.esdb), source: options.esdb };
  const file = join(dataDir(options), 'events.sqlite');
  if (!existsSync(file)) throw new UsageError(`no event store at ${file} (give --data DIR or --esdb URL)`);
  return { store: new SqliteEventStore(file), source: file };
}

/** A service's read models in the distributed mode: the database named after it on the services' Mongo server (their MONGO_URL). */
export function serviceReadModels(mongoUrl: string, database: string): MongoReadModels {
  return new MongoReadModels(mongoUrl, { dbName: database, serverSelectionTimeoutMS: 10_000 });
}
