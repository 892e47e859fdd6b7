import request from 'supertest';
import {
  AGING_DATES,
  CUSTOMER,
  expectOk,
  runScenario,
  smallContract,
  waitFor,
  type Client,
  type ScenarioResult,
} from '@billing/shared/testing';
import type { TestApp } from './test-app';

/**
 * Job costs of the scenario's USD 1,045,678.90 building, one report per period (amounts in cents),
 * reported after the period ends.
 */
export const BUILDING_COSTS = [
  {
    periodEnd: '2026-01-31',
    costToDate: 10_000_000,
    estimatedTotalCost: 85_000_000,
    date: '2026-02-05',
  },
  {
    periodEnd: '2026-02-28',
    costToDate: 30_123_457,
    estimatedTotalCost: 88_000_000,
    date: '2026-03-06',
  },
  {
    periodEnd: '2026-03-31',
    costToDate: 61_000_001,
    estimatedTotalCost: 89_333_333,
    date: '2026-04-07',
  },
  {
    periodEnd: '2026-04-30',
    costToDate: 86_500_000,
    estimatedTotalCost: 90_000_000,
    date: '2026-05-06',
  },
  {
    periodEnd: '2026-05-31',
    costToDate: 90_250_000,
    estimatedTotalCost: 90_250_000,
    date: '2026-06-04',
  },
];
/** February's costs corrected after the fact: the later report of a period stands. */
export const FEBRUARY_CORRECTED = {
  periodEnd: '2026-02-28',
  costToDate: 31_000_000,
  estimatedTotalCost: 88_500_000,
  date: '2026-03-20',
};

export const EURO_CUSTOMER = {
  ...CUSTOMER,
  id: '4c1e2f0a-9b7d-4e3c-8a51-6d2f0b9c1e7a',
  name: 'Quay Partners GmbH',
};
export const EURO_COSTS = [
  { periodEnd: '2026-01-31', costToDate: 250_000, estimatedTotalCost: 800_000, date: '2026-02-04' },
  { periodEnd: '2026-02-28', costToDate: 520_000, estimatedTotalCost: 810_000, date: '2026-03-04' },
];

export interface FinanceRun {
  scenario: ScenarioResult;
  euroContractId: string;
  /** The EUR pay applications: January's, February's voided one, February's again. */
  euroInvoices: { january: string; voided: string; february: string };
}

/**
 * The finance flow: the scenario's building (USD, four applications, a change order, payments, a
 * bounced cheque, its release, closed), its job costs each month and one correction; and a EUR
 * job for another customer, billed late, with a pay application voided and issued again.
 */
export async function runFinanceFlow(test: TestApp): Promise<FinanceRun> {
  const { client } = test;
  const scenario = await runScenario(client);
  for (const costs of [...BUILDING_COSTS, FEBRUARY_CORRECTED])
    await expectOk(client.post(`/contracts/${scenario.contractId}/costs`, costs), 'costs');
  const euro = await billEuroJob(client);
  for (const costs of EURO_COSTS)
    await expectOk(client.post(`/contracts/${euro.euroContractId}/costs`, costs), 'EUR costs');
  await test.settle();
  return { scenario, ...euro };
}

async function billEuroJob(client: Client): Promise<Omit<FinanceRun, 'scenario'>> {
  const { contractId } = await expectOk<any>(
    client.post(
      '/contracts',
      smallContract({ customer: EURO_CUSTOMER, currency: 'EUR', title: 'Quay fit-out, "phase 2"' }),
    ),
    'EUR contract',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
    'activate',
  );
  await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'EUR ledger');
  await waitFor(client, `/contracts/${contractId}/schedule`, () => true, 'EUR schedule');
  const january = await certifyAndIssue(
    client,
    contractId,
    '2026-01-31',
    3000,
    '2026-02-02',
    '2026-02-20',
  );
  const voided = await certifyAndIssue(
    client,
    contractId,
    '2026-02-28',
    6000,
    '2026-03-02',
    '2026-03-05',
  );
  await expectOk(
    client.post(`/invoices/${voided}/void`, {
      date: '2026-03-06',
      reason: 'wrong retainage on the cover sheet',
    }),
    'void',
  );
  const redraft = await waitFor<any[]>(
    client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.length === 1,
    'EUR redraft',
  );
  const february = redraft[0].invoiceId as string;
  await expectOk(client.post(`/invoices/${february}/issue`, { date: '2026-03-10' }), 'issue again');
  await waitFor<any>(
    client,
    `/accounts/${EURO_CUSTOMER.id}`,
    (account) => account.invoices.length === 3,
    'EUR receivables',
  );
  const { total } = (await client.get(`/invoices/${january}`)).body;
  await expectOk(
    client.post(`/accounts/${EURO_CUSTOMER.id}/payments`, {
      amount: total,
      currency: 'EUR',
      method: 'wire',
      reference: 'EUR-1',
      receivedOn: '2026-03-25',
    }),
    'pay',
  );
  return { euroContractId: contractId, euroInvoices: { january, voided, february } };
}

