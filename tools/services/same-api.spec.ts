import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { composeApp, configureHttp, DEFAULT_HTTP } from '@billing/shared/nest';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { testVerifier } from '@billing/shared/testing';
import { MODULES as CONTRACTS } from '../../apps/contracts/src/modules';
import { routesOf, SERVICES, type Service } from '../../apps/gateway/src/routes';
import { MODULES as INVOICING } from '../../apps/invoicing/src/modules';
import { MODULES as MILESTONES } from '../../apps/milestones/src/modules';
import { MODULES as RECEIVABLES } from '../../apps/receivables/src/modules';
import { STANDALONE } from '../../apps/standalone/src/app.module';

const SERVICE_MODULES: Record<Service, Type<unknown>[]> = {
  contracts: CONTRACTS,
  milestones: MILESTONES,
  invoicing: INVOICING,
  receivables: RECEIVABLES,
};
/** What the gateway answers itself (each service has its own). */
const OWN = new Set(['GET /health/live', 'GET /health/ready', 'GET /refusals']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Issue 7 item 4: the gateway in front of the four services serves the API of the embedded app,
 * each operation from the service that documents it.
 */
describe('the distributed services behind the gateway and the embedded app', () => {
  const apps: INestApplication[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  /** Every documented operation of an app composed of `modules`, as `METHOD /path`. */
  async function operations(modules: Type<unknown>[]): Promise<Set<string>> {
    const eventStore = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const settings = {
      timeZone: 'UTC',
      security: { auth: { mode: 'bearer' as const, verifier: testVerifier() }, http: DEFAULT_HTTP },
    };
    const infrastructure = {
      eventStore,
      readModels,
      bus: new StoreBackedBus(eventStore, readModels),
      clock: { now: () => new Date() },
      settings,
    };
    const app = configureHttp(
      await NestFactory.create(composeApp(modules, infrastructure), {
        logger: ['error'],
        bodyParser: false,
      }),
      'api',
    );
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const { paths } = (await (
      await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/docs-json`)
    ).json()) as { paths: Record<string, Record<string, unknown>> };
    return new Set(
      Object.entries(paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => METHODS.includes(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
  }

  it('serves every operation of the embedded app, and no other, each routed to the one service that documents it', async () => {
    const embedded = await operations(STANDALONE);
    const byService = new Map<Service, Set<string>>();
    for (const service of SERVICES)
      byService.set(service, await operations(SERVICE_MODULES[service]));
    const distributed = new Set([...byService.values()].flatMap((documented) => [...documented]));
    expect([...distributed].sort()).toEqual([...embedded].sort());
    const concrete = (path: string) =>
      path
        .replace(/\{periodEnd\}/g, '2026-03-31')
        .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
    const misrouted = [...embedded]
      .filter((operation) => !OWN.has(operation))
      .flatMap((operation) => {
        const [method, path] = operation.split(' ');
        const routed = routesOf(method, concrete(path)).map((route) => route.service);
        return routed.length === 1 && byService.get(routed[0])!.has(operation)
          ? []
          : [`${operation} -> ${routed.join(', ') || 'nowhere'}`];
      });
    expect(misrouted).toEqual([]);
    expect(embedded).toContain('GET /audit/flows/{correlationId}');
  }, 60_000);
});
