import { InMemoryEventStore } from '@billing/shared/event-store';
import { StoreBackedBus, type Bus } from '@billing/shared/bus';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { CLOSE_WAIT_MS } from '@billing/contracts/feature';
import {
  activeSmallContract,
  CUSTOMER,
  expectOk,
  smallContract,
  waitFor,
  type Client,
} from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';
import { getDocument, missing, pdfText, usd } from './testing/pdf';

/**
 * The store's bus, with every message to the contracts service's group handed over `delayMs` late
 * (a busy broker, a slow network).
 */
function slowToContracts(delayMs: number): {
  eventStore: InMemoryEventStore;
  readModels: InMemoryReadModels;
  bus: Bus;
} {
  const [eventStore, readModels] = [new InMemoryEventStore(), new InMemoryReadModels()];
  const bus = new StoreBackedBus(eventStore, readModels);
  const subscribe = bus.subscribe.bind(bus);
  bus.subscribe = (group, topics, handler) =>
    subscribe(group, topics, async (message) => {
      if (group === 'contracts') await new Promise((resolve) => setTimeout(resolve, delayMs));
      return handler(message);
    });
  return { eventStore, readModels, bus };
}

/** Issues the draft `which` picks once the reactions wrote it; answers the issued invoice. */
async function issueDraft(
  client: Client,
  contractId: string,
  which: (invoice: any) => boolean,
  date: string,
): Promise<any> {
  const drafts = `/invoices?contractId=${contractId}&status=draft`;
  const found = await waitFor<any[]>(client, drafts, (list) => list.some(which), 'the draft');
  const draft = found.find(which);
  return expectOk<any>(client.post(`/invoices/${draft.invoiceId}/issue`, { date }), 'issue');
}

const progress = (invoice: any) => invoice.kind === 'progress';
const release = (invoice: any) => invoice.kind === 'retainage-release';

/** Line A reported at `percentComplete` for the period, certified, and its pay application issued. */
async function bill(
  client: Client,
  contractId: string,
  [periodEnd, percentComplete, certifiedOn, issuedOn]: [string, number, string, string],
): Promise<any> {
  const lines = [{ lineId: 'A', percentComplete, storedMaterials: 0 }];
  const reports = `/contracts/${contractId}/progress-reports`;
  await expectOk(client.post(reports, { periodEnd, lines }), 'report');
  await expectOk(client.post(`${reports}/${periodEnd}/certify`, { date: certifiedOn }), 'certify');
  return issueDraft(client, contractId, progress, issuedOn);
}

/**
 * A one-line contract billed in full, completed, its retainage release issued, and the contract
 * told so: what is left to close it is its payment.
 */
async function billedAndReleased(client: Client): Promise<{ contractId: string; due: number }> {
  const contractId = await activeSmallContract(client);
  await bill(client, contractId, ['2026-01-31', 10000, '2026-02-02', '2026-02-03']);
  const complete = client.post(`/contracts/${contractId}/complete`, { date: '2026-02-10' });
  await expectOk(complete, 'complete');
  await issueDraft(client, contractId, release, '2026-02-12');
  const summary = await waitFor<any>(
    client,
    `/contracts/${contractId}`,
    (s) => s.retainageHeld === 0 && s.outstanding === 1_000_000,
    'the release on the contract',
  );
  return { contractId, due: summary.outstanding };
}