async function certifyAndIssue(
  client: Client,
  contractId: string,
  periodEnd: string,
  percentComplete: number,
  certifiedOn: string,
  issueDate: string,
): Promise<string> {
  const lines = [{ lineId: 'A', percentComplete, storedMaterials: 0 }];
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports`, { periodEnd, lines }),
    'report',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports/${periodEnd}/certify`, {
      date: certifiedOn,
    }),
    'certify',
  );
  const drafts = await waitFor<any[]>(
    client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.some((invoice) => invoice.periodEnd === periodEnd),
    'draft',
  );
  const { invoiceId } = drafts.find((invoice) => invoice.periodEnd === periodEnd);
  await expectOk(client.post(`/invoices/${invoiceId}/issue`, { date: issueDate }), 'issue');
  return invoiceId;
}

/** Every finance query the specs compare, JSON and CSV, on what the flow made. */
export function financeQueries(run: FinanceRun): string[] {
  const { contractId, customerId } = run.scenario;
  const periods = [...new Set([...BUILDING_COSTS, ...EURO_COSTS].map((costs) => costs.periodEnd))];
  const json = [
    '/contract-ledgers',
    '/contract-ledgers?currency=EUR',
    `/contract-ledgers?customerId=${customerId}&status=closed`,
    '/contract-ledgers?limit=1&offset=1',
    `/contract-ledgers/${contractId}`,
    `/contract-ledgers/${run.euroContractId}`,
    ...periods.map((periodEnd) => `/wip?periodEnd=${periodEnd}`),
    '/wip?periodEnd=2026-01-31&currency=EUR',
    `/wip?periodEnd=2026-02-28&customerId=${customerId}`,
    '/wip?periodEnd=2026-01-31&limit=1&offset=1',
    `/contracts/${contractId}/wip`,
    `/contracts/${run.euroContractId}/wip?limit=1&offset=1`,
    ...AGING_DATES.map((date) => `/cash-forecast?asOf=${date}`),
    '/cash-forecast?asOf=2026-03-31&currency=EUR',
    `/cash-forecast?asOf=2026-05-12&customerId=${customerId}&limit=2`,
    '/dso?from=2026-01-01&to=2026-03-31',
    '/dso?from=2026-04-01&to=2026-06-30&currency=USD',
    `/dso?from=2026-01-01&to=2026-12-31&customerId=${EURO_CUSTOMER.id}`,
    '/billing-timeliness?from=2026-01-01&to=2026-12-31',
    `/billing-timeliness?from=2026-03-01&to=2026-03-31&customerId=${EURO_CUSTOMER.id}`,
    ...AGING_DATES.map((date) => `/aging?asOf=${date}`),
    '/aging?asOf=2026-03-31&currency=EUR',
    `/aging?asOf=2026-05-12&customerId=${customerId}`,
    `/accounts/${customerId}/aging?asOf=2026-05-12`,
    `/accounts/${customerId}/statement?from=2026-01-01&to=2026-07-31`,
  ];
  return [...json, ...json.map((path) => `${path}${path.includes('?') ? '&' : '?'}format=csv`)];
}

/** A GET as the tests' admin, answering the CSV text or the JSON body. */
export async function answerOf(
  test: TestApp,
  path: string,
): Promise<{ status: number; type: string; body: unknown; total?: string }> {
  const reply = await request(test.app.getHttpServer())
    .get(path)
    .set({ authorization: `Bearer ${test.token}` });
  const type = String(reply.headers['content-type']);
  return {
    status: reply.status,
    type,
    body: type.startsWith('text/csv') ? reply.text : reply.body,
    total: reply.headers['x-total-count'],
  };
}
