import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { InMemoryReadModels, parkedProblems } from '@billing/shared/read-models';
import { CUSTOMER, expectOk, issuedSmallApplication, smallContract } from '@billing/shared/testing';
import { Background } from '@billing/shared/nest';
import { getDocument, pdfText } from './testing/pdf';
import { startTestApp, type TestApp } from './testing/test-app';

/**
 * An event no reader can read, written past the schemas (an old bug, a hand edit): it must not take
 * the service down.
 */
function poison(type: string, data: unknown, tenantId = 'default'): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: randomUUID(),
      actor: 'old-version',
      occurredAt: '2026-01-02T00:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

/**
 * The small application issued, then `poisoned` appended past the API to the stream `streamOf`
 * names (app specs name streams as the store holds them); answers the app started again on the
 * store with empty read models.
 */
async function issuedThenPoisoned(
  streamOf: (invoice: any) => string,
  poisoned: (invoice: any) => NewEvent,
): Promise<{ second: TestApp; invoice: any }> {
  const store = new InMemoryEventStore();
  const first = await startTestApp({ eventStore: store });
  const invoice = await issuedSmallApplication(first.client);
  await first.settle();
  await first.close();
  const stream = streamOf(invoice);
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  await store.append(stream, [poisoned(invoice)], last.revision);
  const second = await startTestApp({ eventStore: store, readModels: new InMemoryReadModels() });
  return { second, invoice };
}

