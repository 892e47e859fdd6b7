import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ContractsModule } from '@billing/contracts/feature';
import { InvoicingModule } from '@billing/invoicing/feature';
import { MilestonesModule } from '@billing/milestones/feature';
import { ReceivablesModule } from '@billing/receivables/feature';
import { StoreBackedBus } from '@billing/shared/bus';
import { EsdbEventStore } from '@billing/shared/esdb';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { composeApp, configureHttp, DEFAULT_HTTP } from '@billing/shared/nest';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { newSigningKey } from '@billing/shared/auth';
import {
  AGING_DATES,
  expectOk,
  fetchClient,
  keyedClient,
  retryingUnavailable,
  runScenario,
  smallContract,
  testToken,
  testVerifier,
  waitFor,
  type Client,
  type ScenarioResult,
} from '@billing/shared/testing';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { redeliverAll, settled, type Ends } from './faults';
import { freePort, type AppProcess } from './service-process';
import { Infrastructure, Services, SERVICES, TOPICS, type Ports } from './system';

/**
 * The distributed mode end to end (issue 7 items 4 and 6): the four services as separate processes
 * on EventStoreDB (the emulator), Kafka (a real KRaft broker) and Mongo (mongo-java-server), driven
 * through the gateway with keyed requests, against the embedded app run in this process on memory
 * adapters. Each run is its own tenant, so runs share the servers and still number from 1.
 */
