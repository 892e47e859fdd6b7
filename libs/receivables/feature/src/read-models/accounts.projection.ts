import type { AccountEvent, OpenItem } from '@billing/receivables/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, Projection } from '@billing/shared/read-models';
import { bookEntry, creditChange, type BookEntry } from './account-book';
import { decodeAccountEvent } from '../receivables.events';

export const ACCOUNTS = 'accounts_v3';
export const ITEMS = 'receivable_items_v1';
export const ENTRIES = 'account_entries_v1';
export const RETAINAGE = 'contract_retainage_v1';
export const AGING_TOTALS = 'aging_totals_v1';
/** `closedOn` of an invoice still open: later than any date asked about. */
export const STILL_OPEN = '9999-12-31';

/** A customer's account: one small document, whatever its history. */
export interface AccountView {
  customerId: string;
  customerName: string;
  currency: string;
  balance: number;
  unappliedCredit: number;
  /** What its invoices hold open and the retainage its contracts hold now: `aged` when either is above zero. */
  openTotal: number;
  retainageHeld: number;
  aged: boolean;
}

/**
 * A tenant's aging kept current, one document: per currency, what is open by due date and the
 * retainage held, and the latest business date any of it changed on. As of that date or later the
 * buckets follow from the due dates alone, so the totals need no invoice read (DOMAIN.md "Aging").
 */
export interface AgingTotalsView {
  lastDate: string;
  currencies: Record<string, { dues: Record<string, number>; retainageHeld: number }>;
}

/** One invoice on a customer's account, with its dated effects for aging as of any date. */
export interface ReceivableItem extends Omit<OpenItem, 'reminderLevels'> {
  customerId: string;
  customerName: string;
  currency: string;
  open: number;
  reminders: ReminderView[];
  effects: { position: number; date: string; amount: number }[];
  /** The last date its open amount changed, once it is zero (STILL_OPEN while open): aging as of D reads only items with closedOn > D. */
  closedOn: string;
}

/** A reminder as the API shows it: `level` is its rank (1 = first), `levelDays` the days overdue that level starts at. */
export interface ReminderView {
  level: number | null;
  levelDays: number;
  final: boolean;
  runDate: string;
  daysOverdue: number;
  open: number;
}

/** A recorded ReminderSent, by rank (null on an old reminder at a level that is not a default one: accountEventUpcasters). */
export function reminderView(data: Extract<AccountEvent, { type: 'ReminderSent' }>['data']): ReminderView {
  const { level, rank, final, runDate, daysOverdue, open } = data;
  return { level: rank, levelDays: level, final, runDate, daysOverdue, open };
}

export interface EntryView extends Omit<BookEntry, 'effects'> {
  customerId: string;
}

/** Retainage held on one contract, dated, so aging shows it as of any date. */
export interface RetainageView {
  customerId: string;
  customerName: string;
  currency: string;
  contractId: string;
  history: { date: string; position: number; amount: number }[];
  heldFrom: string;
  heldUntil: string;
}

export const accountKey = (tenantId: string, customerId: string) => `${tenantId}/${customerId}`;