describe('a poison event in the store', () => {
  let logged: jest.SpyInstance[];
  beforeEach(
    () =>
      (logged = [
        jest.spyOn(console, 'error').mockImplementation(() => undefined),
        jest.spyOn(console, 'warn').mockImplementation(() => undefined),
        // A command on a stream a hand edit broke fails (500), logged as such.
        jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
      ]),
  );
  afterEach(() => logged.forEach((spy) => spy.mockRestore()));

  it('is parked: the service boots, serves everything else, and says what it parked', async () => {
    const store = new InMemoryEventStore();
    const first = await startTestApp({ eventStore: store });
    const good = (await expectOk<any>(first.client.post('/contracts', smallContract()), 'create'))
      .contractId as string;
    await expectOk(
      first.client.post(`/contracts/${good}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await first.settle();
    await first.close();

    // Written straight into the store, as an older version without schemas could have.
    const poisoned = randomUUID();
    await store.append(
      `contract-${poisoned}`,
      [poison('ContractCreated', { contractId: poisoned, title: 'no customer' })],
      'no_stream',
    );
    await store.append(
      `contract-${poisoned}`,
      [poison('ContractActivated', { contractId: poisoned, activatedOn: '2026-02-30' })],
      0,
    );

    // A cold start rebuilds every read model from zero over the poison.
    const second = await startTestApp({ eventStore: store, readModels: new InMemoryReadModels() });
    try {
      await second.settle();
      const ready = await second.client.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      // Degraded for what it parked, not for its bus (the event store's own subscriptions).
      expect(ready.body.info.bus).toMatchObject({
        status: 'up',
        on: 'the event store',
        groups: {
          contracts: 'consuming',
          milestones: 'consuming',
          invoicing: 'consuming',
          receivables: 'consuming',
        },
      });
      const [created, activated] = (await store.readStream(`contract-${poisoned}`)).map(
        (event) => event.id,
      );
      expect(ready.body.parked).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            consumer: 'projection:contract-summary@v1',
            type: 'ContractCreated',
            eventId: created,
          }),
          expect.objectContaining({
            consumer: 'milestones',
            type: 'ContractActivated',
            eventId: activated,
          }),
          expect.objectContaining({
            consumer: 'invoicing',
            type: 'ContractActivated',
            eventId: activated,
          }),
        ]),
      );
      // Readiness is open: it names the events, not their tenant, stream, position or error.
      for (const entry of ready.body.parked)
        expect(Object.keys(entry).sort()).toEqual(['consumer', 'eventId', 'parkedAt', 'type']);

      // npm run audit names them too.
      const audit = parkedProblems(await second.app.get(Background).parked());
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^parked by projection:contract-summary@v1: ContractCreated contract-${poisoned}@0`,
            ),
          ),
        ]),
      );

      const summary = await second.client.get(`/contracts/${good}`);
      expect(summary).toMatchObject({
        status: 200,
        body: { status: 'active', contractSumToDate: 1_000_000 },
      });
      expect(summary.headers?.['billing-degraded']).toMatch(/parked/);
      expect(summary.body).not.toHaveProperty('_position');
      const marked = await second.client.get(`/contracts/${poisoned}`);
      expect(marked.body.degraded.parkedEvents).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'ContractCreated' })]),
      );
      // Named by its id, type and error: not by the store's position, a count of every tenant's.
      for (const mark of marked.body.degraded.parkedEvents)
        expect(Object.keys(mark).sort()).toEqual(['error', 'eventId', 'type']);

      // Commands go on, and another tenant is not told about this one's parked events.
      const other = await expectOk<any>(
        second.client.post('/contracts', smallContract()),
        'create after the poison',
      );
      await expectOk(
        second.client.post(`/contracts/${other.contractId}/activate`, { date: '2026-01-05' }),
        'activate after the poison',
      );
      await second.settle();
      expect((await second.client.get(`/contracts/${other.contractId}/billing`)).status).toBe(200);
      expect(
        (await (await second.as({ tenantId: 'acme' })).get('/contracts')).headers?.[
          'billing-degraded'
        ],
      ).toBeUndefined();
    } finally {
      await second.close();
    }
  }, 30_000);

  it('is parked when a hand edit broke its row (data not JSON, metadata null or not JSON): the service boots and names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-poison-rows-'));
    const file = join(dir, 'events.sqlite');
    try {
      const first = await startTestApp({ eventStore: new SqliteEventStore(file) });
      const create = async () =>
        (await expectOk<any>(first.client.post('/contracts', smallContract()), 'create'))
          .contractId as string;
      const good = await create();
      // A stream a hand edit broke after its first event, and one given an event past a gap.
      const broken = await create();
      const gapped = await create();
      await first.settle();
      await first.close();

      const metadata = JSON.stringify(poison('x', {}).metadata);
      const rows = [
        ['ContractCreated', 'not json{', metadata],
        ['ContractCreated', '{}', 'null'],
        [
          'ContractActivated',
          JSON.stringify({ contractId: good, activatedOn: '2026-01-05' }),
          'garbage',
        ],
      ]
        .map(([type, data, meta]) => ({
          stream: `contract-${randomUUID()}`,
          revision: 0,
          id: randomUUID(),
          type,
          data,
          meta,
        }))
        .concat({
          stream: `contract-${broken}`,
          revision: 1,
          id: randomUUID(),
          type: 'ContractActivated',
          data: 'not json{',
          meta: metadata,
        });
      const db = new Database(file);
      // Its creation copied at revision 2 (revision 1 missing): folded, it would start the contract
      // again.
      const created = db
        .prepare<[string], { type: string; data: string; metadata: string }>(
          'SELECT type, data, metadata FROM events WHERE stream_id = ? AND revision = 0',
        )
        .get(`contract-${gapped}`)!;
      const insert = db.prepare(
        "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, '2026-01-02T00:00:00.000Z')",
      );
      for (const row of rows)
        insert.run(row.stream, row.revision, row.id, row.type, row.data, row.meta);
      insert.run(
        `contract-${gapped}`,
        2,
        randomUUID(),
        created.type,
        created.data,
        created.metadata,
      );
      db.close();

      const second = await startTestApp({
        eventStore: new SqliteEventStore(file),
        readModels: new InMemoryReadModels(),
      });
      try {
        await second.settle();
        const ready = await second.client.get('/health/ready');
        expect([ready.status, ready.body.status]).toEqual([200, 'degraded']);
        const parkedIds = new Set(
          ready.body.parked.map((entry: { eventId: string }) => entry.eventId),
        );
        expect(rows.filter((row) => !parkedIds.has(row.id))).toEqual([]);
        expect((await second.app.get(Background).parked()).map((entry) => entry.error)).toEqual(
          expect.arrayContaining([expect.stringMatching(/metadata\.tenantId: is required/)]),
        );
        expect((await second.client.get(`/contracts/${good}`)).body).toMatchObject({
          contractId: good,
          status: 'draft',
        });
        // A command never decides on a stream it cannot read: it fails and writes nothing.
        const head = await second.infrastructure.eventStore.headPosition();
        const cancel = await second.client.post(`/contracts/${broken}/cancel`, {
          reason: 'on a broken stream',
        });
        expect(cancel.status).toBe(500);
        const activate = await second.client.post(`/contracts/${gapped}/activate`, {
          date: '2026-01-05',
        });
        expect(activate.status).toBe(500);
        expect(await second.infrastructure.eventStore.headPosition()).toBe(head);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("marks the customer's account when an event of it is parked", async () => {
    const { second } = await issuedThenPoisoned(
      () => `account-default.${CUSTOMER.id}`,
      () => poison('PaymentReceived', { amount: 'ten' }),
    );
    try {
      await second.settle();
      const account = await second.client.get(`/accounts/${CUSTOMER.id}`);
      expect(account.status).toBe(200);
      expect(account.body.degraded?.parkedEvents).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'PaymentReceived' })]),
      );
      const statement = await second.client.get(
        `/accounts/${CUSTOMER.id}/statement?from=2026-01-01&to=2026-12-31`,
      );
      expect(statement.body.degraded?.parkedEvents).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'PaymentReceived' })]),
      );
      // The statement as the customer gets it says so on every page, not only in a header.
      const pdf = await getDocument(
        second,
        `/accounts/${CUSTOMER.id}/statement/pdf?from=2026-01-01&to=2026-12-31`,
      );
      expect(pdf.headers['billing-degraded']).toMatch(/parked/);
      for (const page of (await pdfText(pdf.bytes)).pages)
        expect(page).toContain(
          'INCOMPLETE: 1 event(s) of this account could not be applied yet; figures may lack them',
        );
    } finally {
      await second.close();
    }
  }, 30_000);

  it("marks the PDF of an invoice when an event of its contract's ledger is parked: it may have been voided since", async () => {
    const { second, invoice } = await issuedThenPoisoned(
      (issued) => `billing-${issued.contractId}`,
      (issued) => poison('InvoiceVoided', { invoiceId: issued.invoiceId, voidedOn: 'someday' }),
    );
    try {
      await second.settle();
      const pdf = await getDocument(second, `/invoices/${invoice.invoiceId}/pdf`);
      expect(pdf.status).toBe(200);
      for (const page of (await pdfText(pdf.bytes)).pages)
        expect(page).toContain(
          "INCOMPLETE: 1 event(s) of this contract's billing could not be applied yet; this invoice may have been voided since",
        );
    } finally {
      await second.close();
    }
  }, 30_000);

  it("parks an event of one tenant written into another tenant's account: it never pays the other tenant's invoice", async () => {
    const store = new InMemoryEventStore();
    const first = await startTestApp({ eventStore: store });
    await issuedSmallApplication(first.client);
    const acme = await first.as({ tenantId: 'acme' });
    const { total } = await issuedSmallApplication(acme);
    await first.settle();
    const payment = {
      amount: 1_000,
      currency: 'USD',
      method: 'wire',
      reference: 'r-1',
      receivedOn: '2026-02-10',
    };
    await expectOk(acme.post(`/accounts/${CUSTOMER.id}/payments`, payment), 'pay');
    await first.settle();
    await first.close();
    // acme's payment, copied by hand into the account stream of tenant default's customer.
    const [paid] = (await store.readStream(`account-acme.${CUSTOMER.id}`)).filter(
      (event) => event.type === 'PaymentReceived',
    );
    const theirs = `account-default.${CUSTOMER.id}`;
    const [last] = await store.readStream(theirs, { direction: 'backwards', maxCount: 1 });
    await store.append(
      theirs,
      [{ id: randomUUID(), type: paid.type, data: paid.data, metadata: paid.metadata }],
      last.revision,
    );

    const second = await startTestApp({ eventStore: store, readModels: new InMemoryReadModels() });
    try {
      await second.settle();
      const account = await (await second.as({ tenantId: 'acme' })).get(`/accounts/${CUSTOMER.id}`);
      expect(account.body.balance).toBe(total - 1_000);
      const ready = await second.client.get('/health/ready');
      expect(ready.body.parked).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'PaymentReceived' })]),
      );
      // Tenant default's account decides on its own events only.
      const mine = await second.client.post(`/accounts/${CUSTOMER.id}/payments`, payment);
      expect(mine.status).toBe(500);
    } finally {
      await second.close();
    }
  }, 30_000);
});
