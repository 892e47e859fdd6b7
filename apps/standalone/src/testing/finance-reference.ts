import type { RecordedEvent } from '@billing/shared/event-store';

// The finance figures recomputed by another, plain route: from the stored events and the raw API
// answers, with none of the read models' code (finance.int.spec.ts compares them to the cent).

const DAY = 86_400_000;
const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const data = (event: RecordedEvent) => event.data as any;

/** round(a x b / c) half away from zero, for a, b >= 0 and c > 0, by quotient and remainder. */
export function roundedProduct(a: number, b: number, c: number): number {
  const product = BigInt(a) * BigInt(b);
  const [quotient, remainder] = [product / BigInt(c), product % BigInt(c)];
  return Number(2n * remainder >= BigInt(c) ? quotient + 1n : quotient);
}

export interface OpenInvoice {
  invoiceId: string;
  customerId: string;
  currency: string;
  contractId: string;
  dueDate: string;
  open: number;
}

/**
 * What each invoice holds open as of a date, replaying the account events by their business dates.
 */
export function openInvoices(events: RecordedEvent[], asOf: string): OpenInvoice[] {
  const invoices = new Map<string, OpenInvoice & { issueDate: string; voided: boolean }>();
  const change = (invoiceId: string, amount: number) => {
    const invoice = invoices.get(invoiceId);
    if (invoice) invoice.open += amount;
  };
  for (const event of events.filter((candidate) => candidate.streamId.startsWith('account-'))) {
    const e = data(event);
    if (event.type === 'InvoiceOpened' && e.issueDate <= asOf)
      invoices.set(e.invoiceId, {
        invoiceId: e.invoiceId,
        customerId: e.customerId,
        currency: e.currency,
        contractId: e.contractId,
        dueDate: e.dueDate,
        issueDate: e.issueDate,
        open: e.total,
        voided: false,
      });
    if (event.type === 'PaymentReceived' && e.receivedOn <= asOf)
      e.allocations.forEach((allocation: any) => change(allocation.invoiceId, -allocation.amount));
    if (event.type === 'PaymentReversed' && e.reversedOn <= asOf)
      e.reopened.forEach((allocation: any) => change(allocation.invoiceId, allocation.amount));
    if (event.type === 'CreditNoteRecorded' && e.issueDate <= asOf)
      change(e.invoiceId, -e.toInvoice);
    if (event.type === 'CreditApplied' && e.appliedOn <= asOf) change(e.invoiceId, -e.amount);
    if (event.type === 'InvoiceWrittenOff' && e.writtenOffOn <= asOf)
      change(e.invoiceId, -e.amount);
    if (event.type === 'InvoiceCancelled' && e.voidedOn <= asOf && invoices.has(e.invoiceId))
      invoices.get(e.invoiceId)!.voided = true;
  }
  return [...invoices.values()]
    .filter((invoice) => !invoice.voided && invoice.open > 0)
    .map(({ issueDate: _i, voided: _v, ...invoice }) => invoice);
}

export function bucketOf(dueDate: string, asOf: string): string {
  const late = days(dueDate, asOf);
  return late <= 0
    ? 'current'
    : late <= 30
      ? 'days1to30'
      : late <= 60
        ? 'days31to60'
        : late <= 90
          ? 'days61to90'
          : 'over90';
}

/**
 * Retainage held on each contract as of a date: the figure of the last document (opened or
 * cancelled) dated on or before it.
 */
export function retainageHeld(
  events: RecordedEvent[],
  asOf: string,
): Map<string, { customerId: string; amount: number }> {
  const held = new Map<string, { date: string; customerId: string; amount: number }>();
  const contractOf = new Map<string, string>();
  for (const event of events.filter((candidate) => candidate.streamId.startsWith('account-'))) {
    const e = data(event);
    if (event.type === 'InvoiceOpened') contractOf.set(e.invoiceId, e.contractId);
    const date =
      event.type === 'InvoiceOpened'
        ? e.issueDate
        : event.type === 'InvoiceCancelled'
          ? e.voidedOn
          : undefined;
    const contractId = contractOf.get(e.invoiceId);
    if (date === undefined || date > asOf || !contractId) continue;
    if ((held.get(contractId)?.date ?? '') <= date)
      held.set(contractId, { date, customerId: e.customerId, amount: e.retainageHeld });
  }
  return new Map(
    [...held].map(([contractId, { customerId, amount }]) => [contractId, { customerId, amount }]),
  );
}

/**
 * ISO 8601 week of a 2026 date, counted from Monday 2025-12-29 (the first day of 2026-W01; 2026 has
 * 53 weeks).
 */
export function week2026(date: string): string {
  const index = Math.floor(days('2025-12-29', date) / 7);
  if (index < 0 || index > 52) throw new Error(`${date} is not in ISO year 2026`);
  return `2026-W${String(index + 1).padStart(2, '0')}`;
}

/**
 * Credit sales of a period per currency: invoices opened, less invoices cancelled and credit notes,
 * by their dates (tax included).
 */
export function creditSales(
  events: RecordedEvent[],
  from: string,
  to: string,
): Map<string, number> {
  const invoice = new Map<string, { currency: string; total: number }>();
  const sales = new Map<string, number>();
  const add = (currency: string, amount: number) =>
    sales.set(currency, (sales.get(currency) ?? 0) + amount);
  const within = (date: string) => date >= from && date <= to;
  for (const event of events.filter((candidate) => candidate.streamId.startsWith('account-'))) {
    const e = data(event);
    if (event.type === 'InvoiceOpened')
      invoice.set(e.invoiceId, { currency: e.currency, total: e.total });
    if (event.type === 'InvoiceOpened' && within(e.issueDate)) add(e.currency, e.total);
    if (event.type === 'InvoiceCancelled' && within(e.voidedOn))
      add(invoice.get(e.invoiceId)!.currency, -invoice.get(e.invoiceId)!.total);
    if (event.type === 'CreditNoteRecorded' && within(e.issueDate))
      add(invoice.get(e.invoiceId)!.currency, -e.total);
  }
  return sales;
}

/** Hundredths, rounded half away from zero, as a decimal with two places. */
export function twoPlaces(numerator: bigint, denominator: bigint): string {
  const hundredths = (numerator * 200n + denominator) / (denominator * 2n);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}

/**
 * The contract sum on a date from the contract's events: original sum and change orders approved by
 * then.
 */
export function contractSumOn(events: RecordedEvent[], contractId: string, date: string): number {
  const own = events
    .filter((event) => event.streamId === `contract-${contractId}`)
    .map((event) => ({ type: event.type, e: data(event) }));
  const original = own.find(({ type }) => type === 'ContractCreated')!.e.terms
    .originalSum as number;
  return own
    .filter(({ type, e }) => type === 'ChangeOrderApproved' && e.approvedOn <= date)
    .reduce((sum, { e }) => sum + (e.amount as number), original);
}

/**
 * Billed to date on a date, from the invoice list: line 4 of the latest pay application issued by
 * then and not voided by then.
 */
export function billedOn(invoices: any[], date: string): number {
  const live = invoices.filter(
    (invoice) =>
      invoice.kind === 'progress' &&
      invoice.issueDate &&
      invoice.issueDate <= date &&
      !(invoice.status === 'void' && invoice.voidedOn <= date),
  );
  live.sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.applicationNo - b.applicationNo);
  return live.at(-1)?.g702.totalCompletedAndStoredToDate ?? 0;
}
