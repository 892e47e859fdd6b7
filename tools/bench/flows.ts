import { uuidFrom } from '@billing/shared/event-store';
import type { HttpClient, HttpReply } from './http-client';

/** How a customer pays: most on time, some late, some in part, a few stop paying. */
export type Payer = 'prompt' | 'late' | 'partial' | 'stops';

export interface ContractPlan {
  /** First billed month, as months after January of BASE_YEAR. */
  startMonth: number;
  periods: number;
  retainage: boolean;
  lines: number;
}

export interface CustomerPlan {
  customerId: string;
  name: string;
  payer: Payer;
  contracts: ContractPlan[];
}

/** Every dataset bills this year. */
export const BASE_YEAR = 2026;
/**
 * Payments are dated on or before this day (the machine's clock is later): nothing is in the
 * future.
 */
const LAST_PAYMENT_DAY = '2026-11-25';
const PAYMENT_DELAY: Record<Payer, number> = { prompt: 20, late: 50, partial: 30, stops: 25 };

export const lastDayOf = (year: number, month: number): string =>
  new Date(Date.UTC(year, month + 1, 0)).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Retries a call that depends on a reaction (schedule opened, draft written, account opened) until
 * that has happened.
 */
export async function whenReady(
  call: () => Promise<HttpReply>,
  what: string,
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const { status, body } = await call();
    if (status >= 200 && status < 300) return body;
    if ((status !== 404 && status !== 409 && status !== 422) || Date.now() > deadline)
      throw new Error(`${what}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export function contractBody(customer: CustomerPlan, contract: ContractPlan, title: string) {
  const lines = Array.from({ length: contract.lines }, (_, index) => ({
    lineId: `L${index + 1}`,
    item: String(index + 1),
    description: `Work package ${index + 1}`,
    scheduledValue: 2_500_000,
  }));
  return {
    customer: {
      id: customer.customerId,
      name: customer.name,
      email: `ap@${customer.customerId.slice(0, 8)}.example`,
      address: `${title} site`,
    },
    title,
    currency: 'USD',
    originalSum: 2_500_000 * contract.lines,
    basis: 'progress',
    retainage: [
      {
        threshold: 0,
        workRate: contract.retainage ? 1000 : 0,
        materialsRate: contract.retainage ? 1000 : 0,
      },
    ],
    taxRate: 0,
    paymentTermsDays: 30,
    startDate: addDays(lastDayOf(BASE_YEAR, contract.startMonth - 1), 1),
    lines,
  };
}

export interface Payment {
  amount: number;
  receivedOn: string;
  method: string;
  reference: string;
  invoiceIds: string[];
}

/**
 * The payment a customer makes for an invoice, if any: none after LAST_PAYMENT_DAY, none from a
 * customer who stopped paying.
 */
export function paymentOf(
  customer: CustomerPlan,
  contract: ContractPlan,
  period: number,
  invoice: { invoiceId: string; number: string; total: number; issueDate: string },
): Payment | undefined {
  const receivedOn = addDays(invoice.issueDate, PAYMENT_DELAY[customer.payer]);
  if (
    receivedOn > LAST_PAYMENT_DAY ||
    (customer.payer === 'stops' && period >= contract.periods / 2)
  )
    return undefined;
  const amount = customer.payer === 'partial' ? Math.ceil(invoice.total / 2) : invoice.total;
  return {
    amount,
    receivedOn,
    method: 'wire',
    reference: `WIRE ${invoice.number}`,
    invoiceIds: [invoice.invoiceId],
  };
}

/**
 * The period's job cost (ADR 20), reported four days after its end: the estimate is 80% of the
 * contract sum, and the cost's percent of it is, by turns, 5% behind what was billed by the period
 * end (the period's own application is issued after it), level with the period's progress, or 5%
 * ahead of it: the WIP schedule holds overbilled and underbilled contracts.
 */
export function costsOf(contract: ContractPlan, period: number) {
  const periodEnd = lastDayOf(BASE_YEAR, contract.startMonth + period);
  const percentOf = (n: number) => Math.round(((n + 1) * 9000) / contract.periods);
  const estimatedTotalCost = 2_000_000 * contract.lines;
  const turn = (period + contract.lines) % 3;
  const costPercent = Math.max(
    0,
    turn === 0
      ? (period > 0 ? percentOf(period - 1) : 0) - 500
      : percentOf(period) + (turn - 1) * 500,
  );
  return {
    periodEnd,
    costToDate: Math.round((estimatedTotalCost * costPercent) / 10_000),
    estimatedTotalCost,
    reportedOn: addDays(periodEnd, 4),
  };
}

/**
 * One billing period: report, certify, issue the pay application the reaction drafted, and pay as
 * the customer pays.
 */
export async function billPeriod(
  client: HttpClient,
  customer: CustomerPlan,
  contract: ContractPlan,
  contractId: string,
  period: number,
): Promise<number> {
  const periodEnd = lastDayOf(BASE_YEAR, contract.startMonth + period);
  const percentComplete = Math.round(((period + 1) * 9000) / contract.periods);
  const lines = Array.from({ length: contract.lines }, (_, index) => ({
    lineId: `L${index + 1}`,
    percentComplete,
    storedMaterials: 0,
  }));
  await whenReady(
    () =>
      client.post(`/contracts/${contractId}/progress-reports`, {
        periodEnd,
        reportedOn: periodEnd,
        lines,
      }),
    'report progress',
  );
  await whenReady(
    () =>
      client.post(`/contracts/${contractId}/progress-reports/${periodEnd}/certify`, {
        date: addDays(periodEnd, 2),
      }),
    'certify',
  );
  const invoiceId = uuidFrom(`${contractId}/progress/${periodEnd}`);
  const issueDate = addDays(periodEnd, 3);
  const invoice = await whenReady(
    () => client.post(`/invoices/${invoiceId}/issue`, { date: issueDate }),
    'issue',
  );
  const { reportedOn, ...costs } = costsOf(contract, period);
  await whenReady(
    () => client.post(`/contracts/${contractId}/costs`, { ...costs, date: reportedOn }),
    'costs',
  );
  const payment = paymentOf(customer, contract, period, {
    invoiceId,
    number: invoice.number,
    total: invoice.total,
    issueDate,
  });
  if (!payment) return 4;
  await whenReady(
    () => client.post(`/accounts/${customer.customerId}/payments`, { ...payment, currency: 'USD' }),
    'payment',
  );
  return 5;
}

/**
 * A customer's whole history: each contract created, activated and billed period by period. Returns
 * the requests it took.
 */
export async function runCustomer(client: HttpClient, customer: CustomerPlan): Promise<number> {
  let requests = 0;
  for (const [index, contract] of customer.contracts.entries()) {
    const created = await whenReady(
      () =>
        client.post(
          '/contracts',
          contractBody(customer, contract, `${customer.name} job ${index + 1}`),
        ),
      'create contract',
    );
    const activatedOn = addDays(lastDayOf(BASE_YEAR, contract.startMonth - 1), 1);
    await whenReady(
      () => client.post(`/contracts/${created.contractId}/activate`, { date: activatedOn }),
      'activate',
    );
    requests += 2;
    for (let period = 0; period < contract.periods; period++)
      requests += await billPeriod(client, customer, contract, created.contractId, period);
  }
  return requests;
}
