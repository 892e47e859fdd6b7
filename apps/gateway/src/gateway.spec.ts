import { Agent, createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ContractsModule } from '@billing/contracts/feature';
import { InvoicingModule } from '@billing/invoicing/feature';
import { MilestonesModule } from '@billing/milestones/feature';
import { ReceivablesModule } from '@billing/receivables/feature';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryEventStore } from '@billing/shared/event-store';
import {
  AuditModule,
  composeApp,
  configureHttp,
  DEFAULT_HTTP,
  Draining,
} from '@billing/shared/nest';
import { logger } from '@billing/shared/logging';
import { testToken, testVerifier } from '@billing/shared/testing';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { createGateway, shutDown } from './gateway';
import { routesOf, SERVICES, type Service } from './routes';

// As each service's src/modules.ts composes it (tools/services/same-api.spec.ts checks those
// against the embedded app's API).
const MODULES: Record<Service, Type<unknown>[]> = {
  contracts: [ContractsModule, AuditModule],
  milestones: [MilestonesModule],
  invoicing: [InvoicingModule],
  receivables: [ReceivablesModule],
};
/** What the gateway answers itself: its health, its docs, and every service's refusals merged. */
const OWN = new Set(['/health/live', '/health/ready', '/refusals']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Paths = Record<string, Record<string, unknown>>;

async function startService(modules: Type<unknown>[]): Promise<INestApplication> {
  const eventStore = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  const security = {
    auth: { mode: 'bearer' as const, verifier: testVerifier() },
    http: { ...DEFAULT_HTTP, corsOrigins: [ORIGIN] },
  };
  const infrastructure = {
    eventStore,
    readModels,
    bus: new StoreBackedBus(eventStore, readModels),
    clock: { now: () => new Date() },
    settings: { timeZone: 'UTC', security },
  };
  const app = configureHttp(
    await NestFactory.create(composeApp(modules, infrastructure), {
      logger: ['error'],
      bodyParser: false,
    }),
    'test',
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

const ORIGIN = 'https://billing.example.com';

/** A documented path with its parameters filled in: a UUID, or a date for a period end. */
const concrete = (path: string) =>
  path
    .replace(/\{periodEnd\}/g, '2026-03-31')
    .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

/**
 * fetch with the body read: a body left unread keeps its connection paused, so the client never
 * hears the server close it, and the open socket keeps jest's worker alive after the run.
 */
async function request(input: string, init?: RequestInit) {
  const response = await fetch(input, init);
  const body = await response.text();
  return { status: response.status, headers: response.headers, body, json: () => JSON.parse(body) };
}

describe('the gateway', () => {
  const services = {} as Record<Service, INestApplication>;
  const upstreams = {} as Record<Service, string>;
  const documents = {} as Record<Service, { paths: Paths }>;
  let gateway: Server;
  let url: string;

  beforeAll(async () => {
    for (const service of SERVICES) {
      services[service] = await startService(MODULES[service]);
      upstreams[service] = await services[service]
        .getUrl()
        .then((address) => address.replace('[::1]', '127.0.0.1'));
      documents[service] = (await request(`${upstreams[service]}/docs-json`)).json() as {
        paths: Paths;
      };
    }
    gateway = createGateway({ port: 0, host: '127.0.0.1', upstreams, logLevel: 'info' }).listen(
      0,
      '127.0.0.1',
    );
    await new Promise((resolve) => gateway.once('listening', resolve));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    gateway?.closeAllConnections();
    await new Promise((resolve) => (gateway ? gateway.close(resolve) : resolve(undefined)));
    await Promise.all(SERVICES.map((service) => services[service]?.close()));
  });

  const operations = () =>
    SERVICES.flatMap((service) =>
      Object.entries(documents[service].paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => METHODS.includes(method))
          .map((method) => ({ service, path, method })),
      ),
    );

  it('routes every documented operation of every service to exactly that service', () => {
    const checked = operations().filter(({ path }) => !OWN.has(path));
    expect(checked.length).toBeGreaterThanOrEqual(39);
    const wrong = checked
      .map(({ service, path, method }) => ({
        operation: `${method.toUpperCase()} ${path}`,
        want: service,
        got: routesOf(method, concrete(path)).map((route) => route.service),
      }))
      .filter(({ want, got }) => got.length !== 1 || got[0] !== want);
    expect(wrong).toEqual([]);
  });

  it('answers only the paths every service shares (health, refusals) itself', () => {
    const shared = Object.keys(documents.contracts.paths).filter((path) =>
      SERVICES.every((service) => path in documents[service].paths),
    );
    expect(new Set(shared)).toEqual(OWN);
    for (const path of OWN) expect(routesOf('GET', path)).toEqual([]);
  });

  it('proxies each operation to its service, which answers as it does directly', async () => {
    const token = await testToken({ tenantId: 'gateway-spec' });
    for (const { service, path, method } of operations().filter(({ path }) => !OWN.has(path))) {
      const call = (base: string) =>
        request(`${base}${concrete(path)}${path === '/aging' ? '?asOf=2026-03-31' : ''}`, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: method === 'get' ? undefined : '{}',
        });
      const [through, direct] = [await call(url), await call(upstreams[service])];
      expect(`${method} ${path} ${through.status}`).toBe(`${method} ${path} ${direct.status}`);
      expect(through.body).toBe(direct.body);
    }
    // Two calls per documented operation, one after the other: seconds on a busy machine.
  }, 30_000);

  it('answers its own health, readiness, merged refusals and docs, and 404 for a path no service has', async () => {
    expect((await request(`${url}/health`)).status).toBe(200);
    const ready = await request(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(Object.keys((ready.json() as { services: object }).services)).toEqual([...SERVICES]);
    const headers = { authorization: `Bearer ${await testToken()}` };
    const refusals = await request(`${url}/refusals?limit=5`, { headers });
    expect([refusals.status, refusals.json(), refusals.headers.get('x-total-count')]).toEqual([
      200,
      [],
      '0',
    ]);
    expect((await request(`${url}/refusals?contractId=nope`, { headers })).status).toBe(400);
    const docs = await request(`${url}/docs`);
    expect([docs.status, docs.body]).toEqual([200, expect.stringContaining('swagger-ui')]);
    expect((await request(`${url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await request(`${url}/docs/init.js`)).body).toMatch(/^window\.ui = SwaggerUIBundle/);
    // Its own answers carry the security headers the services' do (helmet): the page runs only
    // scripts served from here.
    for (const path of ['/docs', '/docs-json', '/health/ready', '/nowhere'])
      expect([
        path,
        (await request(`${url}${path}`)).headers.get('content-security-policy'),
      ]).toEqual([path, expect.stringContaining("script-src 'self'")]);
    const merged = (await request(`${url}/docs-json`)).json() as { paths: Paths };
    for (const service of SERVICES)
      expect(Object.keys(merged.paths)).toEqual(
        expect.arrayContaining(Object.keys(documents[service].paths)),
      );
    const unknown = await request(`${url}/nowhere`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
    ]);
    // A path a service takes by another method: 405 with Allow, through the gateway too.
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, allow] of [
      ['DELETE', `/contracts/${id}`, 'GET, HEAD'],
      ['PUT', '/contracts', 'GET, HEAD, POST'],
    ])
      expect([
        method,
        (
          await request(`${url}${path}`, {
            method,
            headers: { ...headers, 'content-type': 'application/json' },
            body: method === 'PUT' ? '{}' : undefined,
          })
        ).headers.get('allow'),
      ]).toEqual([method, allow]);
  });

  it('leaves every check of the token to the services: each refuses a request without one (401), called directly or through the gateway', async () => {
    const own: Record<Service, string> = {
      contracts: '/contracts',
      milestones: `/contracts/${concrete('{id}')}/schedule`,
      invoicing: '/invoices',
      receivables: '/aging',
    };
    for (const service of SERVICES)
      for (const base of [upstreams[service], url]) {
        const answer = await request(`${base}${own[service]}`);
        expect([
          service,
          base === url ? 'gateway' : 'direct',
          answer.status,
          answer.headers.get('www-authenticate'),
        ]).toEqual([service, base === url ? 'gateway' : 'direct', 401, 'Bearer realm="billing"']);
      }
    const refusals = await request(`${url}/refusals`);
    expect([refusals.status, refusals.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer realm="billing"',
    ]);
  });

  it("passes a browser's CORS preflight to the service that owns the path, which allows only its configured origins", async () => {
    const preflight = (origin: string) =>
      request(`${url}${concrete('/contracts/{id}/activate')}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(ORIGIN);
    expect([allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([
      204,
      ORIGIN,
    ]);
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('answers 503 with Retry-After naming the service that does not answer, as a service answers while its servers are away', async () => {
    const down = createGateway({
      port: 0,
      host: '127.0.0.1',
      upstreams: { ...upstreams, invoicing: 'http://127.0.0.1:9' },
      logLevel: 'info',
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => down.once('listening', resolve));
    // The gateway logs the 503 as a warning (a service away, the caller told to retry), with the
    // caller's correlation id: expected here, and asserted.
    const logged = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const answer = await request(
      `http://127.0.0.1:${(down.address() as AddressInfo).port}/invoices`,
      { headers: { 'x-correlation-id': 'gateway-503' } },
    );
    expect([
      answer.status,
      answer.headers.get('retry-after'),
      (answer.json() as { detail: string }).detail,
    ]).toEqual([503, '1', expect.stringContaining('invoicing service did not answer')]);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(
        /^request errored (?=.*"correlationId":"gateway-503")(?=.*"url":"\/invoices")(?=.*"statusCode":503)(?=[\s\S]*the invoicing service did not answer \(connect ECONNREFUSED 127\.0\.0\.1:9\))/,
      ),
    );
    logged.mockRestore();
    down.closeAllConnections();
    await new Promise((resolve) => down.close(resolve));
  });

  it('tells a service the client as it sees it, alone: an X-Forwarded-For the client sent is not passed on', async () => {
    const seen: (string | undefined)[] = [];
    const recorder = createServer((incoming, answer) => {
      seen.push(incoming.headers['x-forwarded-for'] as string | undefined);
      answer.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => recorder.once('listening', resolve));
    const recording = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    const gatewayOn = async (trustedProxies: string[]) => {
      const server = createGateway({
        port: 0,
        host: '127.0.0.1',
        upstreams: { ...upstreams, contracts: recording },
        logLevel: 'info',
        trustedProxies,
      }).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      return server;
    };
    const proxy = await gatewayOn([]);
    // Behind a load balancer it is told to trust (here: on this machine), the client it forwards.
    const balanced = await gatewayOn(['loopback']);
    try {
      const answer = await request(
        `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/contracts`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' },
          body: '{}',
        },
      );
      expect([answer.status, seen]).toEqual([201, ['127.0.0.1']]);
      await request(`http://127.0.0.1:${(balanced.address() as AddressInfo).port}/contracts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' },
        body: '{}',
      });
      expect(seen).toEqual(['127.0.0.1', '203.0.113.66']);
    } finally {
      balanced.closeAllConnections();
      await new Promise((resolve) => balanced.close(resolve));
      proxy.closeAllConnections();
      recorder.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await new Promise((resolve) => recorder.close(resolve));
    }
  });
});

/**
 * A gateway in front of one stand-in for every service, answering `[]` after `delayMs`; `close`
 * stops both.
 */
async function gatewayBefore(delayMs: number) {
  const upstreamServer = createServer((_request, response) => {
    stand.reached++;
    setTimeout(
      () => response.writeHead(200, { 'content-type': 'application/json' }).end('[]'),
      delayMs,
    );
  });
  await new Promise<void>((resolve) => upstreamServer.listen(0, '127.0.0.1', resolve));
  const upstream = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
  const draining = new Draining();
  const upstreams = Object.fromEntries(SERVICES.map((service) => [service, upstream]));
  const gateway = createGateway(
    {
      port: 0,
      host: '127.0.0.1',
      upstreams: upstreams as Record<Service, string>,
      logLevel: 'info',
    },
    draining,
  ).listen(0, '127.0.0.1');
  await new Promise((resolve) => gateway.once('listening', resolve));
  const { port } = gateway.address() as AddressInfo;
  const stand = {
    reached: 0,
    gateway,
    draining,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      gateway.closeAllConnections();
      if (gateway.listening) await new Promise((resolve) => gateway.close(resolve));
      upstreamServer.closeAllConnections();
      await new Promise((resolve) => upstreamServer.close(resolve));
    },
  };
  return stand;
}

describe("the gateway's shutdown", () => {
  it('finishes the answers in flight, ending their connections, then closes', async () => {
    // Services that take 300 ms to answer.
    const { gateway, draining, url, close } = await gatewayBefore(300);
    try {
      const inFlight = fetch(`${url}/contracts`, { headers: { authorization: 'Bearer x' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const began = jest.spyOn(logger, 'info');
      const closed = shutDown(gateway, draining);
      const answer = await inFlight;
      expect([answer.status, answer.headers.get('connection'), await answer.json()]).toEqual([
        200,
        'close',
        [],
      ]);
      await closed;
      expect(gateway.listening).toBe(false);
      expect(began).toHaveBeenCalledWith(expect.stringMatching(/^shutting down: no new request/));
    } finally {
      await close();
    }
  });

  it('once the drain began, answers a request on a connection kept open 503, without sending it on', async () => {
    const stand = await gatewayBefore(0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const sent = httpGet(
          {
            port: stand.port,
            host: '127.0.0.1',
            path: '/contracts',
            agent,
            headers: { authorization: 'Bearer x' },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode, body }));
          },
        );
        sent.on('error', reject);
      });
    try {
      const first = await get();
      stand.draining.onModuleDestroy();
      const second = await get();
      expect([first.status, second.status]).toEqual([200, 503]);
      expect(JSON.parse(second.body).type).toBe('urn:billing:shutting-down');
      expect(stand.reached).toBe(1);
    } finally {
      agent.destroy();
      await stand.close();
    }
  });
});
