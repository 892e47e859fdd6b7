import { randomUUID } from 'node:crypto';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { CUSTOMER, expectOk, smallContract, waitFor } from '@billing/shared/testing';
import { answerOf } from './testing/finance-flow';
import { startTestApp, type TestApp } from './testing/test-app';

const BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const;

/** Counts the documents each collection's finds return: what a query reads. */
class CountingReadModels extends InMemoryReadModels {
  readonly read = new Map<string, number>();
  override async find<T>(...args: Parameters<InMemoryReadModels['find']>) {
    const docs = await super.find<T>(...args);
    this.read.set(args[0], (this.read.get(args[0]) ?? 0) + docs.length);
    return docs;
  }
}

/**
 * One customer per month, each invoiced once; the first two pay in part, later; the third pays more
 * than it owes (unapplied credit from that day on).
 */
async function invoiceCustomers(test: TestApp, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const customer = {
      ...CUSTOMER,
      id: randomUUID(),
      // Two names a locale orders apart from their code points (it skips the signs).
      name:
        ['-2+3 Builders', '+1+2 Holdings'][index] ?? `Customer ${String.fromCharCode(65 + index)}`,
    };
    ids.push(customer.id);
    const { contractId } = await expectOk<any>(
      test.client.post('/contracts', smallContract({ customer })),
      'create',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await waitFor(test.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
    const lines = [{ lineId: 'A', percentComplete: 2000 + 1000 * index, storedMaterials: 0 }];
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
    const [draft] = await waitFor<any[]>(
      test.client,
      `/invoices?contractId=${contractId}&status=draft`,
      (list) => list.length === 1,
      'draft',
    );
    await expectOk(
      test.client.post(`/invoices/${draft.invoiceId}/issue`, {
        date: `2026-0${2 + (index % 3)}-03`,
      }),
      'issue',
    );
    await test.settle();
    if (index < 3) {
      const payment = {
        amount: index < 2 ? 100_000 : 5_000_000,
        currency: 'USD',
        method: 'wire',
        reference: `W${index}`,
        receivedOn: '2026-06-10',
      };
      await expectOk(test.client.post(`/accounts/${customer.id}/payments`, payment), 'pay');
    }
  }
  await test.settle();
  return ids;
}

/**
 * The aging worked out customer by customer from each account's own aging (invoice by invoice): the
 * independent figure.
 */
async function agingByAccount(test: TestApp, customers: string[], asOf: string) {
  const agings = await Promise.all(
    customers.map(async (id) => (await test.client.get(`/accounts/${id}/aging?asOf=${asOf}`)).body),
  );
  const held = agings
    .filter((aging) => aging.total > 0 || aging.retainageHeld > 0)
    // By name in code point order, as the stores sort: the order every page keeps.
    .sort((a, b) => Buffer.compare(Buffer.from(a.customerName), Buffer.from(b.customerName)));
  const sum = (pick: (aging: any) => number, of = held) =>
    of.reduce((total, aging) => total + pick(aging), 0);
  const buckets = Object.fromEntries(
    BUCKETS.map((bucket) => [bucket, sum((aging) => aging.buckets[bucket])]),
  );
  return {
    customers: held,
    totals: [
      {
        currency: 'USD',
        buckets,
        total: sum((aging) => aging.total),
        retainageHeld: sum((aging) => aging.retainageHeld),
        // Every customer's, listed or not.
        unappliedCredit: sum((aging) => aging.unappliedCredit, agings),
      },
    ],
  };
}

describe('the AR aging', () => {
  let test: TestApp;
  let readModels: CountingReadModels;
  let customers: string[];

  beforeAll(async () => {
    readModels = new CountingReadModels();
    test = await startTestApp({ readModels });
    customers = await invoiceCustomers(test, 6);
  }, 60_000);
  afterAll(() => test.close());

  // 2026-06-10 is the last date anything happened on.
  it.each(['2026-02-20', '2026-04-15', '2026-06-10', '2026-09-30'])(
    'as of %s equals the sum of every account, page by page',
    async (asOf) => {
      const expected = await agingByAccount(test, customers, asOf);
      const all = await test.client.get(`/aging?asOf=${asOf}&limit=1000`);
      expect(all.headers?.['x-total-count']).toBe(String(expected.customers.length));
      expect(all.body.currencies).toEqual(expected.totals);
      expect(all.body.customers).toEqual(expected.customers);
      const pages = [];
      for (let offset = 0; offset < expected.customers.length; offset += 3) {
        const page = await test.client.get(`/aging?asOf=${asOf}&limit=3&offset=${offset}`);
        expect(page.body.currencies).toEqual(expected.totals);
        pages.push(...page.body.customers);
      }
      expect(pages).toEqual(expected.customers);
    },
  );

  it('shows unapplied credit beside the buckets from the day it arose, not before', async () => {
    const credit = async (asOf: string) => {
      const aging = (await test.client.get(`/aging?asOf=${asOf}&limit=1000`)).body;
      const customer = aging.customers.find((row: any) => row.customerId === customers[2]);
      return [customer?.unappliedCredit, aging.currencies[0].unappliedCredit];
    };
    const { openItems } = (await test.client.get(`/accounts/${customers[2]}`)).body;
    const { unappliedCredit } = (await test.client.get(`/accounts/${customers[2]}`)).body;
    expect([openItems.length, unappliedCredit > 0]).toEqual([0, true]);
    expect(await credit('2026-06-09')).toEqual([0, 0]);
    expect(await credit('2026-06-10')).toEqual([unappliedCredit, unappliedCredit]);
    // The same figure in the customer's own aging, and in the CSV's totals row.
    const own = (await test.client.get(`/accounts/${customers[2]}/aging?asOf=2026-06-10`)).body;
    expect(own.unappliedCredit).toBe(unappliedCredit);
    const csv = (await answerOf(test, '/aging?asOf=2026-06-10&format=csv')).body as string;
    expect(csv.split('\r\n').find((line) => line.startsWith('total,'))).toMatch(
      new RegExp(`,${unappliedCredit}$`),
    );
  });

  it('as of any date reads only the invoices of the page, never every invoice open on it', async () => {
    for (const asOf of ['2026-04-15', '2026-09-30']) {
      readModels.read.clear();
      const page = await test.client.get(`/aging?asOf=${asOf}&limit=1`);
      const read = readModels.read.get('receivable_items_v2');
      expect(page.body.customers).toHaveLength(1);
      const items = (await test.client.get(`/accounts/${page.body.customers[0].customerId}`)).body
        .invoices.length;
      // The page's customer's invoices still open on the date (through the customer and closedOn
      // index), no more.
      expect([asOf, read! > 0, read! <= items]).toEqual([asOf, true, true]);
    }
  });

  it('refuses a page or a date it cannot read', async () => {
    for (const query of ['limit=0', 'offset=-1', 'asOf=2026-02-30', 'limit=1001'])
      expect((await test.client.get(`/aging?${query}`)).status).toBe(400);
  });
});
