import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { Background, composeApp, configureHttp, type Infrastructure } from '@billing/shared/nest';
import type { Client } from '@billing/shared/testing';
import { STANDALONE } from '../app.module';

export interface TestApp {
  app: INestApplication;
  client: Client;
  infrastructure: Infrastructure;
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The embedded app on in-memory adapters (or on a given store/bus), driven over HTTP with supertest. */
export async function startTestApp(overrides: Partial<Infrastructure> = {}, features = STANDALONE): Promise<TestApp> {
  const eventStore = overrides.eventStore ?? new InMemoryEventStore();
  const readModels = overrides.readModels ?? new InMemoryReadModels();
  const infrastructure: Infrastructure = {
    eventStore,
    bus: overrides.bus ?? new StoreBackedBus(eventStore, readModels),
    readModels,
    clock: overrides.clock ?? { now: () => new Date() },
    settings: overrides.settings ?? { timeZone: 'UTC' },
  };
  const moduleRef = await Test.createTestingModule({ imports: [composeApp(features, infrastructure)] }).compile();
  const app = configureHttp(moduleRef.createNestApplication({ logger: ['error'], bodyParser: false }), 'test');
  await app.init();
  const server = app.getHttpServer();
  const reply = (res: request.Response) => ({ status: res.status, body: res.body, headers: res.headers as Record<string, string> });
  const client: Client = {
    post: (path, body = {}, headers = {}) =>
      request(server)
        .post(path)
        .set({ 'x-actor': 'tester', ...headers })
        .send(body as object)
        .then(reply),
    get: (path, headers = {}) => request(server).get(path).set(headers).then(reply),
  };
  return { app, client, infrastructure, settle: () => app.get(Background).settle(), close: () => app.close() };
}