describe('four services over Kafka, EventStoreDB and Mongo, through the gateway', () => {
  const output: string[] = [];
  let infrastructure: Infrastructure | undefined;
  let system: Services | undefined;
  let embedded: INestApplication | undefined;
  let reference: Outcome;
  const extra: AppProcess[] = [];
  /** Each tenant's finished run: the redelivery at the end checks them all again. */
  const finished = new Map<string, ScenarioResult>();

  beforeAll(async () => {
    try {
      infrastructure = await Infrastructure.start((line) => output.push(line));
      const services = Object.fromEntries(
        await Promise.all(SERVICES.map(async (service) => [service, await freePort()])),
      ) as Ports['services'];
      system = await Services.start(
        infrastructure,
        { gateway: await freePort(), services },
        (line) => output.push(line),
      );
      embedded = await startEmbedded();
      const local = fetchClient(await embedded.getUrl(), await testToken());
      reference = await outcome(local, await runScenario(local));
    } catch (error) {
      console.log(`-- output of the servers and processes:\n${output.join('\n')}`);
      throw error;
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(extra.map((instance) => instance.kill()));
    await system?.kill();
    await infrastructure?.stop();
    await embedded?.close();
  }, 60_000);

  /** Prints what the processes said when a run fails; quiet otherwise. */
  const reporting = async (run: () => Promise<void>) => {
    const from = output.length;
    try {
      await run();
    } catch (error) {
      console.log(`-- output of the processes during this run:\n${output.slice(from).join('\n')}`);
      throw error;
    }
  };

  /**
   * A billing clerk of the tenant, with a token of the issuer whose JWKS the services verify
   * against.
   */
  const tokenOf = (tenant: string) =>
    infrastructure!.token({ tenantId: tenant, subject: `clerk@${tenant}`, roles: ['billing'] });
  const gateway = (tenant: string): Client =>
    tenantClient(fetchClient(system!.url), tokenOf(tenant));

  it(
    'runs the construction scenario to the same figures as the embedded app',
    () =>
      reporting(async () => {
        const client = gateway('e2e-plain');
        const result = await runScenario(keyedClient(client, 'plain'));
        finished.set('e2e-plain', result);
        expect(await outcome(client, result)).toEqual(reference);
        // Four pay applications and the retainage release, numbered without a gap.
        expect(
          (reference.invoices as { number: string }[]).map((invoice) => invoice.number).sort(),
        ).toEqual([1, 2, 3, 4, 5].map((n) => `INV-2026-0000${n}`));
      }),
    60_000,
  );

  it(
    'has every service verify tokens itself, behind the gateway or not, and record the verified actor',
    () =>
      reporting(async () => {
        const own: Record<string, string> = {
          contracts: '/contracts',
          milestones: `/contracts/${randomUUID()}/schedule`,
          invoicing: '/invoices',
          receivables: '/aging',
        };
        const foreign = await testToken({}, { key: newSigningKey() });
        for (const service of SERVICES) {
          const url = `${system!.services[service].spec.healthUrl.replace(/\/health\/live$/, '')}${own[service]}`;
          for (const headers of [{}, { authorization: `Bearer ${foreign}` }] as Record<
            string,
            string
          >[]) {
            const refused = await fetch(url, { headers });
            expect([service, refused.status, refused.headers.get('www-authenticate')]).toEqual([
              service,
              401,
              expect.stringMatching(/^Bearer realm="billing"/),
            ]);
          }
          const answer = await fetch(url, {
            headers: { authorization: `Bearer ${await tokenOf('e2e-auth')}` },
          });
          expect([service, answer.status]).toEqual([service, service === 'milestones' ? 404 : 200]);
        }
        // The gateway passes the request on and the service decides: no token is 401, a header
        // naming a tenant is refused.
        expect((await fetch(`${system!.url}/contracts`)).status).toBe(401);
        expect((await fetch(`${system!.url}/refusals`)).status).toBe(401);
        expect(
          (
            await fetch(`${system!.url}/contracts`, {
              headers: {
                'x-tenant-id': 'e2e-plain',
                authorization: `Bearer ${await tokenOf('e2e-auth')}`,
              },
            })
          ).status,
        ).toBe(400);
        const client = gateway('e2e-actor');
        const created = await client.post('/contracts', smallContract());
        const { contractId } = await expectOk<any>(Promise.resolve(created), 'create');
        // The service's Location, through the gateway as it named it.
        expect(created.headers?.location).toBe(`/contracts/${contractId}`);
        const history = await expectOk<any[]>(
          client.get(`/contracts/${contractId}/history`),
          'history',
        );
        expect(history[0]).toMatchObject({
          type: 'ContractCreated',
          actor: 'clerk@e2e-actor',
          tenantId: 'e2e-actor',
        });
        // The auditors' API of the embedded app, through the gateway (the contracts service serves
        // it, over the shared store).
        const auditor = tenantClient(
          fetchClient(system!.url),
          infrastructure!.token({
            tenantId: 'e2e-actor',
            subject: 'auditor@e2e-actor',
            roles: ['auditor'],
          }),
        );
        expect(await expectOk<any>(auditor.get('/audit/verify'), 'verify')).toMatchObject({
          intact: true,
          events: expect.any(Number),
          breakCount: 0,
        });
        const flow = await expectOk<any[]>(
          auditor.get(`/audit/flows/${history[0].correlationId}`),
          'flow',
        );
        expect(flow.map((event) => event.type)).toContain('ContractCreated');
      }),
    30_000,
  );

  it(
    "carries a request's correlation id into the JSON log lines of the reactions it causes in the other services",
    () =>
      reporting(async () => {
        const correlationId = `e2e-logs-${randomUUID()}`;
        const from = output.length;
        const client = gateway('e2e-logs');
        const headers = { 'x-correlation-id': correlationId };
        const { contractId } = await expectOk<any>(
          client.post('/contracts', smallContract(), headers),
          'create',
        );
        await expectOk(
          client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }, headers),
          'activate',
        );
        // Activation opens the schedule (milestones) and the ledger (invoicing), over the broker.
        await waitFor(client, `/contracts/${contractId}/schedule`, () => true, 'the schedule');
        await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'the ledger');
        const ours = output
          .slice(from)
          .map((line) => /^\[(\w+)\] (\{.*\})$/.exec(line))
          .flatMap((match) =>
            match
              ? [{ process: match[1], entry: JSON.parse(match[2]) as Record<string, any> }]
              : [],
          )
          .filter(({ entry }) => entry.correlationId === correlationId);
        expect(
          ours
            .filter(({ entry }) => entry.req)
            .map(
              ({ process, entry }) =>
                `${process} ${entry.req.method} ${entry.req.url} ${entry.res?.statusCode}`,
            ),
        ).toEqual(
          expect.arrayContaining([
            'contracts POST /contracts 201',
            `contracts POST /contracts/${contractId}/activate 200`,
          ]),
        );
        const reactions = ours.filter(
          ({ entry }) => entry.consumer && entry.messageType === 'ContractActivated',
        );
        expect(
          new Set(reactions.map(({ process, entry }) => `${process}: ${entry.consumer}`)),
        ).toEqual(new Set(['milestones: milestones', 'invoicing: invoicing']));
      }),
    30_000,
  );

  /**
   * A command of each service, in flight when it dies: its own, or one whose reactions cross the
   * broker.
   */
  const KILL_POINTS = [
    ['contracts', 6, 'approving the change order'],
    ['milestones', 8, 'certifying the second period'],
    ['invoicing', 9, 'issuing the second pay application'],
    ['receivables', 17, 'recording the second payment'],
  ] as const;

  it.each(KILL_POINTS)(
    'loses and doubles nothing when %s is killed (kill -9) at POST %d (%s) and restarted',
    (service, post, what) =>
      reporting(async () => {
        const client = gateway(`e2e-kill-${service}`);
        const victim = system!.services[service];
        const pid = victim.pid;
        const killing = killAt(client, post, async () => {
          await victim.kill();
          output.push(`-- ${service} killed (kill -9) while ${what}`);
        });
        await expect(runScenario(keyedClient(killing, 'kill'))).rejects.toThrow(KILLED);
        await victim.start();
        expect(victim.pid).not.toBe(pid);
        // Back in service once the broker has dropped the dead member (its session timed out) and
        // the group is stable.
        await groupAssignments(infrastructure!.kafkaBrokers, service, 1);
        // The client retries the whole flow with the same keys: every answered command replays.
        const result = await runScenario(keyedClient({ ...client, waitMs: 30_000 }, 'kill'));
        finished.set(`e2e-kill-${service}`, result);
        expect(await outcome(client, result)).toEqual(reference);
      }),
    90_000,
  );

  it(
    'completes the flow when the broker is stopped and restarted in the middle',
    () =>
      reporting(async () => {
        const client = gateway('e2e-broker');
        // POST 5 certifies the first period: its reaction (drafting the pay application) crosses
        // the broker.
        const bouncing = afterPost(client, 5, async () => {
          await infrastructure!.stopBroker();
          output.push('-- broker stopped after POST 5');
          // Each service serves on and says so: degraded, its bus down for want of a broker.
          await busDownEverywhere();
          await infrastructure!.restartBroker();
          output.push('-- broker restarted');
        });
        // After the broker is back, the groups rejoin and rebalance: on a loaded machine that can
        // take longer than the usual 10 s.
        const result = await runScenario(keyedClient({ ...bouncing, waitMs: 60_000 }, 'broker'));
        finished.set('e2e-broker', result);
        expect(await outcome(client, result)).toEqual(reference);
      }),
    90_000,
  );

  /**
   * Until every service's readiness answer (`ok`, or status and body) matches `answer`, for 10 s at
   * most.
   */
  async function everyServiceSays(what: string, answer: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const readiness = await system!.readiness();
      if (Object.values(readiness).every((said) => answer.test(said))) return;
      if (Date.now() > deadline)
        throw new Error(`readiness does not say ${what}: ${JSON.stringify(readiness)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // Readiness gives each server 2 s to answer: on a loaded machine the emulator's process can take
  // longer now and then, so this waits for `ok`.
  const readyEverywhere = () => everyServiceSays('every service is ready', /^ok$/, 30_000);
  const readModelsDownEverywhere = () =>
    everyServiceSays(
      'the read models are down',
      /^503 \{"type":"urn:billing:not-ready".*"detail":"[^"]*readModels: /,
    );
  const busDownEverywhere = () =>
    everyServiceSays(
      'the bus is down',
      // Naming no address: readiness is open to anyone who reaches the port.
      /^(?!.*127\.0\.0\.1)200 \{"status":"degraded".*"bus":\{"status":"down","on":"Kafka".*"broker":"does not answer/,
    );

  it(
    'shares the work between two invoicing instances and numbers invoices without a gap',
    () =>
      reporting(async () => {
        const port = await freePort();
        const second = Services.instance(
          infrastructure!,
          'invoicing',
          port,
          (line) => output.push(line),
          'invoicing#2',
        );
        extra.push(second);
        await second.start();
        const assignments = await groupAssignments(infrastructure!.kafkaBrokers, 'invoicing', 2);
        expect(assignments.map((partitions) => partitions > 0)).toEqual([true, true]);
        const client = gateway('e2e-two');
        // Every second invoicing command goes to the second instance; each reaction to whichever
        // holds its partition.
        const result = await runScenario(
          keyedClient(
            alternating(
              client,
              tenantClient(fetchClient(`http://127.0.0.1:${port}`), tokenOf('e2e-two')),
            ),
            'two',
          ),
        );
        finished.set('e2e-two', result);
        expect(await outcome(client, result)).toEqual(reference);
      }),
    90_000,
  );

  it(
    'stops an instance on SIGTERM: it commits what it handled, leaves its groups at once and ends without being killed',
    () =>
      reporting(async () => {
        const brokers = infrastructure!.kafkaBrokers;
        const members = (await groupAssignments(brokers, 'invoicing', extra.length + 1)).length;
        const port = await freePort();
        const another = Services.instance(
          infrastructure!,
          'invoicing',
          port,
          (line) => output.push(line),
          'invoicing#sigterm',
        );
        await another.start();
        await groupAssignments(brokers, 'invoicing', members + 1);
        // Work for the group while both hold partitions: each activation is a message for
        // invoicing.
        const client = gateway('e2e-sigterm');
        for (let i = 0; i < 4; i++) {
          const { contractId } = await expectOk<any>(
            client.post('/contracts', smallContract()),
            'create',
          );
          await expectOk(
            client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
            'activate',
          );
        }
        await another.stop();
        // Nest's shutdown hooks end a process by the signal it got once they have run; only one
        // that hung would be SIGKILLed.
        expect(another.ended).toBe('SIGTERM');
        // Left the group on its way out: the others hold every partition well before its session
        // (10 s) would have timed out.
        await groupAssignments(brokers, 'invoicing', members, 5_000);
        await settled(brokers, ['invoicing'], TOPICS);
      }),
    60_000,
  );

  it(
    'resumes the projections when the Mongo server is stopped and restarted in the middle',
    () =>
      reporting(async () => {
        const client = gateway('e2e-mongo');
        let restarted = Promise.resolve();
        let noticed = Promise.resolve();
        // After POST 5 (certifying the first period) its projections and reactions are in flight,
        // and the next commands come while Mongo is away. Answers are 503 (Retry-After) while a
        // service cannot reach Mongo, or has not yet noticed it back: the client asks again, as it
        // should.
        const bouncing = afterPost(retryingUnavailable(client, 60_000), 5, async () => {
          await infrastructure!.stopMongo();
          output.push('-- Mongo server stopped after POST 5');
          // Every service says it is not ready, in bounded time, before Mongo comes back (whether
          // or not they do).
          noticed = readModelsDownEverywhere();
          restarted = noticed
            .catch(() => undefined)
            .then(() => new Promise((resolve) => setTimeout(resolve, MONGO_DOWN_MS)))
            .then(() => infrastructure!.restartMongo())
            .then(() => void output.push('-- Mongo server restarted on its data file'));
        });
        const result = await runScenario(keyedClient({ ...bouncing, waitMs: 60_000 }, 'mongo'));
        await restarted;
        await noticed;
        finished.set('e2e-mongo', result);
        expect(await outcome(client, result)).toEqual(reference);
        // The same processes served on (none exited) and parked nothing: they waited for Mongo.
        await readyEverywhere();
      }),
    90_000,
  );

  it(
    'ends in the same state when every integration message is delivered twice',
    () =>
      reporting(async () => {
        const brokers = infrastructure!.kafkaBrokers;
        const store = new EsdbEventStore(infrastructure!.esdbUrl);
        try {
          const before = await settled(brokers, SERVICES, TOPICS);
          const head = await store.headPosition();
          const copies = await redeliverAll(brokers, TOPICS);
          const after = await settled(brokers, SERVICES, TOPICS);
          expect(copies).toBe(total(before));
          // Every copy was absorbed: nothing appended to the store, so nothing new published.
          expect(await store.headPosition()).toBe(head);
          expect(total(after)).toBe(total(before) + copies);
          for (const [tenant, result] of finished)
            expect(await outcome(gateway(tenant), result)).toEqual(reference);
          await readyEverywhere();
        } finally {
          await store.close();
        }
      }),
    90_000,
  );
});