/** Receivables' read models: accounts, receivable items, book entries and retainage, each keyed and indexed for its queries. */
export const accountsProjection: Projection = {
  name: 'accounts',
  version: 3,
  streamPrefixes: ['account-'],
  collections: [ACCOUNTS, ITEMS, ENTRIES, RETAINAGE, AGING_TOTALS],
  indexes: [
    { collection: ITEMS, fields: { customerId: 1, dueDate: 1 } },
    { collection: ITEMS, fields: { closedOn: 1, dueDate: 1 } },
    { collection: ENTRIES, fields: { customerId: 1, date: 1, position: 1 } },
    { collection: ENTRIES, fields: { kind: 1, date: 1 } },
    { collection: RETAINAGE, fields: { heldUntil: 1 } },
    { collection: RETAINAGE, fields: { customerId: 1, heldFrom: 1 } },
    { collection: ACCOUNTS, fields: { customerName: 1 } },
    { collection: ACCOUNTS, fields: { aged: 1, customerName: 1 } },
  ],
  async handle(recorded, store) {
    const event = decodeAccountEvent(recorded);
    const { position } = recorded;
    const items = new Map<string, Doc<ReceivableItem>>();
    for (const invoiceId of invoicesOf(event)) {
      const item = await store.get<ReceivableItem>(ITEMS, invoiceId);
      if (item) items.set(invoiceId, item);
    }
    const entry = bookEntry(event, position, (invoiceId) => {
      const item = items.get(invoiceId);
      // Effects before this event only: a redelivered event books the same entry.
      return item && { number: item.number, total: item.total, openBefore: sumOf(item.effects.filter((effect) => effect.position < position)) };
    });
    const retainage = retainageChange(event, items);
    const contract = retainage && (await store.get<RetainageView>(RETAINAGE, retainage.contractId));
    // Changes worked out from what was there before this event, so a redelivered event gives the same ones.
    const change: AgingChange = {
      currency: items.values().next().value?.currency ?? (event.type === 'InvoiceOpened' ? event.data.currency : ''),
      dues: dueChanges(event, entry, items, position),
      retainage: retainage ? retainage.amount - (contract?.history.filter((held) => held.position < position).at(-1)?.amount ?? 0) : 0,
      dates: [entry?.date, retainage?.date].filter((date): date is string => date !== undefined),
    };
    for (const invoiceId of invoicesOf(event)) await store.apply<ReceivableItem>(ITEMS, invoiceId, position, (current) => evolveItem(current, event, entry, position));
    await store.apply<AccountView>(ACCOUNTS, accountKey(recorded.metadata.tenantId, event.data.customerId), position, (current) => evolveAccount(current, event, entry, change));
    if (entry) {
      const { effects: _effects, ...line } = entry;
      await store.apply<EntryView>(ENTRIES, recorded.id, position, () => ({ customerId: event.data.customerId, ...line }));
    }
    if (retainage) await store.apply<RetainageView>(RETAINAGE, retainage.contractId, position, (current) => evolveRetainage(current, retainage, position));
    await store.apply<AgingTotalsView>(AGING_TOTALS, recorded.metadata.tenantId, position, (current) => evolveTotals(current, change));
  },
  affected: (recorded: RecordedEvent) => {
    const customerId = recorded.streamId.slice(-36);
    return [{ collection: ACCOUNTS, id: accountKey(recorded.metadata.tenantId, customerId) }];
  },
};

const sumOf = (effects: { amount: number }[]) => effects.reduce((total, effect) => total + effect.amount, 0);

function invoicesOf(event: AccountEvent): string[] {
  const ids = new Set(event.type === 'ReminderSent' ? [event.data.invoiceId] : event.data.balances.map((balance) => balance.invoiceId));
  if ('invoiceId' in event.data) ids.add(event.data.invoiceId);
  return [...ids];
}

function evolveAccount(current: AccountView | undefined, event: AccountEvent, entry: BookEntry | undefined, change: AgingChange): AccountView {
  const opened = event.type === 'InvoiceOpened' ? event.data : undefined;
  const openTotal = (current?.openTotal ?? 0) + change.dues.reduce((total, due) => total + due.amount, 0);
  const retainageHeld = (current?.retainageHeld ?? 0) + change.retainage;
  return {
    customerId: event.data.customerId,
    customerName: current?.customerName ?? opened?.customerName ?? '',
    currency: current?.currency ?? opened?.currency ?? '',
    balance: (current?.balance ?? 0) + (entry?.amount ?? 0),
    unappliedCredit: (current?.unappliedCredit ?? 0) + creditChange(event),
    openTotal,
    retainageHeld,
    aged: openTotal > 0 || retainageHeld > 0,
  };
}

/** What one event changes in the aging: open amounts by due date, retainage held, and the business dates it happened on. */
interface AgingChange {
  currency: string;
  dues: { dueDate: string; amount: number }[];
  retainage: number;
  dates: string[];
}

/** An invoice counts in the aging for what it holds open, never below zero (agingAsOf drops the rest). */
const counted = (open: number) => Math.max(0, open);

function dueChanges(event: AccountEvent, entry: BookEntry | undefined, items: Map<string, ReceivableItem>, position: number): AgingChange['dues'] {
  return invoicesOf(event).flatMap((invoiceId) => {
    const item = items.get(invoiceId);
    const dueDate = item?.dueDate ?? (event.type === 'InvoiceOpened' ? event.data.dueDate : undefined);
    const before = sumOf(item?.effects.filter((effect) => effect.position < position) ?? []);
    const after = before + sumOf(entry?.effects.filter((effect) => effect.invoiceId === invoiceId) ?? []);
    const amount = counted(after) - counted(before);
    return dueDate !== undefined && amount !== 0 ? [{ dueDate, amount }] : [];
  });
}

