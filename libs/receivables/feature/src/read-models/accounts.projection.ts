import { accountBusinessDate, type AccountEvent, type OpenItem } from '@billing/receivables/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, Projection } from '@billing/shared/read-models';
import { bookEntry, creditChange, type BookEntry } from './account-book';
import {
  extentOf,
  moved,
  openLadder,
  overpaidLadder,
  retainageLadder,
  spansOf,
  STILL_OPEN,
  type Ladder,
} from './aging-history';
import { decodeAccountEvent } from '../receivables.events';

export { STILL_OPEN } from './aging-history';
export const ACCOUNTS = 'accounts_v5';
export const ITEMS = 'receivable_items_v2';
export const ENTRIES = 'account_entries_v2';
export const RETAINAGE = 'contract_retainage_v2';
export const AGED_CUSTOMERS = 'aged_customers_v2';
export const AGED_SPANS = 'aged_spans_v2';
export const AGING_DUES = 'aging_dues_v1';
export const AGING_RETAINAGE = 'aging_retainage_v1';
export const AGING_CREDIT = 'aging_credit_v1';
export const ENTRY_MONTHS = 'account_entry_months_v1';

/** A customer's account: one small document, whatever its history. */
export interface AccountView {
  customerId: string;
  customerName: string;
  currency: string;
  balance: number;
  unappliedCredit: number;
  /**
   * What its invoices hold open and the retainage its contracts hold now: `aged` when either is
   * above zero.
   */
  openTotal: number;
  retainageHeld: number;
  aged: boolean;
  /** Its unapplied credit by business date: the aging shows it as of any date. */
  credit: Ladder;
}

/**
 * What one customer has to age, by business date (ADR 23): what its invoices hold open (each never
 * below zero) plus the retainage its contracts hold, and the spans of dates that was above zero.
 */
export interface AgedCustomerView {
  customerId: string;
  customerName: string;
  currency: string;
  aged: Ladder;
  spans: [string, string][];
  /**
   * How many AGED_SPANS documents it has had (a span that went away leaves one that never matches).
   */
  slots: number;
  /** Per slot, the position of the event that last changed its span: its document's `_position`. */
  changed: number[];
}

/**
 * One span of dates a customer had something open or retainage held: the aging of a date pages
 * through those holding it.
 */
export interface AgedSpanView {
  customerId: string;
  customerName: string;
  currency: string;
  from: string;
  to: string;
}

/**
 * What a tenant's invoices due on one date hold open, by business date; `from`/`until` bound the
 * dates it is above zero.
 */
export interface AgingDuesView {
  currency: string;
  dueDate: string;
  open: Ladder;
  from: string;
  until: string;
}

/** The retainage a tenant's contracts hold in one currency, by business date. */
export interface AgingRetainageView {
  currency: string;
  held: Ladder;
}

/** The unapplied credit a tenant's customers hold in one currency, by business date. */
export interface AgingCreditView {
  currency: string;
  credit: Ladder;
}

/** One invoice on a customer's account, with its dated effects for aging as of any date. */
export interface ReceivableItem extends Omit<OpenItem, 'reminderLevels'> {
  customerId: string;
  customerName: string;
  currency: string;
  open: number;
  reminders: ReminderView[];
  effects: { position: number; date: string; amount: number }[];
  /**
   * The last date its open amount changed, once it is zero (STILL_OPEN while open): aging as of D
   * reads only items with closedOn > D.
   */
  closedOn: string;
}

/**
 * A reminder as the API shows it: `level` is its rank (1 = first), `levelDays` the days overdue
 * that level starts at.
 */
export interface ReminderView {
  level: number | null;
  levelDays: number;
  final: boolean;
  runDate: string;
  daysOverdue: number;
  open: number;
}

/**
 * A recorded ReminderSent, by rank (null on an old reminder at a level that is not a default one:
 * accountEventUpcasters).
 */
export function reminderView(
  data: Extract<AccountEvent, { type: 'ReminderSent' }>['data'],
): ReminderView {
  const { level, rank, final, runDate, daysOverdue, open } = data;
  return { level: rank, levelDays: level, final, runDate, daysOverdue, open };
}

export interface EntryView extends Omit<BookEntry, 'effects'> {
  customerId: string;
}

/**
 * What a customer's book entries of one calendar month add up to: a statement's opening balance
 * reads these, not every earlier entry.
 */
