import { DEFAULT_REMINDER_LEVELS, type AccountEvent, type OpenItem } from '@billing/receivables/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, Projection } from '@billing/shared/read-models';
import { bookEntry, creditChange, type BookEntry } from './account-book';
import { decodeAccountEvent } from '../receivables.events';

export const ACCOUNTS = 'accounts_v2';
export const ITEMS = 'receivable_items_v1';
export const ENTRIES = 'account_entries_v1';
export const RETAINAGE = 'contract_retainage_v1';
/** `closedOn` of an invoice still open: later than any date asked about. */
export const STILL_OPEN = '9999-12-31';

/** A customer's account: one small document, whatever its history. */
export interface AccountView {
  customerId: string;
  customerName: string;
  currency: string;
  balance: number;
  unappliedCredit: number;
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

/** A recorded ReminderSent, by rank; reminders recorded before the rank was kept get it from the default levels, or null. */
export function reminderView(data: Extract<AccountEvent, { type: 'ReminderSent' }>['data']): ReminderView {
  const { level, rank, final, runDate, daysOverdue, open } = data;
  const byDefault = DEFAULT_REMINDER_LEVELS.indexOf(level) + 1;
  return { level: rank ?? (byDefault || null), levelDays: level, final, runDate, daysOverdue, open };
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
  version: 2,
  streamPrefixes: ['account-'],
  collections: [ACCOUNTS, ITEMS, ENTRIES, RETAINAGE],
  indexes: [
    { collection: ITEMS, fields: { customerId: 1, dueDate: 1 } },
    { collection: ITEMS, fields: { closedOn: 1, dueDate: 1 } },
    { collection: ENTRIES, fields: { customerId: 1, date: 1, position: 1 } },
    { collection: RETAINAGE, fields: { heldUntil: 1 } },
    { collection: RETAINAGE, fields: { customerId: 1, heldFrom: 1 } },
    { collection: ACCOUNTS, fields: { customerName: 1 } },
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
    for (const invoiceId of invoicesOf(event)) await store.apply<ReceivableItem>(ITEMS, invoiceId, position, (current) => evolveItem(current, event, entry, position));
    await store.apply<AccountView>(ACCOUNTS, accountKey(recorded.metadata.tenantId, event.data.customerId), position, (current) => evolveAccount(current, event, entry));
    if (entry) {
      const { effects: _effects, ...line } = entry;
      await store.apply<EntryView>(ENTRIES, recorded.id, position, () => ({ customerId: event.data.customerId, ...line }));
    }
    const retainage = retainageChange(event, items);
    if (retainage) await store.apply<RetainageView>(RETAINAGE, retainage.contractId, position, (current) => evolveRetainage(current, retainage, position));
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

function evolveAccount(current: AccountView | undefined, event: AccountEvent, entry: BookEntry | undefined): AccountView {
  const opened = event.type === 'InvoiceOpened' ? event.data : undefined;
  return {
    customerId: event.data.customerId,
    customerName: current?.customerName ?? opened?.customerName ?? '',
    currency: current?.currency ?? opened?.currency ?? '',
    balance: (current?.balance ?? 0) + (entry?.amount ?? 0),
    unappliedCredit: (current?.unappliedCredit ?? 0) + creditChange(event),
  };
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
