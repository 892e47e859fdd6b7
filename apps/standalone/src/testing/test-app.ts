import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryReadModels } from '@billing/shared/read-models';
import {
  Background,
  composeApp,
  configureHttp,
  DEFAULT_HTTP,
  loggingModule,
  type Infrastructure,
  type Security,
} from '@billing/shared/nest';
import { testToken, testVerifier, type Client } from '@billing/shared/testing';
import type { TokenClaims } from '@billing/shared/auth';
import { STANDALONE } from '../app.module';

export interface TestApp {
  app: INestApplication;
  client: Client;
  /** The bearer token `client` sends (tester, an admin of tenant `default`). */
  token: string;
  infrastructure: Infrastructure;
  settle(): Promise<void>;
  close(): Promise<void>;
  /** A client acting as `claims` (a token of the tests' issuer): another tenant, role or person. */
  as(claims: Partial<TokenClaims>): Promise<Client>;
}

/**
 * Authentication on, as `npm start` runs: bearer tokens of the tests' issuer (shared/testing
 * tokens.ts); `overrides` change the rest.
 */
export const testSecurity = (overrides: Partial<Security> = {}): Security => ({
  auth: { mode: 'bearer', verifier: testVerifier() },
  http: DEFAULT_HTTP,
  ...overrides,
});

/**
 * The embedded app on in-memory adapters (or on a given store/bus), driven over HTTP with supertest
 * as `tester`, an admin of tenant `default`.
 */
export async function startTestApp(
  overrides: Partial<Infrastructure> = {},
  features = STANDALONE,
  /** With the request log `runApp` mounts (nestjs-pino's middleware on every route). */
  { requestLog = false } = {},
): Promise<TestApp> {
  const eventStore = overrides.eventStore ?? new InMemoryEventStore();
  const readModels = overrides.readModels ?? new InMemoryReadModels();
  const infrastructure: Infrastructure = {
    eventStore,
    bus: overrides.bus ?? new StoreBackedBus(eventStore, readModels),
    readModels,
    clock: overrides.clock ?? { now: () => new Date() },
    settings: overrides.settings ?? { timeZone: 'UTC', security: testSecurity() },
  };
  const moduleRef = await Test.createTestingModule({
    imports: [composeApp(features, infrastructure), ...(requestLog ? [loggingModule()] : [])],
  }).compile();
  const app = configureHttp(
    moduleRef.createNestApplication({ logger: ['error'], bodyParser: false }),
    'test',
  );
  await app.init();
  const server = app.getHttpServer();
  const reply = (res: request.Response) => ({
    status: res.status,
    body: res.body,
    headers: res.headers as Record<string, string>,
  });
  const clientWith = (token: string): Client => {
    const bearer = { authorization: `Bearer ${token}` };
    return {
      post: (path, body = {}, headers = {}) =>
        request(server)
          .post(path)
          .set({ ...bearer, ...headers })
          .send(body as object)
          .then(reply),
      get: (path, headers = {}) =>
        request(server)
          .get(path)
          .set({ ...bearer, ...headers })
          .then(reply),
    };
  };
  const token = await testToken();
  const as = async (claims: Partial<TokenClaims>) => clientWith(await testToken(claims));
  return {
    app,
    client: clientWith(token),
    token,
    infrastructure,
    settle: () => app.get(Background).settle(),
    close: () => app.close(),
    as,
  };
}
