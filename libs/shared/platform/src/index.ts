import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { InMemoryEventStore, type EventStore } from '@billing/shared/event-store';
import { InProcessBus } from '@billing/shared/bus';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { configureHttp, type AppConfig, type Infrastructure } from '@billing/shared/nest';

/** The adapters the config names. Distributed adapters (EventStoreDB, Kafka, MongoDB) plug in here. */
export function buildInfrastructure(config: AppConfig): Infrastructure {
  return {
    eventStore: openEventStore(config),
    bus: new InProcessBus(),
    readModels: new InMemoryReadModels(),
    clock: { now: () => new Date() },
    settings: { timeZone: config.timeZone },
  };
}

function openEventStore(config: AppConfig): EventStore {
  if (config.eventStore === 'memory') return new InMemoryEventStore();
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
}

export async function startHttp(module: Type<unknown> | DynamicModule, config: AppConfig, title: string): Promise<INestApplication> {
  const app = configureHttp(await NestFactory.create(module, { logger: ['error', 'warn'] }), title);
  await app.listen(config.port, config.host);
  console.log(`${title} listening on http://${config.host}:${config.port} (API docs: /docs, event store: ${config.eventStore}${config.eventStore === 'sqlite' ? ` in ${config.dataDir}/` : ''})`);
  return app;
}
