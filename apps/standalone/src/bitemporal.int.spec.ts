import {
  CUSTOMER,
  issuedSmallApplication,
  expectOk,
  smallContract,
  waitFor,
} from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * ADR 17, both axes: an invoice issued on 3 Feb, paid on 20 Feb (recorded first), and a credit
 * note dated 10 Feb recorded after the payment. "What did we know, when the payment was recorded,
 * about the position on 15 Feb?" leaves the credit note out; asked now, it is in.
 */
describe('audit views on both axes: as of a business date, as known at an instant', () => {
  let test: TestApp;
  let contractId: string;
  let invoiceId: string;
  let paymentRecorded: string;
  let beforeActivation: string;

  beforeAll(async () => {
    test = await startTestApp();
    ({ contractId } = await expectOk<any>(
      test.client.post('/contracts', smallContract({ startDate: '2026-01-05' })),
      'create',
    ));
    await pause();
    beforeActivation = new Date().toISOString();
    await pause();
    await expectOk(
      test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await waitFor(test.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
    const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports`, {
        periodEnd: '2026-01-31',
        lines,
      }),
      'report',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}),
      'certify',
    );
    [{ invoiceId }] = await waitFor<any[]>(
      test.client,
      `/invoices?contractId=${contractId}&status=draft`,
      (list) => list.length === 1,
      'draft',
    );
    await expectOk(
      test.client.post(`/invoices/${invoiceId}/issue`, { date: '2026-02-03' }),
      'issue',
    );
    await test.settle();
    const payment = {
      amount: 100_000,
      currency: 'USD',
      method: 'wire',
      reference: 'W1',
      receivedOn: '2026-02-20',
    };
    await expectOk(test.client.post(`/accounts/${CUSTOMER.id}/payments`, payment), 'pay');
    await test.settle();
    await pause();
    paymentRecorded = new Date().toISOString();
    await pause();
    await expectOk(
      test.client.post(`/invoices/${invoiceId}/credit-notes`, {
        amount: 50_000,
        date: '2026-02-10',
        reason: 'scope reduced',
      }),
      'credit',
    );
    await test.settle();
  }, 60_000);
  afterAll(() => test.close());

  const account = async (query: string) =>
    (await test.client.get(`/accounts/${CUSTOMER.id}/as-of?${query}`)).body;
  const item = (body: any) =>
    body.account.items.find((candidate: any) => candidate.invoiceId === invoiceId);

  it('as of a business date counts only what is dated on or before it, whenever it was recorded', async () => {
    const now = await account('date=2026-02-15');
    expect(now).toMatchObject({ date: '2026-02-15' });
    expect(item(now)).toMatchObject({ paid: 0, credited: 50_000 });
    expect(item(await account('date=2026-02-20'))).toMatchObject({
      paid: 100_000,
      credited: 50_000,
    });
    expect((await test.client.get(`/accounts/${CUSTOMER.id}/as-of?date=2026-02-02`)).status).toBe(
      404,
    );
  });

  it('as known at an instant counts only what was recorded by then', async () => {
    const known = await account(`date=2026-02-15&at=${paymentRecorded}`);
    expect(known).toMatchObject({ asOf: paymentRecorded, date: '2026-02-15' });
    expect(item(known)).toMatchObject({ paid: 0, credited: 0 });
    expect(item(await account(`at=${paymentRecorded}`))).toMatchObject({
      paid: 100_000,
      credited: 0,
    });
  });

  it('shows a pay application as a draft before its issue date and issued from it', async () => {
    const invoice = async (date: string) =>
      (await test.client.get(`/invoices/${invoiceId}/as-of?date=${date}`)).body.invoice;
    expect(await invoice('2026-02-02')).toMatchObject({ status: 'draft', periodEnd: '2026-01-31' });
    expect(await invoice('2026-02-03')).toMatchObject({
      status: 'issued',
      number: expect.stringMatching(/^INV-2026-/),
    });
    expect((await test.client.get(`/invoices/${invoiceId}/as-of?date=2026-01-30`)).status).toBe(
      404,
    );
  });

  it('shows the contract as it stood on a date and as it was known at an instant', async () => {
    const contract = async (query: string) =>
      (await test.client.get(`/contracts/${contractId}/as-of?${query}`)).body.contract;
    // Entered today for work that started on 5 Jan: it existed from its start date.
    expect((await test.client.get(`/contracts/${contractId}/as-of?date=2026-01-04`)).status).toBe(
      404,
    );
    expect(await contract('date=2026-01-05')).toMatchObject({ status: 'active' });
    expect(await contract(`at=${beforeActivation}`)).toMatchObject({ status: 'draft' });
    // Billed as of the invoice's issue date (3 Feb), as the invoice's own as-of says, not from the
    // day the figures were recorded.
    expect(await contract('date=2026-02-02')).toMatchObject({ figures: { billedNet: 0 } });
    expect(await contract('date=2026-02-15')).toMatchObject({
      figures: { billedNet: 450_000, retainageHeld: 50_000 },
    });
  });

  it('shows a contract entered today, without a start date, from its backdated activation', async () => {
    const { contractId: late } = await expectOk<any>(
      test.client.post('/contracts', smallContract()),
      'create',
    );
    await expectOk(
      test.client.post(`/contracts/${late}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    const asOf = (date: string) => test.client.get(`/contracts/${late}/as-of?date=${date}`);
    expect((await asOf('2026-01-04')).status).toBe(404);
    expect((await asOf('2026-01-05')).body.contract).toMatchObject({ status: 'active' });
    expect((await asOf('2026-03-01')).body.contract).toMatchObject({ status: 'active' });
  });

  // Last: it adds a payment the tests above do not expect.
  it("counts a payment in the invoice's and the contract's view by the day it was received, also when it was entered after a later one", async () => {
    await expectOk(
      test.client.post(`/accounts/${CUSTOMER.id}/payments`, {
        amount: 30_000,
        currency: 'USD',
        method: 'check',
        reference: 'C7',
        receivedOn: '2026-02-12',
      }),
      'pay late',
    );
    await test.settle();
    const invoice = async (date: string) =>
      (await test.client.get(`/invoices/${invoiceId}/as-of?date=${date}`)).body.invoice;
    const balance = async (date: string) =>
      (await test.client.get(`/contracts/${contractId}/as-of?date=${date}`)).body.contract.invoices[
        invoiceId
      ];
    // What the account says is open on that day: its total less what was paid, credited and
    // written off by then.
    const open = async (date: string) => {
      const { total, paid, credited, writtenOff } = item(await account(`date=${date}`));
      return total - paid - credited - writtenOff;
    };
    for (const [date, paid] of [
      ['2026-02-11', 0],
      ['2026-02-12', 30_000],
      ['2026-02-19', 30_000],
      ['2026-02-20', 130_000],
    ] as const) {
      expect([date, (await invoice(date)).paid]).toEqual([date, paid]);
      expect([date, await balance(date)]).toEqual([date, { paid, open: await open(date) }]);
      // The invoice's own view says what the account had open on that day too.
      expect([date, (await invoice(date)).openOnAccount]).toEqual([date, await open(date)]);
    }
    expect(await balance('2026-02-02')).toBeUndefined();
  });

  it('refuses a question with neither axis, or a malformed one', async () => {
    for (const query of ['', 'date=2026-02-30', 'at=yesterday', 'date=1999-12-31'])
      expect((await test.client.get(`/accounts/${CUSTOMER.id}/as-of?${query}`)).status).toBe(400);
  });
});

/** The small contract's first application issued and on the customer's account. */
async function issuedOnAccount(test: TestApp) {
  const draft = await issuedSmallApplication(test.client);
  await test.settle();
  return { draft, total: draft.total as number, account: `/accounts/${CUSTOMER.id}` };
}

describe('a reminder run for a past date (one the job missed)', () => {
  it('reminds of what was open on that date: not of an invoice paid then whose payment bounced since', async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      // Due on 5 March; paid in full on 10 March; the check bounced on 25 March.
      const { draft, total, account } = await issuedOnAccount(test);
      const payment = { amount: total, currency: 'USD', method: 'check', reference: 'C1' };
      const { paymentId } = await expectOk<any>(
        client.post(`${account}/payments`, { ...payment, receivedOn: '2026-03-10' }),
        'pay',
      );
      await expectOk(
        client.post(`${account}/payments/${paymentId}/reverse`, {
          reason: 'NSF',
          date: '2026-03-25',
        }),
        'reverse',
      );
      await test.settle();
      const run = async (runDate: string, levels?: number[]) =>
        (await expectOk<any>(client.post('/reminders/run', { runDate, levels }), `run ${runDate}`))
          .sent;
      // Settled on 20 March: nothing to remind of then (before: level 15, with today's open amount).
      expect(await run('2026-03-20')).toEqual([]);
      expect(await run('2026-03-26')).toEqual([
        expect.objectContaining({ invoiceId: draft.invoiceId, levelDays: 15, open: total }),
      ]);
      // Open on 26 March at a level not sent yet (20 days), but paid since: a settled invoice gets
      // no more.
      await expectOk(
        client.post(`${account}/payments`, {
          ...payment,
          reference: 'C2',
          receivedOn: '2026-03-27',
        }),
        'pay again',
      );
      await test.settle();
      expect(await run('2026-03-26', [1, 15, 20])).toEqual([]);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('states what was open on the run date, today too: not less a payment dated after it (a post-dated check) or a write-off dated later', async () => {
    const test = await startTestApp({ clock: { now: () => new Date('2026-03-20T12:00:00Z') } });
    try {
      const { client } = test;
      const { draft, total, account } = await issuedOnAccount(test);
      await expectOk(
        client.post(`${account}/payments`, {
          amount: 1_000,
          currency: 'USD',
          method: 'check',
          reference: 'post-dated',
          receivedOn: '2026-03-28',
        }),
        'post-dated payment',
      );
      await expectOk(
        client.post(`${account}/invoices/${draft.invoiceId}/write-off`, {
          date: '2026-04-10',
          amount: 500,
          reason: 'Disputed',
        }),
        'later write-off',
      );
      await test.settle();
      const run = async (runDate: string) =>
        (await expectOk<any>(client.post('/reminders/run', { runDate }), `run ${runDate}`)).sent;
      expect(await run('2026-03-20')).toEqual([
        expect.objectContaining({ invoiceId: draft.invoiceId, levelDays: 15, open: total }),
      ]);
      expect(await run('2026-04-05')).toEqual([
        expect.objectContaining({ invoiceId: draft.invoiceId, levelDays: 30, open: total - 1_000 }),
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);
});

describe('the aging of a date around a payment dated before a reversal recorded earlier', () => {
  it('counts what the invoice was paid beyond its total on that date as credit, not as nothing', async () => {
    const test = await startTestApp();
    try {
      const { client } = test;
      const { total, account } = await issuedOnAccount(test);
      const pay = (reference: string, amount: number, receivedOn: string) =>
        expectOk<any>(
          client.post(`${account}/payments`, {
            amount,
            currency: 'USD',
            method: 'check',
            reference,
            receivedOn,
          }),
          reference,
        );
      // Paid in full on 1 March; that check bounced on 20 March; then a check dated 10 March is
      // entered: it pays the invoice open today, which on 10 March was paid already.
      const { paymentId } = await pay('C1', total, '2026-03-01');
      await expectOk(
        client.post(`${account}/payments/${paymentId}/reverse`, {
          reason: 'NSF',
          date: '2026-03-20',
        }),
        'reverse',
      );
      await pay('C2', 1_000, '2026-03-10');
      await test.settle();
      const aging = async (asOf: string) => {
        const { body } = await client.get(`${account}/aging?asOf=${asOf}`);
        const statement = await client.get(`${account}/statement?from=2026-01-01&to=${asOf}`);
        return [body.total, body.unappliedCredit, statement.body.closingBalance];
      };
      // Owed less credit is the statement's balance on every date.
      expect(await aging('2026-03-05')).toEqual([0, 0, 0]);
      expect(await aging('2026-03-15')).toEqual([0, 1_000, -1_000]);
      expect(await aging('2026-03-25')).toEqual([total - 1_000, 0, total - 1_000]);
      const tenantWide = (await client.get('/aging?asOf=2026-03-15')).body.currencies;
      expect(tenantWide).toEqual([
        expect.objectContaining({ currency: 'USD', unappliedCredit: 1_000 }),
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);
});
