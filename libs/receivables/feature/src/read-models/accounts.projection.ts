import { evolve, openAmount, unappliedCredit, type Account, type AccountEvent } from '@billing/receivables/domain';
import { documentProjection } from '@billing/shared/read-models';
import { bookEntry, type BookEntry, type BookInvoice } from './account-book';

export const ACCOUNTS = 'accounts_v1';

export interface AccountView {
  customerId: string;
  customerName: string;
  currency: string;
  /** Current figures, as the domain folds them. */
  state: Account;
  openItems: (BookInvoice & { open: number; paid: number; credited: number; writtenOff: number; cancelled: boolean; reminderLevels: number[] })[];
  unappliedCredit: number;
  balance: number;
  /** Dated history, for statements and aging as of any date. */
  invoices: Record<string, BookInvoice>;
  book: BookEntry[];
  retainageHistory: { contractId: string; date: string; amount: number }[];
  reminders: { invoiceId: string; number: string; level: number; final: boolean; runDate: string; daysOverdue: number; open: number }[];
}

export const accountsProjection = documentProjection<AccountEvent, AccountView>({
  name: 'accounts',
  version: 1,
  collection: ACCOUNTS,
  streamPrefixes: ['account-'],
  idOf: (event) => event.data.customerId,
  evolve: (current, event, recorded) => project(current, event, recorded.position),
});

function project(current: AccountView | undefined, event: AccountEvent, position: number): AccountView {
  const state = evolve(current?.state ?? { status: 'none' }, event) as Account;
  const invoices = { ...(current?.invoices ?? {}) };
  const retainageHistory = [...(current?.retainageHistory ?? [])];
  const reminders = [...(current?.reminders ?? [])];
  if (event.type === 'InvoiceOpened') {
    const { invoiceId, number, contractId, issueDate, dueDate, total, retainageHeld } = event.data;
    invoices[invoiceId] = { invoiceId, number, contractId, issueDate, dueDate, total };
    retainageHistory.push({ contractId, date: issueDate, amount: retainageHeld });
  }
  if (event.type === 'InvoiceCancelled')
    retainageHistory.push({ contractId: invoices[event.data.invoiceId].contractId, date: event.data.voidedOn, amount: event.data.retainageHeld });
  if (event.type === 'ReminderSent') reminders.push({ ...event.data });
  const previousOpen = new Map(current?.state.items.map((item) => [item.invoiceId, openAmount(item)]) ?? []);
  const entry = bookEntry(event, position, invoices, (invoiceId) => previousOpen.get(invoiceId) ?? 0);
  const book = entry ? [...(current?.book ?? []), entry] : (current?.book ?? []);
  return {
    customerId: state.customerId,
    customerName: state.customerName,
    currency: state.currency,
    state,
    openItems: state.items.map((item) => ({
      ...invoices[item.invoiceId],
      open: openAmount(item),
      paid: item.paid,
      credited: item.credited,
      writtenOff: item.writtenOff,
      cancelled: item.cancelled,
      reminderLevels: item.reminderLevels,
    })),
    unappliedCredit: unappliedCredit(state),
    balance: book.reduce((total, line) => total + line.amount, 0),
    invoices,
    book,
    retainageHistory,
    reminders,
  };
}
