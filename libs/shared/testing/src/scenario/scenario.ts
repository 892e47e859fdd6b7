import { expectOk, waitFor, type Client } from './client';

/**
 * A USD 1,000,000.00 construction contract billed from activation to retainage release (amounts in
 * cents).
 */
export const CUSTOMER = {
  id: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  name: 'Harbor Point Development LLC',
  email: 'ap@harborpoint.example',
  address: '100 Quay Street, Portland ME',
};

/**
 * A one-line USD 10,000.00 contract, 10% retainage, no tax, net 30: the small job specs build on.
 */
export const smallContract = (overrides: Record<string, unknown> = {}) => ({
  customer: CUSTOMER,
  title: 'Small job',
  currency: 'USD',
  originalSum: 1_000_000,
  basis: 'progress',
  retainage: [{ threshold: 0, workRate: 1000, materialsRate: 1000 }],
  taxRate: 0,
  paymentTermsDays: 30,
  lines: [{ lineId: 'A', item: '1', description: 'Work', scheduledValue: 1_000_000 }],
  ...overrides,
});

const contractFor = (customer: typeof CUSTOMER) => ({
  customer,
  title: 'Harbor Point Medical Office Building',
  currency: 'USD',
  originalSum: 100_000_000,
  basis: 'progress',
  retainage: [
    { threshold: 0, workRate: 1000, materialsRate: 1000 },
    { threshold: 5000, workRate: 500, materialsRate: 500 },
  ],
  taxRate: 825,
  paymentTermsDays: 30,
  poNumber: 'HP-2026-001',
  startDate: '2026-01-05',
  lines: [
    {
      lineId: 'L1',
      item: '1',
      description: 'Sitework and foundations',
      scheduledValue: 23_750_000,
    },
    { lineId: 'L2', item: '2', description: 'Structure and envelope', scheduledValue: 51_234_567 },
    { lineId: 'L3', item: '3', description: 'Interior finishes', scheduledValue: 25_015_433 },
  ],
});

const CHANGE_ORDER = {
  number: 'CO-001',
  description: 'Additional storm drainage',
  amount: 4_567_890,
  approvedOn: '2026-02-10',
  lines: [
    { lineId: 'L4', item: '4', description: 'Storm drainage (CO-001)', scheduledValue: 4_567_890 },
  ],
};

type Progress = Record<string, [percent: number, stored: number]>;
const PERIODS: { periodEnd: string; certifiedOn: string; issueDate: string; progress: Progress }[] =
  [
    {
      periodEnd: '2026-01-31',
      certifiedOn: '2026-02-02',
      issueDate: '2026-02-03',
      progress: { L1: [4000, 0], L2: [1050, 1_250_000], L3: [0, 0] },
    },
    {
      periodEnd: '2026-02-28',
      certifiedOn: '2026-03-03',
      issueDate: '2026-03-04',
      progress: { L1: [7500, 0], L2: [4533, 0], L3: [1225, 800_000], L4: [2000, 0] },
    },
    {
      periodEnd: '2026-03-31',
      certifiedOn: '2026-04-01',
      issueDate: '2026-04-02',
      progress: { L1: [10000, 0], L2: [8001, 300_000], L3: [5555, 0], L4: [10000, 0] },
    },
    {
      periodEnd: '2026-04-30',
      certifiedOn: '2026-04-30',
      issueDate: '2026-05-01',
      progress: { L1: [10000, 0], L2: [10000, 0], L3: [10000, 0], L4: [10000, 0] },
    },
  ];