export interface EntryMonthView {
  customerId: string;
  /** YYYY-MM */
  month: string;
  amount: number;
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

/**
 * Receivables' read models: accounts, receivable items, book entries and retainage, each keyed and
 * indexed for its queries.
 */
export const accountsProjection: Projection = {
  name: 'accounts',
  version: 7,
  streamPrefixes: ['account-'],
  collections: [
    ACCOUNTS,
    ITEMS,
    ENTRIES,
    ENTRY_MONTHS,
    RETAINAGE,
    AGED_CUSTOMERS,
    AGED_SPANS,
    AGING_DUES,
    AGING_RETAINAGE,
    AGING_CREDIT,
  ],
  indexes: [
    { collection: ITEMS, fields: { customerId: 1, dueDate: 1 } },
    { collection: ITEMS, fields: { customerId: 1, closedOn: 1 } },
    { collection: ITEMS, fields: { closedOn: 1, dueDate: 1 } },
    { collection: ENTRIES, fields: { customerId: 1, date: 1, position: 1 } },
    { collection: ENTRIES, fields: { kind: 1, date: 1 } },
    { collection: ENTRY_MONTHS, fields: { customerId: 1, month: 1 } },
    { collection: RETAINAGE, fields: { heldUntil: 1 } },
    { collection: RETAINAGE, fields: { customerId: 1, heldFrom: 1 } },
    // One customer's aging: its retainage still held on the date.
    { collection: RETAINAGE, fields: { customerId: 1, heldUntil: 1 } },
    { collection: ACCOUNTS, fields: { customerName: 1 } },
    // The aging's page of customers: their unapplied credit.
    { collection: ACCOUNTS, fields: { customerId: 1 } },
    // The aging of a date: the page walks the names in order and checks the dates in the index; the
    // count reads the index alone.
    { collection: AGED_SPANS, fields: { customerName: 1, currency: 1, from: 1, to: 1 } },
    { collection: AGING_DUES, fields: { until: 1, from: 1, currency: 1 } },
    // A tenant's retainage held by currency: a few documents, found without reading every tenant's.
    { collection: AGING_RETAINAGE, fields: { currency: 1 } },
    { collection: AGING_CREDIT, fields: { currency: 1 } },
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
      return (
        item && {
          number: item.number,
          total: item.total,
          openBefore: sumOf(item.effects.filter((effect) => effect.position < position)),
        }
      );
    });
    const retainage = retainageChange(event, items);
    const contract = retainage && (await store.get<RetainageView>(RETAINAGE, retainage.contractId));
    // Changes worked out from what was there before this event, so a redelivered event gives the
    // same ones.
    const moves = invoiceMoves(event, entry, items, position);
    const change: AgingChange = {
      open: openChange(moves),
      credit: creditMove(event, moves),
      retainage: retainage
        ? retainage.amount -
          (contract?.history.filter((held) => held.position < position).at(-1)?.amount ?? 0)
        : 0,
    };
    for (const invoiceId of invoicesOf(event))
      await store.apply<ReceivableItem>(ITEMS, invoiceId, position, (current) =>
        evolveItem(current, event, entry, position),
      );
    const key = accountKey(recorded.metadata.tenantId, event.data.customerId);
    await store.apply<AccountView>(ACCOUNTS, key, position, (current) =>
      evolveAccount(current, event, entry, change),
    );
    const { before, after } = change.credit;
    if (!sameLadder(before, after)) {
      const { currency } = (await store.get<AccountView>(ACCOUNTS, key))!;
      await store.apply<AgingCreditView>(
        AGING_CREDIT,
        `${recorded.metadata.tenantId}/${currency}`,
        position,
        (current) => ({ currency, credit: moved(current?.credit ?? [], before, after) }),
      );
    }
    if (entry) {
      const { effects: _effects, ...line } = entry;
      const { customerId } = event.data;
      await store.apply<EntryView>(ENTRIES, recorded.id, position, () => ({ customerId, ...line }));
      const month = entry.date.slice(0, 7);
      await store.apply<EntryMonthView>(
        ENTRY_MONTHS,
        `${accountKey(recorded.metadata.tenantId, customerId)}/${month}`,
        position,
        (current) => ({
          customerId,
          month,
          amount: (current?.amount ?? 0) + entry.amount,
        }),
      );
    }
    if (retainage)
      await store.apply<RetainageView>(RETAINAGE, retainage.contractId, position, (current) =>
        evolveRetainage(current, retainage, position),
      );
    await keepAgingHistory(
      store,
      recorded.metadata.tenantId,
      moves,
      retainage && { change: retainage, before: contract?.history ?? [] },
      position,
    );
  },
  affected: (recorded: RecordedEvent) => {
    const customerId = recorded.streamId.slice(-36);
    return [{ collection: ACCOUNTS, id: accountKey(recorded.metadata.tenantId, customerId) }];
  },
};

/**
 * The aging history (ADR 23) one event moves, each figure from what was there before this event by
 * position, so a redelivered event moves nothing twice: the ladders of the invoices' due dates and
 * of the currency's retainage, the customer's ladders and spans, and its span documents.
 */
