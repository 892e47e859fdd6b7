import { startEsdbEmulator, type EsdbEmulator } from '@billing/infra/esdb-emulator';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { EsdbEventStore } from '@billing/shared/esdb';
import { MongoReadModels } from '@billing/shared/mongo';
import { ConsumerState } from '@billing/shared/read-models';
import { runScenario, type ScenarioResult } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { auditor } from './main';

/**
 * The operator's repair of a distributed service's read models (README "Operating notes"): the
 * rebuild and the check read EventStoreDB (the emulator here) and the service's database on the
 * Mongo server (mongo-java-server), as the invoicing service keeps them.
 */
describe('npm run rebuild and npm run audit on a service database in Mongo', () => {
  let emulator: EsdbEmulator;
  let mongo: RunningMongo;
  let result: ScenarioResult;
  const out: string[] = [];
  const io = {
    out: (line: string) => void out.push(line),
    err: (line: string) => void out.push(line),
  };
  const run = async (...args: string[]) => {
    out.length = 0;
    return auditor(args, io);
  };

  beforeAll(async () => {
    [emulator, mongo] = await Promise.all([startEsdbEmulator({ port: 0 }), startMongo()]);
    // The embedded app writes every context's read models into the database `invoicing`: the
    // command looks at invoicing's alone.
    const app = await startTestApp({
      eventStore: new EsdbEventStore(emulator.url),
      readModels: new MongoReadModels(mongo.uri, { dbName: 'invoicing' }),
    });
    try {
      result = await runScenario(app.client);
      await app.settle();
    } finally {
      await app.close();
      await Promise.all([
        app.infrastructure.eventStore.close(),
        app.infrastructure.readModels.close(),
      ]);
    }
  }, 120_000);
  afterAll(async () => Promise.all([emulator?.stop(), mongo?.stop()]));

  it('finds the live documents equal to a rebuild, then a changed invoice and a parked event, and repairs both with --switch', async () => {
    const where = ['--esdb', emulator.url, '--mongo', mongo.uri];
    expect(await run('rebuild', ...where, '--service', 'invoicing')).toBe(0);
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^rebuilt 2 projection\(s\) from the store's events up to position \d+ \(EventStoreDB's commit position, not a count\) in .* into the database invoicing_rebuild$/,
        ),
        'the rebuilt read models equal the live ones',
      ]),
    );
    expect(await run('check', ...where)).toBe(0);

    const live = new MongoReadModels(mongo.uri, { dbName: 'invoicing' });
    const store = new EsdbEventStore(emulator.url);
    try {
      const [invoiceId] = result.applications.map((application) => application.invoiceId);
      const invoice = (await live.get<Record<string, unknown>>('invoices_v2', invoiceId))!;
      const { _id, _position, ...content } = invoice;
      await live.apply('invoices_v2', invoiceId, _position + 1, () => ({
        ...content,
        status: 'void',
      }));
      const [first] = await store.readAll({ maxCount: 1 });
      await new ConsumerState(live).park(
        'projection:invoices@v2',
        first,
        new Error('a handler that failed before the fix'),
      );

      expect(await run('check', ...where)).toBe(1);
      expect(out).toContain(
        `PROBLEM parked by projection:invoices@v2: ${first.type} ${first.streamId}@${first.revision} (position ${first.position}, tenant ${first.metadata.tenantId}): Error: a handler that failed before the fix`,
      );
      expect(
        await run('rebuild', ...where, '--service', 'invoicing', '--projection', 'invoices'),
      ).toBe(1);
      expect(out.some((line) => line.startsWith(`DIFFERS invoices_v2/${invoiceId}\n`))).toBe(true);
      expect(out).toContain('1 document(s) differ');

      expect(
        await run(
          'rebuild',
          ...where,
          '--service',
          'invoicing',
          '--projection',
          'invoices',
          '--switch',
        ),
      ).toBe(0);
      expect(out).toContain('the live read models are now the rebuilt ones');
      expect(await live.get('invoices_v2', invoiceId)).toEqual(invoice);
      expect(await run('check', ...where)).toBe(0);
      expect(await run('rebuild', ...where, '--service', 'invoicing')).toBe(0);
    } finally {
      await Promise.all([live.close(), store.close()]);
    }
  }, 120_000);

  it('refuses what would mix the two modes or name no service, before it opens anything', async () => {
    const refusals: [string[], RegExp][] = [
      [
        ['--esdb', emulator.url, '--mongo', mongo.uri],
        /--mongo needs --service, one of contracts, milestones, invoicing, receivables/,
      ],
      [
        ['--esdb', emulator.url, '--mongo', mongo.uri, '--service', 'billing'],
        /--mongo needs --service/,
      ],
      [['--service', 'invoicing'], /give --mongo URL with it/],
      // The services' read models come from EventStoreDB, never from an embedded store, and the
      // reverse.
      [
        ['--mongo', mongo.uri, '--service', 'invoicing'],
        /give the EventStoreDB they are projected from with --esdb URL/,
      ],
      [
        ['--esdb', emulator.url],
        /each service's database in Mongo: give --mongo URL and --service NAME/,
      ],
      [
        ['--esdb', emulator.url, '--mongo', 'localhost:27017', '--service', 'invoicing'],
        /--mongo is a MongoDB connection string/,
      ],
      [
        ['some/data', '--esdb', emulator.url, '--mongo', mongo.uri, '--service', 'invoicing'],
        /not both/,
      ],
    ];
    for (const [args, said] of refusals) {
      expect([args, await run('rebuild', ...args)]).toEqual([args, 2]);
      expect(out.join('\n')).toMatch(said);
    }
    expect(await run('check', '--mongo', mongo.uri)).toBe(2);
    expect(out.join('\n')).toMatch(/--esdb URL/);
    // The books of EventStoreDB alone: checked, and the read models it did not look at said so.
    expect(await run('check', '--esdb', emulator.url)).toBe(0);
    expect(out).toContain(
      "parked events not checked: give --mongo URL for the services' read models",
    );
    // A string the driver refuses: a usage of the command's, the store it opened closed.
    expect(
      await run('check', '--esdb', emulator.url, '--mongo', 'mongodb://127.0.0.1:1/?bogus=1'),
    ).toBe(2);
    expect(out.join('\n')).toMatch(/no Mongo client could be made/);
  });
});
