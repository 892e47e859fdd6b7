import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InMemoryEventStore, type EventStore } from '@billing/shared/event-store';
import { StoreBackedBus, type Bus } from '@billing/shared/bus';
import { InMemoryReadModels, type ReadModelStore } from '@billing/shared/read-models';
import { markRunning, SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { EsdbEventStore } from '@billing/shared/esdb';
import { KafkaBus } from '@billing/shared/kafka';
import { MongoReadModels } from '@billing/shared/mongo';
import { ConfigError, type AppConfig, type Infrastructure } from '@billing/shared/nest';
import { BOOT_WAIT_MS } from './reachable';

/**
 * The adapters the config names (ARCHITECTURE.md "Ports and adapters"). `service` names the
 * Kafka client and the Mongo database (`contracts`, ...; `billing` for the embedded app).
 */
export function buildInfrastructure(config: AppConfig, service = 'billing'): Infrastructure {
  const eventStore = openEventStore(config);
  const readModels = openReadModels(config, service);
  // The embedded app's data folder says it is in use while it runs (npm run rebuild -- --switch).
  const released = config.eventStore.kind === 'sqlite' ? markRunning(config.dataDir) : undefined;
  return {
    eventStore,
    bus: openBus(config, service, eventStore, readModels),
    readModels,
    clock: { now: () => new Date() },
    settings: {
      timeZone: config.timeZone,
      closeAdaptersOnShutdown: true,
      ...(released && { released }),
    },
  };
}

function openEventStore(config: AppConfig): EventStore {
  switch (config.eventStore.kind) {
    case 'memory':
      return new InMemoryEventStore();
    case 'esdb':
      return new EsdbEventStore(config.eventStore.url);
    case 'sqlite':
      ensureFolder(config.dataDir);
      refuseUnfinishedBackup(config.dataDir);
      return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
  }
}

/**
 * Read models keep every consumer's committed position beside the documents: boot resumes from
 * them.
 */
function openReadModels(config: AppConfig, service: string): ReadModelStore {
  switch (config.readModels.kind) {
    case 'memory':
      return new InMemoryReadModels();
    case 'mongo':
      // A first connection that fails within the boot wait stops the boot (reachable.ts); later
      // drops reconnect. A connection not made within 5 s has failed: that also bounds how long a
      // wedged driver goes unnoticed (15 s, or 25 s where the server holds its heartbeats, as
      // MongoDB does; mongo/wedge-guard.ts).
      return new MongoReadModels(config.readModels.url, {
        dbName: service,
        serverSelectionTimeoutMS: BOOT_WAIT_MS,
        connectTimeoutMS: 5_000,
      });
    case 'sqlite':
      ensureFolder(config.dataDir);
      return new SqliteReadModels(join(config.dataDir, 'read-models.sqlite'));
  }
}

function openBus(
  config: AppConfig,
  service: string,
  eventStore: EventStore,
  readModels: ReadModelStore,
): Bus {
  if (config.bus.kind === 'embedded') return new StoreBackedBus(eventStore, readModels);
  // Each service's consumer group is its name (ContextWiring.name), with no prefix: restarts resume
  // its offsets.
  return new KafkaBus(eventStore, readModels, { brokers: config.bus.brokers, clientId: service });
}

/**
 * A folder `npm run backup` was cut short in: it holds `events.sqlite.partial` from its first step
 * until the events are whole, their last. Started on, it would begin an empty store.
 */
function refuseUnfinishedBackup(dir: string): void {
  if (existsSync(join(dir, 'events.sqlite')) || !existsSync(join(dir, 'events.sqlite.partial')))
    return;
  throw new ConfigError(
    `DATA_DIR ${dir} holds a backup that did not finish (events.sqlite.partial): back up again, or start on the data folder it was taken from`,
  );
}

/**
 * DATA_DIR, made where it is missing (its parents first), or the start stops naming it: a file in
 * its place, or a folder that cannot be made (Node's recursive mkdir loops forever under /proc).
 */
function ensureFolder(dir: string): void {
  let found: ReturnType<typeof statSync>;
  try {
    found = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    // A file where a parent folder should be (ENOTDIR), a parent this process may not search.
    throw new ConfigError(`DATA_DIR ${dir}: ${(error as Error).message}`);
  }
  if (found?.isDirectory()) return;
  if (found) throw new ConfigError(`DATA_DIR ${dir} is not a folder`);
  if (dirname(dir) !== dir) ensureFolder(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (error) {
    if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
    throw new ConfigError(
      `DATA_DIR ${dir}: the folder cannot be made (${(error as Error).message})`,
    );
  }
}