async function keepAgingHistory(
  store: Parameters<Projection['handle']>[1],
  tenantId: string,
  moves: InvoiceMove[],
  retainage: { change: RetainageChange; before: RetainageView['history'] } | undefined,
  position: number,
): Promise<void> {
  const invoices = moves.flatMap(({ item, before: was, after: is }) => {
    const [before, after] = [openLadder(was), openLadder(is)];
    return sameLadder(before, after) ? [] : [{ item, before, after }];
  });
  const earlier = retainage?.before.filter((held) => held.position < position);
  const held = retainage &&
    earlier && {
      before: retainageLadder(earlier),
      after: retainageLadder([...earlier, retainage.change]),
    };
  const retained = held && !sameLadder(held.before, held.after) ? held : undefined;
  const party = invoices[0]?.item ?? (retained && retainage?.change);
  if (!party) return;
  const { customerId, customerName, currency } = party;
  for (const [dueDate, moving] of groupBy(invoices, ({ item }) => item.dueDate)) {
    await store.apply<AgingDuesView>(
      AGING_DUES,
      `${tenantId}/${currency}/${dueDate}`,
      position,
      (current) => {
        const open = moving.reduce(
          (ladder, { before, after }) => moved(ladder, before, after),
          current?.open ?? [],
        );
        return { currency, dueDate, open, ...extentOf(open) };
      },
    );
  }
  if (retained)
    await store.apply<AgingRetainageView>(
      AGING_RETAINAGE,
      `${tenantId}/${currency}`,
      position,
      (current) => ({
        currency,
        held: moved(current?.held ?? [], retained.before, retained.after),
      }),
    );
  const key = accountKey(tenantId, customerId);
  const before = await store.get<AgedCustomerView>(AGED_CUSTOMERS, key);
  const agedCustomer = (current: AgedCustomerView | undefined): AgedCustomerView => {
    const aged = [...invoices, ...(retained ? [retained] : [])].reduce(
      (ladder, { before, after }) => moved(ladder, before, after),
      current?.aged ?? [],
    );
    const spans = spansOf(aged);
    const slots = Math.max(current?.slots ?? 0, spans.length);
    const changed = Array.from({ length: slots }, (_, slot) => {
      const [was, is] = [current?.spans[slot], spans[slot]];
      const same = was === is || (was && is && was[0] === is[0] && was[1] === is[1]);
      return same && current ? current.changed[slot] : position;
    });
    return { customerId, customerName, currency, aged, spans, slots, changed };
  };
  await store.apply<AgedCustomerView>(AGED_CUSTOMERS, key, position, agedCustomer);
  // Written from the document once it has this event: the spans this event changed; if it had the
  // event already (a batch cut short, then redelivered), each span as of the event that last
  // changed it, which a span document already written by that event skips. So a crash leaves every
  // document as a run without it does, positions too (`npm run rebuild` compares them).
  const redelivered = before !== undefined && before._position >= position;
  const after = redelivered ? before : agedCustomer(before);
  for (let slot = 0; slot < after.slots; slot++) {
    const [from, to] = after.spans[slot] ?? [STILL_OPEN, STILL_OPEN];
    if (!redelivered && after.changed[slot] !== position) continue;
    await store.apply<AgedSpanView>(AGED_SPANS, `${key}#${slot}`, after.changed[slot], () => ({
      customerId,
      customerName,
      currency,
      from,
      to,
    }));
  }
}

const sameLadder = (a: Ladder, b: Ladder) =>
  a.length === b.length &&
  a.every(([date, value], index) => b[index][0] === date && b[index][1] === value);

function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values)
    groups.set(keyOf(value), [...(groups.get(keyOf(value)) ?? []), value]);
  return groups;
}

const sumOf = (effects: { amount: number }[]) =>
  effects.reduce((total, effect) => total + effect.amount, 0);

function invoicesOf(event: AccountEvent): string[] {
  const ids = new Set(
    event.type === 'ReminderSent'
      ? [event.data.invoiceId]
      : event.data.balances.map((balance) => balance.invoiceId),
  );
  if ('invoiceId' in event.data) ids.add(event.data.invoiceId);
  return [...ids];
}

function evolveAccount(
  current: AccountView | undefined,
  event: AccountEvent,
  entry: BookEntry | undefined,
  change: AgingChange,
): AccountView {
  const opened = event.type === 'InvoiceOpened' ? event.data : undefined;
  const openTotal = (current?.openTotal ?? 0) + change.open;
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
    credit: moved(current?.credit ?? [], change.credit.before, change.credit.after),
  };
}

/**
 * How one event moves the customer's credit by date: what it adds to the unapplied credit from its
 * business date on, and what its invoices were paid beyond their totals on each date before and
 * after it (an excess the aging counts as credit, never as a negative open amount). Worked out from
 * the effects before this event, so a redelivered event moves the same.
 */
