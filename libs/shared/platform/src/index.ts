import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { InMemoryEventStore, type EventStore } from '@billing/shared/event-store';
import { InProcessBus } from '@billing/shared/bus';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { Background, composeApp, ConfigError, configureHttp, loadConfig, type AppConfig, type Infrastructure } from '@billing/shared/nest';

/** The adapters the config names. Distributed adapters (EventStoreDB, Kafka, MongoDB) plug in here. */
export function buildInfrastructure(config: AppConfig): Infrastructure {
  return {
    eventStore: openEventStore(config),
    bus: new InProcessBus(),
    readModels: new InMemoryReadModels(),
    clock: { now: () => new Date() },
    settings: { timeZone: config.timeZone, closeAdaptersOnShutdown: true },
  };
}

function openEventStore(config: AppConfig): EventStore {
  if (config.eventStore === 'memory') return new InMemoryEventStore();
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
}

/** An app's main: validate config (stop with the problems named), build the adapters, serve HTTP. */
export function runApp(title: string, defaultPort: number, features: Type<unknown>[]): void {
  const start = async (): Promise<INestApplication> => {
    const config = loadConfig(process.env, { port: defaultPort });
    const infrastructure = buildInfrastructure(config);
    const app = configureHttp(await NestFactory.create(composeApp(features, infrastructure), { logger: ['error', 'warn'] }), title);
    await app.init();
    // Serve no figures from half-rebuilt read models: wait until they hold every stored event.
    const head = await infrastructure.eventStore.headPosition();
    if (head > 0) console.log(`${title}: rebuilding read models from ${head} events`);
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
