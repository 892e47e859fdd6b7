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
} from '@billing/shared/kernel';
import type { AccountEvent } from './account.events';

// One schema per event type, exactly the shapes in account.events.ts and what decide.ts guarantees.

// Customer ids are the client's: any non-empty id, to stay lenient with stored history.
const customerId = nonEmptyString;
const balances = arrayOf(closedObject({ invoiceId: uuid, contractId: uuid, paid: nonNegativeMoney, open: nonNegativeMoney }));
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
  InvoiceCancelled: closedObject({ customerId, invoiceId: uuid, voidedOn: date, retainageHeld: nonNegativeMoney, creditedBack: nonNegativeMoney, balances }),
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
  PaymentReversed: closedObject({
    customerId,
    paymentId: uuid,
    amount: positiveMoney,
    reversedOn: date,
    reason: nonEmptyString,
    reopened: arrayOf(allocation),
    unappliedRemoved: nonNegativeMoney,
    balances,
  }),
  CreditApplied: closedObject({ customerId, applicationId: uuid, invoiceId: uuid, amount: positiveMoney, appliedOn: date, draws: arrayOf(creditDraw, 1), balances }),
  InvoiceWrittenOff: closedObject({ customerId, invoiceId: uuid, amount: positiveMoney, writtenOffOn: date, reason: nonEmptyString, balances }),
  ReminderSent: closedObject(
    {
      customerId,
      invoiceId: uuid,
      number: nonEmptyString,
      level: positiveCount,
      rank: positiveCount,
      final: flag,
      runDate: date,
      daysOverdue: positiveCount,
      open: positiveMoney,
    },
    ['rank'],
  ),
} satisfies Record<AccountEvent['type'], object>;