function creditMove(event: AccountEvent, moves: InvoiceMove[]): { before: Ladder; after: Ladder } {
  const added = creditChange(event);
  const step: Ladder = added === 0 ? [] : [[accountBusinessDate(event), added]];
  const sum = (ladders: Ladder[]) =>
    ladders.reduce((total, ladder) => moved(total, [], ladder), []);
  return {
    before: sum(moves.map(({ before }) => overpaidLadder(before))),
    after: sum([step, ...moves.map(({ after }) => overpaidLadder(after))]),
  };
}

/** An invoice an event moves: its dated effects before the event and with what it adds. */
interface InvoiceMove {
  item: ReceivableItem;
  before: ReceivableItem;
  after: ReceivableItem;
}

/**
 * The invoices one event moves (the one it opens too), each with its effects before this event by
 * position only, so a redelivered event moves the same.
 */
function invoiceMoves(
  event: AccountEvent,
  entry: BookEntry | undefined,
  items: Map<string, ReceivableItem>,
  position: number,
): InvoiceMove[] {
  const opened = event.type === 'InvoiceOpened' ? event.data : undefined;
  return invoicesOf(event).flatMap((invoiceId) => {
    const item =
      items.get(invoiceId) ?? (opened?.invoiceId === invoiceId ? openedItem(event) : undefined);
    if (!item) return [];
    const effects = item.effects.filter((effect) => effect.position < position);
    const added = (entry?.effects ?? [])
      .filter((effect) => effect.invoiceId === invoiceId)
      .map(({ amount }) => ({ position, date: entry!.date, amount }));
    return [
      { item, before: { ...item, effects }, after: { ...item, effects: [...effects, ...added] } },
    ];
  });
}

/**
 * What one event changes in what the customer's invoices hold open, in the retainage held and in
 * its credit by date.
 */
interface AgingChange {
  open: number;
  retainage: number;
  credit: { before: Ladder; after: Ladder };
}

/**
 * An invoice counts in the aging for what it holds open, never below zero (agingAsOf drops the
 * rest).
 */
const counted = (open: number) => Math.max(0, open);

function openChange(moves: InvoiceMove[]): number {
  return moves.reduce(
    (total, { before, after }) =>
      total + counted(sumOf(after.effects)) - counted(sumOf(before.effects)),
    0,
  );
}

function evolveItem(
  current: ReceivableItem | undefined,
  event: AccountEvent,
  entry: BookEntry | undefined,
  position: number,
): ReceivableItem {
  let item = current ?? openedItem(event);
  const balance =
    event.type === 'ReminderSent'
      ? undefined
      : event.data.balances.find((candidate) => candidate.invoiceId === item.invoiceId);
  const effect = entry?.effects.filter((candidate) => candidate.invoiceId === item.invoiceId) ?? [];
  const effects = [
    ...item.effects,
    ...effect.map(({ amount }) => ({ position, date: entry!.date, amount })),
  ];
  if (event.type === 'InvoiceCancelled') item = { ...item, cancelled: true };
  if (event.type === 'CreditNoteRecorded')
    item = { ...item, credited: item.credited + event.data.toInvoice };
  if (event.type === 'InvoiceWrittenOff')
    item = { ...item, writtenOff: item.writtenOff + event.data.amount };
  if (event.type === 'ReminderSent')
    item = { ...item, reminders: [...item.reminders, reminderView(event.data)] };
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
  if (event.type !== 'InvoiceOpened')
    throw new Error(`${event.type} names an invoice that was never opened on this account`);
  const {
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
  } = event.data;
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

function retainageChange(
  event: AccountEvent,
  items: Map<string, ReceivableItem>,
): RetainageChange | undefined {
  if (event.type === 'InvoiceOpened') {
    const { contractId, customerId, customerName, currency, issueDate, retainageHeld } = event.data;
    return {
      contractId,
      customerId,
      customerName,
      currency,
      date: issueDate,
      amount: retainageHeld,
    };
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

function evolveRetainage(
  current: RetainageView | undefined,
  change: RetainageChange,
  position: number,
): RetainageView {
  const { contractId, customerId, customerName, currency, date, amount } = change;
  const history = [...(current?.history ?? []), { date, position, amount }];
  const dates = history.map((entry) => entry.date).sort();
  // From the last date on, the figure is the latest document's: zero means nothing is held any
  // more.
  return {
    contractId,
    customerId,
    customerName,
    currency,
    history,
    heldFrom: dates[0],
    heldUntil: history.at(-1)!.amount === 0 ? dates.at(-1)! : STILL_OPEN,
  };
}

/**
 * Retainage held on a contract as of a date: the figure of the latest document recorded with a date
 * on or before it.
 */
export function retainageAsOf(view: RetainageView, asOf: string): number {
  return view.history.filter((entry) => entry.date <= asOf).at(-1)?.amount ?? 0;
}
