import { assertNever, sum } from '@billing/shared/kernel';
import type { AccountEvent, Allocation, CreditDraw, InvoiceBalance } from './account.events';

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
  /**
   * The business date the credit arose (the payment received, the credit note issued, the invoice
   * voided): it can be applied from then on.
   */
  since: string;
}

export interface Payment {
  paymentId: string;
  amount: number;
  receivedOn: string;
  /** The payer's reference (a check or wire number). */
  reference: string;
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
  draws: (CreditDraw & { invoiceId: string; applicationId: string; appliedOn: string })[];
  retainageHeld: Record<string, number>;
}

export type AccountState = { status: 'none' } | Account;

export const initialState: AccountState = { status: 'none' };

export const openAmount = (item: OpenItem) =>
  item.cancelled ? 0 : item.total - item.paid - item.credited - item.writtenOff;
/** The credit not yet applied; as of `date`, only what had arisen by then. */
export const unappliedCredit = (account: Account, date?: string) =>
  sum(
    account.credits
      .filter((credit) => date === undefined || credit.since <= date)
      .map((credit) => credit.remaining),
  );

/**
 * What an event does to the invoices it touches. Evolve applies it; decide reports the balances it
 * leaves in the event (balancesAfter), computed before the event is built.
 */
export interface ItemChange {
  invoiceIds: readonly string[];
  change: (item: OpenItem) => Partial<OpenItem>;
}

/** What was paid on it leaves it: the void gives it back as credit (`creditedBack`). */
export const cancelling = (invoiceId: string): ItemChange => ({
  invoiceIds: [invoiceId],
  change: () => ({ cancelled: true, paid: 0 }),
});
export const crediting = (invoiceId: string, amount: number): ItemChange => ({
  invoiceIds: [invoiceId],
  change: (item) => ({ credited: item.credited + amount }),
});
export const writingOff = (invoiceId: string, amount: number): ItemChange => ({
  invoiceIds: [invoiceId],
  change: (item) => ({ writtenOff: item.writtenOff + amount }),
});
/** Paid more by each allocation (a payment, credit applied), or less by `-1` (a reversal). */
export function paying(allocations: readonly Allocation[], sign: 1 | -1 = 1): ItemChange {
  const amounts = new Map(
    allocations.map((allocation) => [allocation.invoiceId, allocation.amount]),
  );
  return {
    invoiceIds: [...amounts.keys()],
    change: (item) => ({ paid: item.paid + sign * (amounts.get(item.invoiceId) ?? 0) }),
  };
}

/**
 * The items with the change applied to those it touches: a copy that shares the others. A
 * long-standing customer's account holds years of invoices; folding one of 20,000 events took a
 * second when each event looked at every item.
 */
export function changed(
  items: readonly OpenItem[],
  { invoiceIds, change }: ItemChange,
): OpenItem[] {
  const next = items.slice();
  for (const at of positionsOf(items, invoiceIds))
    next[at] = { ...items[at], ...change(items[at]) };
  return next;
}

/**
 * Where the invoices are among the items, in the account's order: looked for from the newest (those
 * a payment, a credit or a reminder most often touches), and only until every one is found.
 */
function positionsOf(items: readonly OpenItem[], invoiceIds: readonly string[]): number[] {
  const wanted = new Set(invoiceIds);
  const found: number[] = [];
  for (let at = items.length - 1; at >= 0 && wanted.size > 0; at--)
    if (wanted.delete(items[at].invoiceId)) found.push(at);
  return found.reverse();
}

export const balanceOf = (item: OpenItem): InvoiceBalance => ({
  invoiceId: item.invoiceId,
  contractId: item.contractId,
  paid: item.paid,
  open: openAmount(item),
});

/** The touched invoices' balances once `itemChange` is applied, in the account's order. */
export function balancesAfter(
  account: Account,
  { invoiceIds, change }: ItemChange,
): InvoiceBalance[] {
  return positionsOf(account.items, invoiceIds).map((at) =>
    balanceOf({ ...account.items[at], ...change(account.items[at]) }),
  );
}

type Opened = Pick<
  OpenItem,
  'invoiceId' | 'number' | 'contractId' | 'kind' | 'issueDate' | 'dueDate' | 'total'
