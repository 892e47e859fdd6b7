import { assertNever, sum } from '@billing/shared/kernel';
import type { AccountEvent, Allocation, CreditDraw } from './account.events';

export interface OpenItem {
  invoiceId: string;
  number: string;
  contractId: string;
  kind: string;
  issueDate: string;
  dueDate: string;
  total: number;
  paid: number;
  credited: number;
  writtenOff: number;
  cancelled: boolean;
  reminderLevels: number[];
}

export interface CreditSource {
  sourceId: string;
  kind: 'payment' | 'credit-note' | 'void';
  remaining: number;
}

export interface Payment {
  paymentId: string;
  amount: number;
  receivedOn: string;
  allocations: Allocation[];
  reversed: boolean;
}

export interface Account {
  status: 'open';
  customerId: string;
  customerName: string;
  currency: string;
  items: OpenItem[];
  payments: Payment[];
  credits: CreditSource[];
  /** Credit applied to invoices, by source, so a reversal can take back what its payment funded. */
  draws: (CreditDraw & { invoiceId: string; applicationId: string })[];
  retainageHeld: Record<string, number>;
}

export type AccountState = { status: 'none' } | Account;

export const initialState: AccountState = { status: 'none' };

export const openAmount = (item: OpenItem) => (item.cancelled ? 0 : item.total - item.paid - item.credited - item.writtenOff);
export const unappliedCredit = (account: Account) => sum(account.credits.map((credit) => credit.remaining));

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  if (state.status === 'none') {
    if (event.type !== 'InvoiceOpened') return state;
    const { customerId, customerName, currency } = event.data;
    state = { status: 'open', customerId, customerName, currency, items: [], payments: [], credits: [], draws: [], retainageHeld: {} };
  }
  const account: Account = state;
  const items = (change: (item: OpenItem) => Partial<OpenItem>, ids: Set<string>) => account.items.map((item) => (ids.has(item.invoiceId) ? { ...item, ...change(item) } : item));
  const byInvoice = (allocations: Allocation[]) => new Map(allocations.map((a) => [a.invoiceId, a.amount]));
  switch (event.type) {
    case 'InvoiceOpened': {
      const { invoiceId, number, contractId, kind, issueDate, dueDate, total, retainageHeld } = event.data;
      const item: OpenItem = { invoiceId, number, contractId, kind, issueDate, dueDate, total, paid: 0, credited: 0, writtenOff: 0, cancelled: false, reminderLevels: [] };
      return { ...account, items: [...account.items, item], retainageHeld: { ...account.retainageHeld, [contractId]: retainageHeld } };
    }
    case 'InvoiceCancelled': {
      const item = account.items.find((candidate) => candidate.invoiceId === event.data.invoiceId);
      const credits: CreditSource[] =
        event.data.creditedBack > 0 ? [...account.credits, { sourceId: event.data.invoiceId, kind: 'void', remaining: event.data.creditedBack }] : account.credits;
      return {
        ...account,
        items: items(() => ({ cancelled: true }), new Set([event.data.invoiceId])),
        credits,
        retainageHeld: { ...account.retainageHeld, [item?.contractId ?? '']: event.data.retainageHeld },
      };
    }
    case 'CreditNoteRecorded': {
      const { invoiceId, toInvoice, toCredit, creditNoteId } = event.data;
      const credits: CreditSource[] = toCredit > 0 ? [...account.credits, { sourceId: creditNoteId, kind: 'credit-note', remaining: toCredit }] : account.credits;
      return { ...account, items: items((item) => ({ credited: item.credited + toInvoice }), new Set([invoiceId])), credits };
    }
    case 'PaymentReceived': {
      const { paymentId, amount, receivedOn, allocations, unapplied } = event.data;
      const paidNow = byInvoice(allocations);
      const credits: CreditSource[] = unapplied > 0 ? [...account.credits, { sourceId: paymentId, kind: 'payment', remaining: unapplied }] : account.credits;
      return {
        ...account,
        items: items((item) => ({ paid: item.paid + (paidNow.get(item.invoiceId) ?? 0) }), new Set(paidNow.keys())),
        payments: [...account.payments, { paymentId, amount, receivedOn, allocations, reversed: false }],
        credits,
      };
    }
    case 'PaymentReversed': {
      const reopened = byInvoice(event.data.reopened);
      const { paymentId } = event.data;
      return {
        ...account,
        items: items((item) => ({ paid: item.paid - (reopened.get(item.invoiceId) ?? 0) }), new Set(reopened.keys())),
        payments: account.payments.map((payment) => (payment.paymentId === paymentId ? { ...payment, reversed: true } : payment)),
        credits: account.credits.filter((credit) => credit.sourceId !== paymentId),
        draws: account.draws.filter((draw) => draw.sourceId !== paymentId),
      };
    }
    case 'CreditApplied': {
      const { invoiceId, amount, draws, applicationId } = event.data;
      const drawn = new Map(draws.map((draw) => [draw.sourceId, draw.amount]));
      return {
        ...account,
        items: items((item) => ({ paid: item.paid + amount }), new Set([invoiceId])),
        credits: account.credits.map((credit) => ({ ...credit, remaining: credit.remaining - (drawn.get(credit.sourceId) ?? 0) })).filter((credit) => credit.remaining > 0),
        draws: [...account.draws, ...draws.map((draw) => ({ ...draw, invoiceId, applicationId }))],
      };
    }
    case 'InvoiceWrittenOff':
      return { ...account, items: items((item) => ({ writtenOff: item.writtenOff + event.data.amount }), new Set([event.data.invoiceId])) };
    case 'ReminderSent':
      return { ...account, items: items((item) => ({ reminderLevels: [...item.reminderLevels, event.data.level] }), new Set([event.data.invoiceId])) };
    default:
      return assertNever(event);
  }
}