describe('what a client waits for', () => {
  it('shows a reaction a billing rule refused, with the reason, so "never" is not "not yet"', async () => {
    const test = await startTestApp();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { contractId } = await expectOk<any>(
        test.client.post('/contracts', smallContract()),
        'create',
      );
      await expectOk(
        test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
        'activate',
      );
      await waitFor(test.client, `/contracts/${contractId}/billing`, () => true, 'ledger');
      // Completed with nothing billed: no retainage is held, so no release will ever be drafted.
      await expectOk(
        test.client.post(`/contracts/${contractId}/complete`, { date: '2026-02-01' }),
        'complete',
      );
      const refusals = await waitFor<any[]>(
        test.client,
        `/refusals?contractId=${contractId}`,
        (list) => list.length > 0,
        'the refusal',
      );
      expect(refusals).toEqual([
        expect.objectContaining({
          consumer: 'invoicing',
          type: 'ContractPhaseChanged',
          contractId,
          reason: expect.stringMatching(/no retainage is held/),
        }),
      ]);
      expect((await (await test.as({ tenantId: 'other' })).get('/refusals')).body).toEqual([]);
    } finally {
      warn.mockRestore();
      await test.close();
    }
  }, 30_000);

  it('answers a certification with where its pay application will appear', async () => {
    const test = await startTestApp();
    try {
      const { contractId } = await expectOk<any>(
        test.client.post('/contracts', smallContract()),
        'create',
      );
      await expectOk(
        test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
        'activate',
      );
      await waitFor(test.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
      await expectOk(
        test.client.post(`/contracts/${contractId}/progress-reports`, {
          periodEnd: '2026-01-31',
          lines: [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }],
        }),
        'report',
      );
      const certified = await expectOk<any>(
        test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}),
        'certify',
      );
      expect(certified.next.payApplication).toBe(`/invoices?contractId=${contractId}&status=draft`);
      expect(
        await waitFor<any[]>(
          test.client,
          certified.next.payApplication,
          (list) => list.length === 1,
          'the draft',
        ),
      ).toHaveLength(1);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('closes a contract right after its final payment, once the payment reached the contract', async () => {
    const test = await startTestApp(slowToContracts(500));
    try {
      const { contractId, due } = await billedAndReleased(test.client);
      await expectOk(
        test.client.post(`/accounts/${smallContract().customer.id}/payments`, {
          amount: due,
          currency: 'USD',
          method: 'wire',
          reference: 'final',
          receivedOn: '2026-03-01',
        }),
        'pay',
      );
      // No wait: the contract hears of the payment half a second later, and the close asks again
      // meanwhile.
      const closed = await expectOk<any>(
        test.client.post(`/contracts/${contractId}/close`, { date: '2026-03-02' }),
        'close',
      );
      expect(closed.status).toBe('closed');
    } finally {
      await test.close();
    }
  }, 30_000);

  it('still refuses to close a contract with an invoice open, after asking again for a while, and changes nothing', async () => {
    const test = await startTestApp();
    try {
      const { contractId } = await billedAndReleased(test.client);
      const started = Date.now();
      const refused = await test.client.post(`/contracts/${contractId}/close`, {
        date: '2026-03-02',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toMatch(/invoices still have 1000000 open/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(CLOSE_WAIT_MS);
      expect((await test.client.get(`/contracts/${contractId}`)).body.status).toBe('completed');
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses to void an invoice written off in part, and the account keeps owing nothing it was not owed', async () => {
    const test = await startTestApp();
    try {
      const contractId = await activeSmallContract(test.client);
      const invoice = await bill(test.client, contractId, [
        '2026-01-31',
        5000,
        '2026-02-02',
        '2026-02-03',
      ]);
      await test.settle();
      const account = `/accounts/${CUSTOMER.id}`;
      await expectOk(
        test.client.post(`${account}/invoices/${invoice.invoiceId}/write-off`, {
          amount: 100,
          reason: 'rounding dispute',
          date: '2026-02-04',
        }),
        'write-off',
      );
      await test.settle();
      const before = (await test.client.get(account)).body;
      const refused = await test.client.post(`/invoices/${invoice.invoiceId}/void`, {
        reason: 'entered twice',
        date: '2026-02-05',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toMatch(/written off in part \(100 of \d+\)/);
      await test.settle();
      expect((await test.client.get(account)).body).toEqual(before);
      expect(before.balance).toBe(invoice.total - 100);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses an application dated before the one it deducts, and the number series stays gapless', async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      const contractId = await activeSmallContract(client);
      // January's application issued late, on 5 March; February's then issued "on 1 March".
      await bill(client, contractId, ['2026-01-31', 3000, '2026-02-02', '2026-03-05']);
      const reports = `/contracts/${contractId}/progress-reports`;
      const lines = [{ lineId: 'A', percentComplete: 6000, storedMaterials: 0 }];
      await expectOk(client.post(reports, { periodEnd: '2026-02-28', lines }), 'report');
      await expectOk(
        client.post(`${reports}/2026-02-28/certify`, { date: '2026-03-01' }),
        'certify',
      );
      const drafts = `/invoices?contractId=${contractId}&status=draft`;
      const [draft] = await waitFor<any[]>(client, drafts, (list) => list.length === 1, 'draft');
      const early = await client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-03-01' });
      // Before: issued, and WIP and the as-of views took the earlier-dated one for the latest.
      expect([early.status, early.body.detail]).toEqual([
        422,
        'the issue date 2026-03-01 is before pay application 1 (INV-2026-00001) issued on 2026-03-05, which this pay application deducts (G702 line 7)',
      ]);
      const issued = client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-03-05' });
      expect(await expectOk<any>(issued, 'issue')).toMatchObject({ number: 'INV-2026-00002' });
    } finally {
      await test.close();
    }
  }, 30_000);

  it('after completion, a voided last application takes its release draft with it; the work and then the release are drafted again', async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      const contractId = await activeSmallContract(client);
      await bill(client, contractId, ['2026-01-31', 2000, '2026-02-02', '2026-02-03']);
      const last = await bill(client, contractId, [
        '2026-02-28',
        10000,
        '2026-03-02',
        '2026-03-03',
      ]);
      const complete = client.post(`/contracts/${contractId}/complete`, { date: '2026-03-10' });
      await expectOk(complete, 'complete');
      const drafts = `/invoices?contractId=${contractId}&status=draft`;
      const [drafted] = await waitFor<any[]>(
        client,
        drafts,
        (list) => list.some(release),
        'release',
      );
      expect(drafted.amount).toBe(100_000);
      const body = { date: '2026-03-11', reason: 'wrong quantities' };
      await expectOk(client.post(`/invoices/${last.invoiceId}/void`, body), 'void');
      // The release bills line 5 of an application that is void now: it is withdrawn, and the
      // voided work drafted again.
      expect((await client.get(`/invoices/${drafted.invoiceId}`)).body.status).toBe('withdrawn');
      const again = await issueDraft(client, contractId, progress, '2026-03-12');
      expect(again).toMatchObject({ kind: 'progress', amount: 720_000 });
      await issueDraft(client, contractId, release, '2026-03-13');
      const summary = await waitFor<any>(
        client,
        `/contracts/${contractId}`,
        (s) => s.retainageHeld === 0 && s.billedNet === 1_000_000,
        'billed in full, once',
      );
      expect(summary).toMatchObject({
        completedAndStoredToDate: 1_000_000,
        retainageHeld: 0,
        billedNet: 1_000_000,
        outstanding: 1_000_000,
      });
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('a change order entered while a pay application is in draft', () => {
  /** The small contract active, line A certified at `percent` for January: its draft. */
  async function certified(
    client: Client,
    percent: number,
  ): Promise<{ contractId: string; draft: any }> {
    const contractId = await activeSmallContract(client);
    const reports = `/contracts/${contractId}/progress-reports`;
    const lines = [{ lineId: 'A', percentComplete: percent, storedMaterials: 0 }];
    await expectOk(client.post(reports, { periodEnd: '2026-01-31', lines }), 'report');
    await expectOk(client.post(`${reports}/2026-01-31/certify`, { date: '2026-02-01' }), 'certify');
    const drafts = `/invoices?contractId=${contractId}&status=draft`;
    const [draft] = await waitFor<any[]>(client, drafts, (list) => list.length === 1, 'the draft');
    return { contractId, draft };
  }
  const changeOrder = (number: string, amount: number, approvedOn: string) => ({
    number,
    description: number,
    amount,
    approvedOn,
    lines: [{ lineId: number, item: '2', description: number, scheduledValue: amount }],
  });

  it("approved within the period, it is on that period's application (entered after the certification)", async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      const { contractId, draft } = await certified(client, 5000);
      const co = client.post(
        `/contracts/${contractId}/change-orders`,
        changeOrder('CO-1', 50_000, '2026-01-15'),
      );
      await expectOk(co, 'change order');
      await test.settle();
      await expectOk(
        client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-05' }),
        'issue',
      );
      const issued = (await client.get(`/invoices/${draft.invoiceId}`)).body;
      // Before: line 2 = 0 and line 3 = 1,000,000 while the contract said 1,050,000.
      expect(issued.g702).toMatchObject({
        netChangeByChangeOrders: 50_000,
        contractSumToDate: 1_050_000,
      });
      expect(issued.g703.map((line: any) => line.lineId)).toEqual(['A', 'CO-1']);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('a deduction below the work certified withdraws the draft with the reason: nothing is issued beyond the contract sum', async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      const { contractId, draft } = await certified(client, 10000);
      const co = client.post(
        `/contracts/${contractId}/change-orders`,
        changeOrder('CO-D', -600_000, '2026-02-01'),
      );
      await expectOk(co, 'change order');
      await test.settle();
      // Before: the draft stayed and was issued for 900,000 on a contract now worth 400,000.
      const issue = await test.client.post(`/invoices/${draft.invoiceId}/issue`, {
        date: '2026-02-05',
      });
      expect([issue.status, issue.body.detail]).toEqual([
        404,
        `invoice ${draft.invoiceId} not found on this contract`,
      ]);
      const billing = (await test.client.get(`/contracts/${contractId}/billing`)).body;
      expect(billing.refusals).toEqual([
        {
          contractId,
          certificationId: expect.any(String),
          periodEnd: '2026-01-31',
          reason:
            'the work completed and stored to date (G702 line 4) would be 1000000, above the contract sum to date (line 3) of 400000: a change order took the sum below the work certified',
        },
      ]);
      expect((await test.client.get(`/invoices?contractId=${contractId}`)).body).toEqual([
        expect.objectContaining({ invoiceId: draft.invoiceId, status: 'withdrawn' }),
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('a void racing a payment or a write-off (invoicing decides the void before it hears of them)', () => {
  /** The store's bus, with messages to the invoicing service held while `hold.closed`. */
  async function appWithHeldInvoicing() {
    const [eventStore, readModels] = [new InMemoryEventStore(), new InMemoryReadModels()];
    const bus = new StoreBackedBus(eventStore, readModels);
    const hold = { closed: false };
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (group, topics, handler) =>
      subscribe(group, topics, async (message) => {
        while (group === 'invoicing' && hold.closed)
          await new Promise((resolve) => setTimeout(resolve, 10));
        return handler(message);
      });
    return { test: await startTestApp({ eventStore, readModels, bus }), hold };
  }
  const account = `/accounts/${CUSTOMER.id}`;

  /** An issued application, then `meanwhile` on the account while invoicing hears nothing, then its void. */
  async function voidedMeanwhile(meanwhile: (client: Client, invoice: any) => Promise<void>) {
    const { test, hold } = await appWithHeldInvoicing();
    const { client } = test;
    const contractId = await activeSmallContract(client);
    const invoice = await bill(client, contractId, [
      '2026-01-31',
      5000,
      '2026-02-02',
      '2026-02-03',
    ]);
    await test.settle();
    hold.closed = true;
    await meanwhile(client, invoice);
    const voided = client.post(`/invoices/${invoice.invoiceId}/void`, {
      reason: 'entered twice',
      date: '2026-02-06',
    });
    await expectOk(voided, 'void');
    hold.closed = false;
    await test.settle();
    return { test, invoice, contractId };
  }

  it('a payment: the void gives it back as credit, and its reversal takes that credit back', async () => {
    const payment = {
      amount: 200_000,
      currency: 'USD',
      method: 'check',
      reference: 'CHK-77',
      receivedOn: '2026-02-05',
    };
    let paymentId = '';
    const { test, invoice, contractId } = await voidedMeanwhile(async (client) => {
      ({ paymentId } = await expectOk<any>(client.post(`${account}/payments`, payment), 'pay'));
    });
    try {
      expect((await test.client.get(account)).body).toMatchObject({
        balance: -200_000,
        unappliedCredit: 200_000,
      });
      // The payment left the void invoice as credit: neither the invoice nor its contract counts it
      // as paid (it would be counted again once the credit is applied).
      expect((await test.client.get(`/invoices/${invoice.invoiceId}`)).body).toMatchObject({
        status: 'void',
        paid: 0,
      });
      expect((await test.client.get(`/contracts/${contractId}`)).body).toMatchObject({ paid: 0 });
      await expectOk(
        test.client.post(`${account}/payments/${paymentId}/reverse`, {
          reason: 'NSF',
          date: '2026-02-20',
        }),
        'reverse',
      );
      await test.settle();
      // Before: the bounced check left 200,000 of credit nobody paid for, beside a balance of 0.
      expect((await test.client.get(account)).body).toMatchObject({
        balance: 0,
        unappliedCredit: 0,
      });
    } finally {
      await test.close();
    }
  }, 30_000);

  it('a write-off: the void takes off what was still charged, and the account owes nothing, not less than nothing', async () => {
    const { test, invoice } = await voidedMeanwhile(async (client, invoice) => {
      await expectOk(
        client.post(`${account}/invoices/${invoice.invoiceId}/write-off`, {
          amount: 100,
          reason: 'rounding dispute',
          date: '2026-02-04',
        }),
        'write-off',
      );
    });
    try {
      // Before: -100, owed to the customer with no credit behind it.
      expect((await test.client.get(account)).body).toMatchObject({
        balance: 0,
        unappliedCredit: 0,
      });
      const statement = await test.client.get(`${account}/statement?from=2026-01-01&to=2026-12-31`);
      expect(statement.body).toMatchObject({ closingBalance: 0 });
      expect(statement.body.lines.map(({ kind, amount }: any) => [kind, amount])).toEqual([
        ['invoice', invoice.total],
        ['write-off', -100],
        ['void', -(invoice.total - 100)],
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('a command on a ledger while one of its documents is being issued', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The app on an in-memory store the test holds. */
  async function appOnItsStore() {
    const eventStore = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const bus = new StoreBackedBus(eventStore, readModels);
    return { test: await startTestApp({ eventStore, readModels, bus }), eventStore };
  }

  /** Runs `meanwhile`, and waits for it, before the store appends the first number reservation. */
  function beforeFirstReservation(
    eventStore: InMemoryEventStore,
    meanwhile: () => Promise<unknown>,
  ): void {
    const append = eventStore.append.bind(eventStore);
    let done = false;
    eventStore.append = async (streamId, events, expected) => {
      if (streamId.startsWith('numbering-') && !done) {
        done = true;
        await meanwhile();
      }
      return append(streamId, events, expected);
    };
  }

  /** A contract billed in full once and completed: its last application and the release drafted. */
  async function completedWithReleaseDraft(client: Client) {
    const contractId = await activeSmallContract(client);
    const last = await bill(client, contractId, ['2026-01-31', 10000, '2026-02-02', '2026-02-03']);
    const complete = client.post(`/contracts/${contractId}/complete`, { date: '2026-02-10' });
    await expectOk(complete, 'complete');
    const drafts = `/invoices?contractId=${contractId}&status=draft`;
    const [releaseDraft] = await waitFor<any[]>(client, drafts, (list) => list.some(release), '');
    return { contractId, last, releaseDraft };
  }

  it('waits for the issue: the number reserved goes on the document it was reserved for (a void that withdraws the release being issued does not take its number away)', async () => {
    const { test, eventStore } = await appOnItsStore();
    try {
      const { client } = test;
      const { last, releaseDraft } = await completedWithReleaseDraft(client);
      // While the release's number is being reserved, the application it bills is voided (which
      // withdraws a release still in draft).
      let voided: Promise<{ status: number; body: any }> | undefined;
      beforeFirstReservation(eventStore, async () => {
        const body = { date: '2026-02-11', reason: 'wrong quantities' };
        voided = client.post(`/invoices/${last.invoiceId}/void`, body);
        await Promise.race([voided, sleep(300)]);
      });
      const issue = client.post(`/invoices/${releaseDraft.invoiceId}/issue`, {
        date: '2026-02-12',
      });
      expect(await expectOk<any>(issue, 'issue')).toMatchObject({ number: 'INV-2026-00002' });
      expect(voided).toBeDefined();
      // Then the void comes: the issued release builds on the application, which is refused.
      expect((await voided)!.body.detail).toMatch(/only the latest pay application can be voided/);
      const reserved = await eventStore.readAll({ streamPrefixes: ['numbering-'] });
      const numbered = await Promise.all(
        reserved.map(async ({ data }) => {
          const { documentId, number } = data as { documentId: string; number: string };
          const { body } = await client.get(`/invoices/${documentId}`);
          return { reserved: number, on: body.number, status: body.status };
        }),
      );
      expect(numbered).toEqual([
        { reserved: 'INV-2026-00001', on: 'INV-2026-00001', status: expect.any(String) },
        { reserved: 'INV-2026-00002', on: 'INV-2026-00002', status: 'issued' },
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('voids the number unused when another instance withdrew the draft being issued: the series stays gapless', async () => {
    const { test, eventStore } = await appOnItsStore();
    // A second instance on the same store and read models (its own queue per stream, not the
    // first one's), as two instances of the invoicing service are.
    const readModels = test.infrastructure.readModels;
    const other = await startTestApp({
      eventStore,
      readModels,
      bus: new StoreBackedBus(eventStore, readModels),
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { client } = test;
      const { contractId, last, releaseDraft } = await completedWithReleaseDraft(client);
      // The other instance voids the application the release bills while the release's number is
      // reserved here, which withdraws the release draft.
      beforeFirstReservation(eventStore, () =>
        expectOk(
          other.client.post(`/invoices/${last.invoiceId}/void`, {
            date: '2026-02-11',
            reason: 'wrong quantities',
          }),
          'void on the other instance',
        ),
      );
      const issue = await client.post(`/invoices/${releaseDraft.invoiceId}/issue`, {
        date: '2026-02-12',
      });
      // The release draft is gone: withdrawn drafts leave the ledger.
      expect([issue.status, issue.body.detail]).toEqual([
        404,
        `invoice ${releaseDraft.invoiceId} not found on this contract`,
      ]);
      const series = async () =>
        (await eventStore.readAll({ streamPrefixes: ['numbering-'] })).map(({ type, data }) => {
          const { number, reason } = data as { number: string; reason?: string };
          return [type, number, ...(reason ? [reason] : [])];
        });
      const voided = [
        'NumberVoided',
        'INV-2026-00002',
        expect.stringMatching(/draft was withdrawn/),
      ];
      for (const deadline = Date.now() + 5_000; (await series()).length < 3;) {
        if (Date.now() > deadline) throw new Error('the number was not voided in 5 s');
        await sleep(20);
      }
      // The voided application's work, drafted again, takes the next number.
      const redrafted = await issueDraft(client, contractId, progress, '2026-02-13');
      expect(redrafted.number).toBe('INV-2026-00003');
      expect(await series()).toEqual([
        ['NumberReserved', 'INV-2026-00001'],
        ['NumberReserved', 'INV-2026-00002'],
        voided,
        ['NumberReserved', 'INV-2026-00003'],
      ]);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('number INV-2026-00002 is voided unused'),
      );
    } finally {
      warn.mockRestore();
      await Promise.all([test.close(), other.close()]);
    }
  }, 30_000);

  it('issues a draft asked twice at once (dates in two years) once, reserving one number in one series', async () => {
    const { test, eventStore } = await appOnItsStore();
    try {
      const { client } = test;
      const contractId = await activeSmallContract(client);
      const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
      const reports = `/contracts/${contractId}/progress-reports`;
      await expectOk(client.post(reports, { periodEnd: '2026-11-30', lines }), 'report');
      const certify = client.post(`${reports}/2026-11-30/certify`, { date: '2026-12-01' });
      await expectOk(certify, 'certify');
      const drafts = `/invoices?contractId=${contractId}&status=draft`;
      const [draft] = await waitFor<any[]>(client, drafts, (list) => list.length > 0, 'draft');
      // The first reservation takes a while: the second request comes meanwhile.
      beforeFirstReservation(eventStore, () => sleep(200));
      const [first, second] = await Promise.all(
        ['2026-12-31', '2027-01-02'].map((date) =>
          client.post(`/invoices/${draft.invoiceId}/issue`, { date }),
        ),
      );
      expect([first.status, first.body.number]).toEqual([200, 'INV-2026-00001']);
      expect([second.status, second.body.detail]).toEqual([
        409,
        'invoice INV-2026-00001 was issued on 2026-12-31; issuing it again on 2027-01-02 changes nothing',
      ]);
      const reserved = await eventStore.readAll({ streamPrefixes: ['numbering-'] });
      expect(reserved.map((event) => event.streamId)).toEqual(['numbering-default.invoice.2026']);
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('a retainage release agreed before the work is done', () => {
  it('bills the later work holding back only its own retainage, releases the rest at completion, and closes', async () => {
    const test = await startTestApp();
    const { client } = test;
    try {
      const contractId = await activeSmallContract(client);
      const first = await bill(client, contractId, [
        '2026-01-31',
        5000,
        '2026-02-01',
        '2026-02-03',
      ]);
      expect(first).toMatchObject({ amount: 450_000 });
      const agreed = client.post(`/contracts/${contractId}/retainage-release`, {
        agreed: true,
        date: '2026-02-10',
      });
      const early = await expectOk<any>(agreed, 'agree a release');
      expect(early).toMatchObject({ amount: 50_000 });
      await expectOk(client.post(`/invoices/${early.invoiceId}/issue`, { date: '2026-02-10' }), '');
      // The rest of the work: 500,000 more, 50,000 of it held back; the 50,000 released is not.
      const second = await bill(client, contractId, [
        '2026-02-28',
        10000,
        '2026-03-01',
        '2026-03-02',
      ]);
      const application = await expectOk<any>(client.get(`/invoices/${second.invoiceId}`), '');
      expect(application).toMatchObject({ amount: 450_000 });
      expect(application.g702).toMatchObject({
        retainageOnCompletedWork: 100_000,
        retainageReleased: 50_000,
        totalRetainage: 50_000,
        totalEarnedLessRetainage: 950_000,
        lessPreviousCertificates: 500_000,
        currentPaymentDue: 450_000,
      });
      const [page] = (
        await pdfText((await getDocument(test, `/invoices/${second.invoiceId}/pdf`)).bytes)
      ).pages;
      expect(
        missing(
          [
            `c. Less Retainage Released -${usd(50_000)}`,
            `Total Retainage ${usd(50_000)}`,
            `7. LESS PREVIOUS CERTIFICATES FOR PAYMENT ${usd(500_000)}`,
            '(Line 6 from prior Certificate, plus retainage released since)',
          ],
          page,
        ),
      ).toEqual([]);
      await expectOk(client.post(`/contracts/${contractId}/complete`, { date: '2026-03-05' }), '');
      const last = await issueDraft(client, contractId, release, '2026-03-06');
      expect(last).toMatchObject({ amount: 50_000 });
      const releasePdf = await getDocument(test, `/invoices/${last.invoiceId}/pdf`);
      const released = [
        `1 Work ${usd(50_000)}`,
        `TOTAL RETAINAGE (G702 LINE 5) ${usd(50_000)}`,
        `Line 5a, 10.00% of completed work ${usd(100_000)}`,
        `Line 5c, less retainage released before -${usd(50_000)}`,
        `Retainage released ${usd(50_000)}`,
      ];
      expect(missing(released, (await pdfText(releasePdf.bytes)).pages[0])).toEqual([]);
      await expectOk(
        client.post(`/accounts/${smallContract().customer.id}/payments`, {
          amount: 1_000_000,
          currency: 'USD',
          method: 'wire',
          reference: 'all',
          receivedOn: '2026-03-10',
        }),
        'pay',
      );
      const closed = await expectOk<any>(
        client.post(`/contracts/${contractId}/close`, { date: '2026-03-11' }),
        'close',
      );
      expect(closed.status).toBe('closed');
      const ledger = await expectOk<any>(client.get(`/contract-ledgers/${contractId}`), 'ledger');
      expect(ledger).toMatchObject({
        retainageHeld: 0,
        retainageReleased: 100_000,
        paid: 1_000_000,
      });
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('a close racing the balance of the invoice issued last', () => {
  it('is refused while receivables has not yet reported the release it just opened, and closes once it is paid', async () => {
    const [eventStore, readModels] = [new InMemoryEventStore(), new InMemoryReadModels()];
    const bus = new StoreBackedBus(eventStore, readModels);
    // What receivables tells the contracts service, held while `held` (invoicing's figures pass).
    let held = false;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (group, topics, handler) =>
      subscribe(group, topics, async (message) => {
        while (group === 'contracts' && message.type === 'InvoiceBalancesChanged' && held)
          await new Promise((resolve) => setTimeout(resolve, 10));
        return handler(message);
      });
    const test = await startTestApp({ eventStore, readModels, bus });
    const { client } = test;
    const account = `/accounts/${CUSTOMER.id}/payments`;
    const pay = (amount: number, receivedOn: string) =>
      expectOk(
        client.post(account, {
          amount,
          currency: 'USD',
          method: 'wire',
          reference: receivedOn,
          receivedOn,
        }),
        'pay',
      );
    try {
      const contractId = await activeSmallContract(client);
      await bill(client, contractId, ['2026-01-31', 10000, '2026-02-02', '2026-02-03']);
      await test.settle();
      await pay(900_000, '2026-02-05');
      await expectOk(client.post(`/contracts/${contractId}/complete`, { date: '2026-02-10' }), '');
      await test.settle();
      held = true;
      await issueDraft(client, contractId, release, '2026-02-12');
      // Invoicing's figures reached the contract (no retainage held, fully billed); the release's
      // balance did not.
      await waitFor<any>(
        client,
        `/contracts/${contractId}`,
        (summary) => summary.retainageHeld === 0,
        'the release figures on the contract',
      );
      const early = await client.post(`/contracts/${contractId}/close`, { date: '2026-02-13' });
      expect([early.status, early.body.detail]).toEqual([
        422,
        expect.stringMatching(/is issued and not yet on the customer's account/),
      ]);
      held = false;
      await test.settle();
      await pay(100_000, '2026-02-20');
      const closed = client.post(`/contracts/${contractId}/close`, { date: '2026-02-21' });
      expect((await expectOk<any>(closed, 'close')).status).toBe('closed');
    } finally {
      held = false;
      await test.close();
    }
  }, 30_000);
});
