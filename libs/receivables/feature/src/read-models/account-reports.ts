import {
  AGING_BUCKETS,
  agingBucket,
  byDueThenNumber,
  type AgingBucket,
} from '@billing/receivables/domain';
import { byCodePoint } from '@billing/shared/kernel';
import {
  retainageAsOf,
  type AccountView,
  type AgingCreditView,
  type AgingRetainageView,
  type EntryView,
  type ReceivableItem,
  type RetainageView,
} from './accounts.projection';
import { valueOn, type Ladder } from './aging-history';

export type Buckets = Record<AgingBucket, number>;

export interface CustomerAging {
  customerId: string;
  customerName: string;
  currency: string;
  buckets: Buckets;
  total: number;
  invoices: {
    invoiceId: string;
    number: string;
    dueDate: string;
    open: number;
    bucket: AgingBucket;
  }[];
  /** Retainage held and not yet billed, shown beside the buckets, never in one. */
  retainageHeld: number;
  /** Payments and credits not applied to an invoice as of the date, beside the buckets too. */
  unappliedCredit: number;
}

type Customer = Pick<AccountView, 'customerId' | 'customerName' | 'currency'>;

const emptyBuckets = (): Buckets =>
  Object.fromEntries(AGING_BUCKETS.map((bucket) => [bucket, 0])) as Buckets;

/**
 * DOMAIN.md "Aging": only what happened on or before `asOf` counts. `items` and `retainage` are
 * the candidates the indexes return (still open, or closed after `asOf`); the rest is exact here.
 */
export function agingAsOf(
  customer: Customer,
  items: ReceivableItem[],
  retainage: RetainageView[],
  credit: Ladder,
  asOf: string,
): CustomerAging {
  const buckets = emptyBuckets();
  const invoices = items
    .filter((item) => item.issueDate <= asOf)
    .map((item) => ({
      item,
      open: item.effects
        .filter((effect) => effect.date <= asOf)
        .reduce((total, effect) => total + effect.amount, 0),
    }))
    .filter(({ open }) => open > 0)
    .map(({ item, open }) => ({
      invoiceId: item.invoiceId,
      number: item.number,
      dueDate: item.dueDate,
      open,
      bucket: agingBucket(item.dueDate, asOf),
    }))
    .sort(byDueThenNumber);
  invoices.forEach((invoice) => (buckets[invoice.bucket] += invoice.open));
  return {
    customerId: customer.customerId,
    customerName: customer.customerName,
    currency: customer.currency,
    buckets,
    total: invoices.reduce((total, invoice) => total + invoice.open, 0),
    invoices,
    retainageHeld: retainage.reduce((total, contract) => total + retainageAsOf(contract, asOf), 0),
    unappliedCredit: valueOn(credit, asOf),
  };
}

/**
 * Every customer with something open or retainage held as of `asOf`, from the candidates, with its
 * unapplied credit from `credits` (by customer id).
 */
export function agingByCustomer(
  items: ReceivableItem[],
  retainage: RetainageView[],
  credits: ReadonlyMap<string, Ladder>,
  asOf: string,
): CustomerAging[] {
  const customers = new Map<
    string,
    { customer: Customer; items: ReceivableItem[]; retainage: RetainageView[] }
  >();
  const of = (customer: Customer) =>
    customers.get(customer.customerId) ??
    customers
      .set(customer.customerId, { customer, items: [], retainage: [] })
      .get(customer.customerId)!;
  items.forEach((item) => of(item).items.push(item));
  retainage
    .filter((contract) => contract.heldFrom <= asOf)
    .forEach((contract) => of(contract).retainage.push(contract));
  return [...customers.values()]
    .map(({ customer, items: own, retainage: held }) =>
      agingAsOf(customer, own, held, credits.get(customer.customerId) ?? [], asOf),
    )
    .filter((aging) => aging.total > 0 || aging.retainageHeld > 0)
    .sort(
      (a, b) =>
        byCodePoint(a.customerName, b.customerName) || byCodePoint(a.customerId, b.customerId),
    );
}

export interface CurrencyTotals {
  currency: string;
  buckets: Buckets;
  total: number;
  retainageHeld: number;
  /** Of every customer the filter selects, listed or not (one may hold credit and owe nothing). */
  unappliedCredit: number;
}

const emptyTotals = (currency: string): CurrencyTotals => ({
  currency,
  buckets: emptyBuckets(),
  total: 0,
  retainageHeld: 0,
  unappliedCredit: 0,
});

/**
 * Aging totals, one per currency: money of different currencies is never added (DOMAIN.md "Money");
 * `credits` the unapplied credit of each currency as of the date. A currency with nothing open,
 * held or in credit is left out.
 */
function totalsOf(
  parts: { currency: string; buckets?: Buckets; total?: number; retainageHeld?: number }[],
  credits: readonly { currency: string; amount: number }[],
): CurrencyTotals[] {
  const totals = new Map<string, CurrencyTotals>();
  const of = (currency: string) =>
    totals.get(currency) ?? totals.set(currency, emptyTotals(currency)).get(currency)!;
  for (const { currency, buckets, total = 0, retainageHeld = 0 } of parts) {
    const sum = of(currency);
    if (buckets) AGING_BUCKETS.forEach((bucket) => (sum.buckets[bucket] += buckets[bucket]));
    sum.total += total;
    sum.retainageHeld += retainageHeld;
  }
  for (const { currency, amount } of credits) of(currency).unappliedCredit += amount;
  return [...totals.values()]
    .filter((sums) => sums.total > 0 || sums.retainageHeld > 0 || sums.unappliedCredit > 0)
    .sort((a, b) => byCodePoint(a.currency, b.currency));
}

/** The totals of customers' agings, and of the unapplied credit of those given. */
export function totalsByCurrency(
  customers: CustomerAging[],
  credits: readonly { currency: string; amount: number }[],
): CurrencyTotals[] {
  return totalsOf(customers, credits);
}

export interface OpenDue {
  currency: string;
  dueDate: string;
  open: number;
}

/**
 * Aging totals per currency as of a date from what is open by due date and the retainage held,
 * currencies with neither left out.
 */
export function totalsAsOf(
  dues: OpenDue[],
  held: AgingRetainageView[],
  credits: AgingCreditView[],
  asOf: string,
): CurrencyTotals[] {
  const due = dues.map(({ currency, dueDate, open }) => {
    const buckets = emptyBuckets();
    buckets[agingBucket(dueDate, asOf)] = open;
    return { currency, buckets, total: open };
  });
  const retained = held.map(({ currency, held: ladder }) => ({
    currency,
    retainageHeld: valueOn(ladder, asOf),
  }));
  return totalsOf(
    [...due, ...retained],
    credits.map(({ currency, credit }) => ({ currency, amount: valueOn(credit, asOf) })),
  );
}

/** Entries of the period in date order, after the balance brought forward. */
export function statement(
  customer: Customer,
  openingBalance: number,
  entries: EntryView[],
  from: string,
  to: string,
) {
  let running = openingBalance;
  const lines = entries
    // Applying credit moves it between open items and leaves the balance as it was: not a statement
    // line.
    .filter((line) => line.kind !== 'credit-applied')
    .map((line) => ({
      date: line.date,
      kind: line.kind,
      reference: line.reference,
      amount: line.amount,
      balance: (running += line.amount),
    }));
  return {
    customerId: customer.customerId,
    customerName: customer.customerName,
    currency: customer.currency,
    from,
    to,
    openingBalance,
    lines,
    closingBalance: running,
  };
}