const MONGO_DOWN_MS = 3_000;

const total = (ends: Ends) =>
  Object.values(ends).reduce(
    (sum, partitions) => sum + Object.values(partitions).reduce((a, b) => a + b, 0),
    0,
  );

/**
 * The partitions each member of a consumer group holds, once it has `members` members and is
 * stable.
 */
async function groupAssignments(
  brokers: string,
  group: string,
  members: number,
  timeoutMs = 30_000,
): Promise<number[]> {
  const admin = new Kafka({
    clientId: 'e2e',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [described] = (await admin.describeGroups([group])).groups;
      if (described.state === 'Stable' && described.members.length === members)
        return described.members.map((member) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          return Object.values(assignment?.assignment ?? {}).reduce(
            (sum, partitions) => sum + partitions.length,
            0,
          );
        });
      if (Date.now() > deadline)
        throw new Error(
          `group ${group} has ${described.members.length} members (${described.state}), not ${members}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

const INVOICING_COMMAND = /^\/invoices\/|\/retainage-release$/;

/** Sends every second invoicing command to `other`, the rest (and every read) to `client`. */
function alternating(client: Client, other: Client): Client {
  let commands = 0;
  return {
    get: (path, headers) => client.get(path, headers),
    post: (path, body, headers) =>
      (INVOICING_COMMAND.test(path) && ++commands % 2 === 0 ? other : client).post(
        path,
        body,
        headers,
      ),
  };
}

/**
 * The embedded composition (all four contexts in one process) on memory adapters: the reference
 * run.
 */
async function startEmbedded(): Promise<INestApplication> {
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
  const modules = [ContractsModule, MilestonesModule, InvoicingModule, ReceivablesModule];
  const app = configureHttp(
    await NestFactory.create(composeApp(modules, infrastructure), {
      logger: ['error'],
      bodyParser: false,
    }),
    'reference',
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

type Outcome = Record<string, unknown>;

/**
 * What users see at the end: the G702s, the contract summary, every invoice, the account and its
 * aging; ids and instants aside.
 */
async function outcome(client: Client, result: ScenarioResult): Promise<Outcome> {
  const get = (path: string) => expectOk<any>(client.get(path), `GET ${path}`);
  const invoices: { invoiceId: string }[] = await get(`/invoices?contractId=${result.contractId}`);
  const aging: Record<string, unknown> = {};
  for (const date of AGING_DATES)
    aging[date] = await get(`/accounts/${result.customerId}/aging?asOf=${date}`);
  return comparable({
    g702: result.applications.map((application) => [application.number, application.g702]),
    release: [result.release.number, result.release.total],
    agingDuringTheFlow: result.aging,
    summary: await get(`/contracts/${result.contractId}`),
    invoices: await Promise.all(invoices.map((row) => get(`/invoices/${row.invoiceId}`))),
    account: await get(`/accounts/${result.customerId}`),
    aging,
  }) as Outcome;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;

/**
 * Two runs differ by the ids they mint and the instants they ran at: each id is numbered by first
 * appearance.
 */
function comparable(value: unknown): unknown {
  const ids = new Map<string, string>();
  const text = JSON.stringify(value)
    .replace(UUID, (id) => ids.get(id) ?? (ids.set(id, `id${ids.size}`), `id${ids.size - 1}`))
    .replace(INSTANT, '<instant>');
  return JSON.parse(text);
}

/** Sends the token (whose claims name the tenant) with every request. */
function tenantClient(client: Client, token: Promise<string>): Client {
  const bearer = async (headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${await token}`,
    ...headers,
  });
  return {
    post: async (path, body, headers) => client.post(path, body, await bearer(headers)),
    get: async (path, headers) => client.get(path, await bearer(headers)),
  };
}

const KILLED = 'the service was killed during this request';

/**
 * Sends the n-th POST and, a few ms later, without its answer, runs `kill`; the scenario stops
 * there.
 */
function killAt(client: Client, post: number, kill: () => Promise<void>): Client {
  let posts = 0;
  return {
    get: (path, headers) => client.get(path, headers),
    post: async (path, body, headers) => {
      if (++posts !== post) return client.post(path, body, headers);
      client.post(path, body, headers).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 3));
      await kill();
      throw new Error(KILLED);
    },
  };
}

/** Runs `then` once the n-th POST is answered, before the scenario goes on. */
function afterPost(client: Client, post: number, then: () => Promise<void>): Client {
  let posts = 0;
  return {
    get: (path, headers) => client.get(path, headers),
    post: async (path, body, headers) => {
      const reply = await client.post(path, body, headers);
      if (++posts === post) await then();
      return reply;
    },
  };
}
