import {
  arrayOf,
  closedObject,
  currencyCode,
  date,
  enumOf,
  flag,
  nonEmptyString,
  nonNegativeMoney,
  positiveCount,
  positiveMoney,
  uuid,
  type EventSchemaMap,
  type Upcaster,
} from '@billing/shared/kernel';
import type { AccountEvent } from './account.events';
import { DEFAULT_REMINDER_LEVELS } from './account.commands';

// One schema per event type, exactly the shapes in account.events.ts and what decide.ts guarantees.

// Customer ids are the client's: any non-empty id, to stay lenient with stored history.
const customerId = nonEmptyString;
const balances = arrayOf(
  closedObject({
    invoiceId: uuid,
    contractId: uuid,
    paid: nonNegativeMoney,
    open: nonNegativeMoney,
  }),
);
/** Only positive amounts are allocated, reopened or drawn. */
const allocation = closedObject({ invoiceId: uuid, amount: positiveMoney });
/** The source of a credit: a payment, a credit note or a voided invoice, all server-minted. */
const creditDraw = closedObject({ sourceId: uuid, amount: positiveMoney });

export const accountEventSchemas: EventSchemaMap = {
  InvoiceOpened: closedObject({
    customerId,
    customerName: nonEmptyString,
    invoiceId: uuid,
    number: nonEmptyString,
    contractId: uuid,
    // `string` in the TS type; invoicing's InvoiceIssued message allows only these two.
    kind: enumOf(['progress', 'retainage-release']),
    currency: currencyCode,
    issueDate: date,
    dueDate: date,
    total: positiveMoney,
    retainageHeld: nonNegativeMoney,
    balances,
  }),
  InvoiceCancelled: closedObject({
    customerId,
    invoiceId: uuid,
    voidedOn: date,
    retainageHeld: nonNegativeMoney,
    creditedBack: nonNegativeMoney,
    balances,
  }),
  CreditNoteRecorded: closedObject({
    customerId,
    creditNoteId: uuid,
    invoiceId: uuid,
    number: nonEmptyString,
    issueDate: date,
    total: positiveMoney,
    toInvoice: nonNegativeMoney,
    toCredit: nonNegativeMoney,
    balances,
  }),
  PaymentReceived: closedObject({
    customerId,
    paymentId: uuid,
    amount: positiveMoney,
    receivedOn: date,
    method: nonEmptyString,
    reference: nonEmptyString,
    allocations: arrayOf(allocation),
    unapplied: nonNegativeMoney,
    balances,
  }),
  PaymentReversed: closedObject(
    {
      customerId,
      paymentId: uuid,
      reference: nonEmptyString,
      amount: positiveMoney,
      reversedOn: date,
      reason: nonEmptyString,
      reopened: arrayOf(allocation),
      unappliedRemoved: nonNegativeMoney,
      voidCreditTaken: arrayOf(creditDraw, 1),
      drawsUndone: arrayOf(
        closedObject({ sourceId: uuid, applicationId: uuid, amount: positiveMoney }),
        1,
      ),
      balances,
    },
    ['reference', 'voidCreditTaken', 'drawsUndone'],
  ),
  CreditApplied: closedObject({
    customerId,
    applicationId: uuid,
    invoiceId: uuid,
    amount: positiveMoney,
    appliedOn: date,
    draws: arrayOf(creditDraw, 1),
    balances,
  }),
  InvoiceWrittenOff: closedObject({
    customerId,
    invoiceId: uuid,
    amount: positiveMoney,
    writtenOffOn: date,
    reason: nonEmptyString,
    balances,
  }),
  ReminderSent: closedObject(
    {
      customerId,
      invoiceId: uuid,
      contractId: uuid,
      number: nonEmptyString,
      level: positiveCount,
      rank: { anyOf: [positiveCount, { type: 'null' }] },
      final: flag,
      runDate: date,
      daysOverdue: positiveCount,
      open: positiveMoney,
    },
    ['contractId'],
  ),
} satisfies Record<AccountEvent['type'], object>;

/**
 * ReminderSent v1 (before issue 6) had no `rank`: v2 always has one, the level's place among the
 * default levels where its threshold is one of them, or null (a run with custom levels, not kept).
 */
export const accountEventUpcasters: Upcaster[] = [
  {
    type: 'ReminderSent',
    from: 1,
    upcast: (data) => ({
      ...data,
      rank: data.rank ?? (DEFAULT_REMINDER_LEVELS.indexOf(data.level as number) + 1 || null),
    }),
  },
];
