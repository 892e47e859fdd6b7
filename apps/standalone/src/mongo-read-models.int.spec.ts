import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractsProjections } from '@billing/contracts/feature';
import { invoicingProjections } from '@billing/invoicing/feature';
import { milestonesProjections } from '@billing/milestones/feature';
import { receivablesProjections } from '@billing/receivables/feature';
import { MongoReadModels } from '@billing/shared/mongo';
import { compareReadModels, rebuildInto, switchTo } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';
import { AGING_DATES, runScenario, type ScenarioResult } from '@billing/shared/testing';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { startTestApp, type TestApp } from './testing/test-app';

const PROJECTIONS = [
  ...contractsProjections,
  ...milestonesProjections,
  ...invoicingProjections,
  ...receivablesProjections,
];

/** Two runs differ only by the ids they generate. */
function withoutIds(value: unknown): unknown {
  const uuids = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const ids = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(value).replace(
      uuids,
      (id) => ids.get(id) ?? (ids.set(id, `id${ids.size}`), `id${ids.size - 1}`),
    ),
  );
}

/**
 * The embedded app with its read models (projections, consumer positions, parked events) on
 * mongo-java-server.
 */
describe('the scenario on Mongo read models (mongo-java-server)', () => {
  let server: RunningMongo;
  let mongo: TestApp;
  let memory: TestApp;
  let onMongo: ScenarioResult;
  let inMemory: ScenarioResult;
  const get = async (app: TestApp, path: string) => withoutIds((await app.client.get(path)).body);

  beforeAll(async () => {
    server = await startMongo();
    [mongo, memory] = await Promise.all([
      startTestApp({ readModels: new MongoReadModels(`${server.uri}/billing`) }),
      startTestApp(),
    ]);
    [onMongo, inMemory] = await Promise.all([
      runScenario(mongo.client),
      runScenario(memory.client),
    ]);
    await Promise.all([mongo.settle(), memory.settle()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([mongo?.close(), memory?.close()]);
    await mongo?.infrastructure.readModels.close();
    await server?.stop();
  });

  it('bills the same pay applications and keeps the documents in Mongo', async () => {
    expect(
      onMongo.applications.map((application) => [application.number, application.g702]),
    ).toEqual(inMemory.applications.map((application) => [application.number, application.g702]));
    expect(onMongo.summaryBeforeClose).toMatchObject({ paid: 110_714_292, outstanding: 2_480_450 });
    expect(await mongo.infrastructure.readModels.collections()).toEqual(
      expect.arrayContaining([
        'accounts_v5',
        'contract_summary_v1',
        'invoices_v2',
        'consumer_checkpoints',
      ]),
    );
  });

  it('answers the contract summary, invoice list, account and aging as the in-memory run does', async () => {
    expect(withoutIds(onMongo.aging)).toEqual(withoutIds(inMemory.aging));
    for (const [a, b] of [
      [`/contracts/${onMongo.contractId}`, `/contracts/${inMemory.contractId}`],
      [`/invoices?contractId=${onMongo.contractId}`, `/invoices?contractId=${inMemory.contractId}`],
      [`/accounts/${onMongo.customerId}`, `/accounts/${inMemory.customerId}`],
      [
        `/accounts/${onMongo.customerId}/statement?from=2026-01-01&to=2026-07-31`,
        `/accounts/${inMemory.customerId}/statement?from=2026-01-01&to=2026-07-31`,
      ],
      ...AGING_DATES.map((date) => [`/aging?asOf=${date}`, `/aging?asOf=${date}`]),
    ]) {
      expect({ path: a, body: await get(mongo, a) }).toEqual({
        path: a,
        body: await get(memory, b),
      });
    }
  });

  it('rebuilds from zero into another database equal to the live documents (and to a SQLite rebuild), and switches', async () => {
    const store = mongo.infrastructure.eventStore;
    const live = mongo.infrastructure.readModels;
    const [side, reference] = [
      new MongoReadModels(`${server.uri}/billing_rebuild`),
      new SqliteReadModels(
        join(mkdtempSync(join(tmpdir(), 'billing-mongo-rebuild-')), 'read-models.sqlite'),
      ),
    ];
    try {
      const head = await rebuildInto(store, side, PROJECTIONS);
      await rebuildInto(store, reference, PROJECTIONS);
      const report = await compareReadModels(live, side, PROJECTIONS, head);
      expect(report.differences).toEqual([]);
      expect(report.documents).toBeGreaterThan(100);
      expect((await compareReadModels(side, reference, PROJECTIONS, head)).differences).toEqual([]);
      await switchTo(live, side, PROJECTIONS);
      expect((await compareReadModels(live, reference, PROJECTIONS, head)).differences).toEqual([]);
    } finally {
      await Promise.all([side.close(), reference.close()]);
    }
  }, 60_000);
});
