import { contractsProjections } from '@billing/contracts/feature';
import { invoicingProjections } from '@billing/invoicing/feature';
import { receivablesProjections } from '@billing/receivables/feature';
import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { MongoReadModels } from '@billing/shared/mongo';
import { compareReadModels, InMemoryReadModels, rebuildInto } from '@billing/shared/read-models';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { answerOf, financeQueries, runFinanceFlow, type FinanceRun } from './testing/finance-flow';
import { startTestApp, type TestApp } from './testing/test-app';

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
 * Finance's read models and queries (ADR 20) on MongoDB (mongo-java-server): the same answers, JSON
 * and CSV, as on the in-memory adapter.
 */
describe('the finance queries on Mongo read models (mongo-java-server)', () => {
  let server: RunningMongo;
  let mongo: TestApp;
  let memory: TestApp;
  let onMongo: FinanceRun;
  let inMemory: FinanceRun;

  beforeAll(async () => {
    server = await startMongo();
    // The read models (projections and their positions) on Mongo; the bus keeps its groups' leases
    // in memory, so that this spec measures the finance read models alone
    // (mongo-read-models.int.spec.ts runs the bus on Mongo too).
    const eventStore = new InMemoryEventStore();
    const adapters = {
      eventStore,
      readModels: new MongoReadModels(`${server.uri}/finance`),
      bus: new StoreBackedBus(eventStore, new InMemoryReadModels()),
    };
    [mongo, memory] = await Promise.all([startTestApp(adapters), startTestApp()]);
    [onMongo, inMemory] = await Promise.all([runFinanceFlow(mongo), runFinanceFlow(memory)]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([mongo?.close(), memory?.close()]);
    await mongo?.infrastructure.readModels.close();
    await server?.stop();
  }, 60_000);

  it('keeps the ledgers, WIP lines and totals, and timeliness in their own collections', async () => {
    const collections = await mongo.infrastructure.readModels.collections();
    expect(collections).toEqual(
      expect.arrayContaining([
        'contract_ledgers_v1',
        'wip_rows_v1',
        'wip_totals_v1',
        'billing_timeliness_v1',
        'billing_timeliness_contracts_v1',
      ]),
    );
  });

  it('answers every finance query, as JSON and as CSV, as the in-memory run does', async () => {
    const [paths, reference] = [financeQueries(onMongo), financeQueries(inMemory)];
    expect(paths.length).toBeGreaterThan(60);
    for (const [index, path] of paths.entries()) {
      const [a, b] = await Promise.all([answerOf(mongo, path), answerOf(memory, reference[index])]);
      expect({ path, status: a.status, answer: withoutIds(a) }).toEqual({
        path,
        status: 200,
        answer: withoutIds(b),
      });
    }
  }, 60_000);

  it('rebuilds the finance read models from zero into another database equal to the live ones', async () => {
    const projections = [
      ...contractsProjections,
      ...invoicingProjections,
      ...receivablesProjections,
    ].filter((projection) =>
      ['contract-finance', 'billing-timeliness', 'accounts'].includes(projection.name),
    );
    const side = new MongoReadModels(`${server.uri}/finance_rebuild`);
    try {
      const head = await rebuildInto(mongo.infrastructure.eventStore, side, projections);
      const report = await compareReadModels(
        mongo.infrastructure.readModels,
        side,
        projections,
        head,
      );
      expect(report.differences).toEqual([]);
      expect(report.documents).toBeGreaterThan(40);
    } finally {
      await side.close();
    }
  }, 60_000);
});
