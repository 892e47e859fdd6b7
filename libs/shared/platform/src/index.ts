import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { InMemoryEventStore, type EventStore } from '@billing/shared/event-store';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryReadModels, type ReadModelStore } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { Background, composeApp, ConfigError, configureHttp, loadConfig, type AppConfig, type Infrastructure } from '@billing/shared/nest';

/** The adapters the config names. Distributed adapters (EventStoreDB, Kafka, MongoDB) plug in here. */
export function buildInfrastructure(config: AppConfig): Infrastructure {
  const { eventStore, readModels } = openStores(config);
  return {
    eventStore,
    bus: new StoreBackedBus(eventStore, readModels),
    readModels,
    clock: { now: () => new Date() },
    settings: { timeZone: config.timeZone, closeAdaptersOnShutdown: true },
  };
}

/** Embedded: the events and, beside them, the read models with every consumer's committed position (boot resumes from them). */
function openStores(config: AppConfig): { eventStore: EventStore; readModels: ReadModelStore } {
  if (config.eventStore === 'memory') return { eventStore: new InMemoryEventStore(), readModels: new InMemoryReadModels() };
  mkdirSync(config.dataDir, { recursive: true });
  return { eventStore: new SqliteEventStore(join(config.dataDir, 'events.sqlite')), readModels: new SqliteReadModels(join(config.dataDir, 'read-models.sqlite')) };
}

/** An app's main: validate config (stop with the problems named), build the adapters, serve HTTP. */
export function runApp(title: string, defaultPort: number, features: Type<unknown>[]): void {
  const start = async (): Promise<INestApplication> => {
    const config = loadConfig(process.env, { port: defaultPort });
    const infrastructure = buildInfrastructure(config);
    const app = configureHttp(await NestFactory.create(composeApp(features, infrastructure), { logger: ['error', 'warn'], bodyParser: false }), title);
    await app.init();
    // Serve no figures from read models behind the store: they resume from their committed positions, so this is short.
    const head = await infrastructure.eventStore.headPosition();
    await app.get(Background).projections.caughtUp(head, Number.POSITIVE_INFINITY);
    await app.listen(config.port, config.host);
    console.log(
      `${title} listening on http://${config.host}:${config.port} (API docs: /docs, event store: ${config.eventStore}${config.eventStore === 'sqlite' ? ` in ${config.dataDir}/` : ''})`,
    );
    return app;
  };
  start().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