/** The small contract, created and activated on 5 January, its schedule open. */
export async function activeSmallContract(
  client: Client,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const create = client.post('/contracts', smallContract(overrides));
  const { contractId } = await expectOk<{ contractId: string }>(create, 'create');
  const activate = client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' });
  await expectOk(activate, 'activate');
  await waitFor(client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
  return contractId;
}

/**
 * A small contract activated and line A reported 50% complete for January and certified: the pay
 * application drafted for it.
 */
export async function draftedSmallApplication(client: Client): Promise<any> {
  const contractId = await activeSmallContract(client);
  const reports = `/contracts/${contractId}/progress-reports`;
  const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
  await expectOk(client.post(reports, { periodEnd: '2026-01-31', lines }), 'report');
  await expectOk(client.post(`${reports}/2026-01-31/certify`, {}), 'certify');
  const [draft] = await waitFor<any[]>(
    client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.length === 1,
    'draft',
  );
  return draft;
}

/** The small contract's January application issued on 3 February (due 5 March): the invoice. */
export async function issuedSmallApplication(client: Client): Promise<any> {
  const draft = await draftedSmallApplication(client);
  return expectOk<any>(
    client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-03' }),
    'issue',
  );
}

export const AGING_DATES = ['2026-03-31', '2026-04-30', '2026-05-12', '2026-05-31', '2026-07-15'];

export interface ScenarioResult {
  contractId: string;
  customerId: string;
  applications: any[];
  release: any;
  aging: Record<string, any>;
  summaryBeforeClose: any;
  closed: any;
}

/**
 * Runs the scenario for a customer (a new one per run keeps its account, aging and statement its
 * own).
 */
export async function runScenario(
  client: Client,
  options: { customerId?: string; log?: (line: string) => void } = {},
): Promise<ScenarioResult> {
  const customer = { ...CUSTOMER, id: options.customerId ?? CUSTOMER.id };
  const log = options.log ?? (() => {});
  const { contractId } = await expectOk(
    client.post('/contracts', contractFor(customer)),
    'create contract',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
    'activate',
  );
  log(`contract ${contractId} active`);
  await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'billing ledger');
  await waitFor<any>(client, `/contracts/${contractId}/schedule`, () => true, 'schedule of values');

  const applications = [];
  for (const [index, period] of PERIODS.entries()) {
    if (index === 1) await approveChangeOrder(client, contractId);
    applications.push(await billPeriod(client, contractId, period));
    log(`pay application ${index + 1} issued as ${applications[index].number}`);
  }
  const [inv1, inv2] = applications.map((application) => application.invoiceId);
  await waitFor<any>(
    client,
    `/accounts/${customer.id}`,
    (account) => account.invoices.length >= 4,
    'four open items',
  );

  const pay = (body: object) =>
    expectOk(
      client.post(`/accounts/${customer.id}/payments`, {
        currency: 'USD',
        method: 'check',
        ...body,
      }),
      'payment',
    );
  await pay({
    amount: 15_714_292,
    receivedOn: '2026-03-01',
    reference: 'CHK 1001 on time',
    invoiceIds: [inv1],
  });
  await pay({
    amount: 20_000_000,
    receivedOn: '2026-04-20',
    reference: 'CHK 1002 partial, late',
    invoiceIds: [inv2],
  });
  const bounced = await pay({
    amount: 41_240_884,
    receivedOn: '2026-05-10',
    reference: 'CHK 1003 (bounced)',
  });
  await expectOk(
    client.post(`/accounts/${customer.id}/payments/${bounced.paymentId}/reverse`, {
      date: '2026-05-14',
      reason: 'returned by the bank: insufficient funds',
    }),
    'reversal',
  );
  log('payments posted; cheque 1003 bounced and was reversed');

  await expectOk(
    client.post(`/contracts/${contractId}/complete`, { date: '2026-05-15' }),
    'complete',
  );
  const releaseDraft = await waitForInvoice(
    client,
    contractId,
    (invoice) => invoice.kind === 'retainage-release',
    'retainage release draft',
  );
  const release = await issue(client, releaseDraft.invoiceId, '2026-05-20');
  log(`retainage release issued as ${release.number}`);
  await waitFor<any>(
    client,
    `/accounts/${customer.id}`,
    (account) => account.invoices.length >= 5,
    'release receivable',
  );

  await pay({ amount: 75_000_000, receivedOn: '2026-06-01', reference: 'WIRE 2001 unallocated' });
  const aging: Record<string, any> = {};
  for (const date of AGING_DATES)
    aging[date] = await expectOk(
      client.get(`/accounts/${customer.id}/aging?asOf=${date}`),
      `aging ${date}`,
    );

  const summaryBeforeClose = await waitFor<any>(
    client,
    `/contracts/${contractId}`,
    (s) => s.paid >= 110_714_292,
    'payments on the contract summary',
  );
  await pay({ amount: 2_480_450, receivedOn: '2026-07-20', reference: 'WIRE 2002 final' });
  // Closing checks the contract's own figures, which the release's issue reaches over the bus:
  // after a restart that can come after the payments.
  await waitFor<any>(
    client,
    `/contracts/${contractId}`,
    (s) => s.outstanding === 0 && s.retainageHeld === 0,
    'contract fully paid, its retainage billed',
  );
  const closed = await expectOk(
    client.post(`/contracts/${contractId}/close`, { date: '2026-07-31' }),
    'close',
  );
  log(`contract ${closed.status}`);
  return {
    contractId,
    customerId: customer.id,
    applications,
    release,
    aging,
    summaryBeforeClose,
    closed,
  };
}

async function approveChangeOrder(client: Client, contractId: string) {
  await expectOk(
    client.post(`/contracts/${contractId}/change-orders`, CHANGE_ORDER),
    'change order',
  );
  await waitFor<any>(
    client,
    `/contracts/${contractId}/schedule`,
    (schedule) => schedule.lines.length === 4,
    'change order line on the schedule',
  );
  await waitFor<any>(
    client,
    `/contracts/${contractId}/billing`,
    (ledger) => ledger.lines.length === 4,
    'change order on the ledger',
  );
}

async function billPeriod(client: Client, contractId: string, period: (typeof PERIODS)[number]) {
  const lines = Object.entries(period.progress).map(
    ([lineId, [percentComplete, storedMaterials]]) => ({
      lineId,
      percentComplete,
      storedMaterials,
    }),
  );
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports`, {
      periodEnd: period.periodEnd,
      lines,
    }),
    'progress report',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports/${period.periodEnd}/certify`, {
      date: period.certifiedOn,
    }),
    'certify',
  );
  const draft = await waitForInvoice(
    client,
    contractId,
    (invoice) => invoice.periodEnd === period.periodEnd,
    `pay application for ${period.periodEnd}`,
  );
  const issued = await issue(client, draft.invoiceId, period.issueDate);
  return expectOk(client.get(`/invoices/${issued.invoiceId}`), 'invoice detail');
}

/**
 * The invoice the reactions drafted, whatever its status: a client that runs the scenario again
 * after a crash (same Idempotency-Keys) finds it issued and gets the first answer to its issue.
 */
async function waitForInvoice(
  client: Client,
  contractId: string,
  which: (invoice: any) => boolean,
  what: string,
): Promise<any> {
  const invoices = await waitFor<any[]>(
    client,
    `/invoices?contractId=${contractId}`,
    (list) => list.some(which),
    what,
  );
  return invoices.find(which);
}

function issue(client: Client, invoiceId: string, date: string) {
  return expectOk<any>(client.post(`/invoices/${invoiceId}/issue`, { date }), 'issue');
}