>;
export const openedItem = ({
  invoiceId,
  number,
  contractId,
  kind,
  issueDate,
  dueDate,
  total,
}: Opened): OpenItem => ({
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
  reminderLevels: [],
});

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  if (state.status === 'none') {
    if (event.type !== 'InvoiceOpened') return state;
    const { customerId, customerName, currency } = event.data;
    state = {
      status: 'open',
      customerId,
      customerName,
      currency,
      items: [],
      payments: [],
      credits: [],
      draws: [],
      retainageHeld: {},
    };
  }
  const account: Account = state;
  switch (event.type) {
    case 'InvoiceOpened': {
      const { contractId, retainageHeld } = event.data;
      return {
        ...account,
        items: [...account.items, openedItem(event.data)],
        retainageHeld: { ...account.retainageHeld, [contractId]: retainageHeld },
      };
    }
    case 'InvoiceCancelled': {
      const item = account.items.find((candidate) => candidate.invoiceId === event.data.invoiceId);
      const credits: CreditSource[] =
        event.data.creditedBack > 0
          ? [
              ...account.credits,
              {
                sourceId: event.data.invoiceId,
                kind: 'void',
                remaining: event.data.creditedBack,
                since: event.data.voidedOn,
              },
            ]
          : account.credits;
      return {
        ...account,
        items: changed(account.items, cancelling(event.data.invoiceId)),
        credits,
        retainageHeld: {
          ...account.retainageHeld,
          [item?.contractId ?? '']: event.data.retainageHeld,
        },
      };
    }
    case 'CreditNoteRecorded': {
      const { invoiceId, toInvoice, toCredit, creditNoteId, issueDate } = event.data;
      const credits: CreditSource[] =
        toCredit > 0
          ? [
              ...account.credits,
              {
                sourceId: creditNoteId,
                kind: 'credit-note',
                remaining: toCredit,
                since: issueDate,
              },
            ]
          : account.credits;
      return {
        ...account,
        items: changed(account.items, crediting(invoiceId, toInvoice)),
        credits,
      };
    }
    case 'PaymentReceived': {
      const { paymentId, amount, receivedOn, reference, allocations, unapplied } = event.data;
      const credits: CreditSource[] =
        unapplied > 0
          ? [
              ...account.credits,
              { sourceId: paymentId, kind: 'payment', remaining: unapplied, since: receivedOn },
            ]
          : account.credits;
      return {
        ...account,
        items: changed(account.items, paying(allocations)),
        payments: [
          ...account.payments,
          { paymentId, amount, receivedOn, reference, allocations, reversed: false },
        ],
        credits,
      };
    }
    case 'PaymentReversed': {
      const { paymentId, reopened, voidCreditTaken = [], drawsUndone = [] } = event.data;
      const taken = new Map(voidCreditTaken.map((credit) => [credit.sourceId, credit.amount]));
      const undone = (draw: Account['draws'][number]) =>
        drawsUndone.find(
          (candidate) =>
            candidate.sourceId === draw.sourceId && candidate.applicationId === draw.applicationId,
        )?.amount ?? 0;
      // A reversal recorded before voids took what was paid off the invoice named the voided one
      // too: nothing is on it to take back.
      const voided = new Set(
        account.items.flatMap((item) => (item.cancelled ? [item.invoiceId] : [])),
      );
      return {
        ...account,
        items: changed(
          account.items,
          paying(
            reopened.filter((allocation) => !voided.has(allocation.invoiceId)),
            -1,
          ),
        ),
        payments: account.payments.map((payment) =>
          payment.paymentId === paymentId ? { ...payment, reversed: true } : payment,
        ),
        credits: account.credits
          .filter((credit) => credit.sourceId !== paymentId)
          .map((credit) => ({
            ...credit,
            remaining: credit.remaining - (taken.get(credit.sourceId) ?? 0),
          }))
          .filter((credit) => credit.remaining > 0),
        draws: account.draws
          .filter((draw) => draw.sourceId !== paymentId)
          .map((draw) => ({ ...draw, amount: draw.amount - undone(draw) }))
          .filter((draw) => draw.amount > 0),
      };
    }
    case 'CreditApplied': {
      const { invoiceId, amount, draws, applicationId, appliedOn } = event.data;
      const drawn = new Map(draws.map((draw) => [draw.sourceId, draw.amount]));
      return {
        ...account,
        items: changed(account.items, paying([{ invoiceId, amount }])),
        credits: account.credits
          .map((credit) => ({
            ...credit,
            remaining: credit.remaining - (drawn.get(credit.sourceId) ?? 0),
          }))
          .filter((credit) => credit.remaining > 0),
        draws: [
          ...account.draws,
          ...draws.map((draw) => ({ ...draw, invoiceId, applicationId, appliedOn })),
        ],
      };
    }
    case 'InvoiceWrittenOff':
      return {
        ...account,
        items: changed(account.items, writingOff(event.data.invoiceId, event.data.amount)),
      };
    case 'ReminderSent': {
      const reminded: ItemChange = {
        invoiceIds: [event.data.invoiceId],
        change: (item) => ({ reminderLevels: [...item.reminderLevels, event.data.level] }),
      };
      return { ...account, items: changed(account.items, reminded) };
    }
    default:
      return assertNever(event);
  }
}
