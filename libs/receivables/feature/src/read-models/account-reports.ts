import { AGING_BUCKETS, agingBucket, type AgingBucket } from '@billing/receivables/domain';
import type { AccountView } from './accounts.projection';

export type Buckets = Record<AgingBucket, number>;

export interface CustomerAging {
  customerId: string;
  customerName: string;
  currency: string;
  buckets: Buckets;
  total: number;
  invoices: { invoiceId: string; number: string; dueDate: string; open: number; bucket: AgingBucket }[];
  /** Retainage held and not yet billed, shown beside the buckets, never in one. */
  retainageHeld: number;
}

const emptyBuckets = (): Buckets => Object.fromEntries(AGING_BUCKETS.map((bucket) => [bucket, 0])) as Buckets;

/** DOMAIN.md "Aging": only what happened on or before `asOf` counts. */
export function agingAsOf(account: AccountView, asOf: string): CustomerAging {
  const open = new Map<string, number>();
  for (const entry of account.book.filter((line) => line.date <= asOf)) {
    for (const effect of entry.effects) open.set(effect.invoiceId, (open.get(effect.invoiceId) ?? 0) + effect.amount);
  }
  const buckets = emptyBuckets();
  const invoices = [...open]
    .map(([invoiceId, amount]) => ({ invoice: account.invoices[invoiceId], amount }))
    .filter(({ invoice, amount }) => amount > 0 && invoice.issueDate <= asOf)
    .map(({ invoice, amount }) => ({ invoiceId: invoice.invoiceId, number: invoice.number, dueDate: invoice.dueDate, open: amount, bucket: agingBucket(invoice.dueDate, asOf) }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  invoices.forEach((invoice) => (buckets[invoice.bucket] += invoice.open));
  const latest = new Map<string, number>();
  account.retainageHistory.filter((entry) => entry.date <= asOf).forEach((entry) => latest.set(entry.contractId, entry.amount));
  return {
    customerId: account.customerId,
    customerName: account.customerName,
    currency: account.currency,
    buckets,
    total: invoices.reduce((total, invoice) => total + invoice.open, 0),
    invoices,
    retainageHeld: [...latest.values()].reduce((total, amount) => total + amount, 0),
  };
}

export function statement(account: AccountView, from: string, to: string) {
  const ordered = [...account.book].sort((a, b) => a.date.localeCompare(b.date) || a.position - b.position);
  const openingBalance = ordered.filter((line) => line.date < from).reduce((total, line) => total + line.amount, 0);
  let running = openingBalance;
  const lines = ordered
    // Applying credit moves it between open items and leaves the balance as it was: not a statement line.
    .filter((line) => line.date >= from && line.date <= to && line.kind !== 'credit-applied')
    .map((line) => ({ date: line.date, kind: line.kind, reference: line.reference, amount: line.amount, balance: (running += line.amount) }));
  return { customerId: account.customerId, customerName: account.customerName, currency: account.currency, from, to, openingBalance, lines, closingBalance: running };
}