function evolveTotals(current: AgingTotalsView | undefined, change: AgingChange): AgingTotalsView {
  const lastDate = [current?.lastDate ?? '', ...change.dates].sort().at(-1)!;
  if (change.dues.length === 0 && change.retainage === 0) return { lastDate, currencies: current?.currencies ?? {} };
  const was = current?.currencies[change.currency] ?? { dues: {}, retainageHeld: 0 };
  const dues = { ...was.dues };
  for (const { dueDate, amount } of change.dues) {
    dues[dueDate] = (dues[dueDate] ?? 0) + amount;
    if (dues[dueDate] === 0) delete dues[dueDate];
  }
  return { lastDate, currencies: { ...current?.currencies, [change.currency]: { dues, retainageHeld: was.retainageHeld + change.retainage } } };
}

function evolveItem(current: ReceivableItem | undefined, event: AccountEvent, entry: BookEntry | undefined, position: number): ReceivableItem {
  let item = current ?? openedItem(event);
  const balance = event.type === 'ReminderSent' ? undefined : event.data.balances.find((candidate) => candidate.invoiceId === item.invoiceId);
  const effect = entry?.effects.filter((candidate) => candidate.invoiceId === item.invoiceId) ?? [];
  const effects = [...item.effects, ...effect.map(({ amount }) => ({ position, date: entry!.date, amount }))];
  if (event.type === 'InvoiceCancelled') item = { ...item, cancelled: true };
  if (event.type === 'CreditNoteRecorded') item = { ...item, credited: item.credited + event.data.toInvoice };
  if (event.type === 'InvoiceWrittenOff') item = { ...item, writtenOff: item.writtenOff + event.data.amount };
  if (event.type === 'ReminderSent') item = { ...item, reminders: [...item.reminders, reminderView(event.data)] };
  const open = balance?.open ?? item.open;
  return {
    ...item,
    paid: balance?.paid ?? item.paid,
    open,
    effects,
    closedOn:
      open > 0
        ? STILL_OPEN
        : (effects
            .map((e) => e.date)
            .sort()
            .at(-1) ?? item.issueDate),
  };
}

function openedItem(event: AccountEvent): ReceivableItem {
  if (event.type !== 'InvoiceOpened') throw new Error(`${event.type} names an invoice that was never opened on this account`);
  const { customerId, customerName, currency, invoiceId, number, contractId, kind, issueDate, dueDate, total } = event.data;
  return {
    customerId,
    customerName,
    currency,
    invoiceId,
    number,
    contractId,
    kind,
    issueDate,
    dueDate,
    total,
    paid: 0,
    credited: 0,
    writtenOff: 0,
    cancelled: false,
    open: 0,
    reminders: [],
    effects: [],
    closedOn: STILL_OPEN,
  };
}

interface RetainageChange {
  contractId: string;
  customerId: string;
  customerName: string;
  currency: string;
  date: string;
  amount: number;
}

function retainageChange(event: AccountEvent, items: Map<string, ReceivableItem>): RetainageChange | undefined {
  if (event.type === 'InvoiceOpened') {
    const { contractId, customerId, customerName, currency, issueDate, retainageHeld } = event.data;
    return { contractId, customerId, customerName, currency, date: issueDate, amount: retainageHeld };
  }
  const item = event.type === 'InvoiceCancelled' ? items.get(event.data.invoiceId) : undefined;
  if (event.type !== 'InvoiceCancelled' || !item) return undefined;
  return {
    contractId: item.contractId,
    customerId: item.customerId,
    customerName: item.customerName,
    currency: item.currency,
    date: event.data.voidedOn,
    amount: event.data.retainageHeld,
  };
}

function evolveRetainage(current: RetainageView | undefined, change: RetainageChange, position: number): RetainageView {
  const { contractId, customerId, customerName, currency, date, amount } = change;
  const history = [...(current?.history ?? []), { date, position, amount }];
  const dates = history.map((entry) => entry.date).sort();
  // From the last date on, the figure is the latest document's: zero means nothing is held any more.
  return { contractId, customerId, customerName, currency, history, heldFrom: dates[0], heldUntil: history.at(-1)!.amount === 0 ? dates.at(-1)! : STILL_OPEN };
}

/** Retainage held on a contract as of a date: the figure of the latest document recorded with a date on or before it. */
export function retainageAsOf(view: RetainageView, asOf: string): number {
  return view.history.filter((entry) => entry.date <= asOf).at(-1)?.amount ?? 0;
}
