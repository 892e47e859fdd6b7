import {
  arrayOf,
  closedObject,
  count,
  currencyCode,
  date,
  enumOf,
  money,
  nonEmptyString,
  nonNegativeMoney,
  positiveCount,
  positiveMoney,
  rate,
  text,
  uuid,
  type EventSchemaMap,
} from '@billing/shared/kernel';
import type { LedgerEvent } from './ledger.events';
import type { NumberingEvent } from './numbering';

// One schema per event type, exactly the shapes in ledger.events.ts and numbering.ts, and what
// decide.ts and pay-application.ts guarantee.

const retainageStep = closedObject({ threshold: rate, workRate: rate, materialsRate: rate });
const customer = closedObject({
  id: nonEmptyString,
  name: nonEmptyString,
  email: nonEmptyString,
  address: nonEmptyString,
});
const terms = closedObject({
  customer,
  title: nonEmptyString,
  currency: currencyCode,
  originalSum: positiveMoney,
  retainage: arrayOf(retainageStep, 1),
  taxRate: rate,
  paymentTermsDays: count,
  poNumber: text,
});
/** A change order may add a deduction line (negative scheduled value). */
const contractLine = closedObject({
  lineId: nonEmptyString,
  item: nonEmptyString,
  description: nonEmptyString,
  scheduledValue: money,
});
const certifiedWork = closedObject({
  lineId: nonEmptyString,
  workCompletedToDate: money,
  storedMaterials: nonNegativeMoney,
});
const g702 = closedObject(
  {
    originalContractSum: positiveMoney,
    netChangeByChangeOrders: money,
    contractSumToDate: money,
    totalCompletedAndStoredToDate: money,
    retainageOnCompletedWork: money,
    retainageOnStoredMaterials: money,
    retainageReleased: positiveMoney,
    totalRetainage: money,
    totalEarnedLessRetainage: money,
    lessPreviousCertificates: money,
    currentPaymentDue: money,
    balanceToFinishIncludingRetainage: money,
    retainageStep,
  },
  ['retainageReleased'],
);
const g703Line = closedObject({
  item: nonEmptyString,
  lineId: nonEmptyString,
  description: nonEmptyString,
  scheduledValue: money,
  fromPreviousApplication: money,
  thisPeriod: money,
  materialsPresentlyStored: nonNegativeMoney,
  completedAndStoredToDate: money,
  percentComplete: rate,
  balanceToFinish: money,
  retainage: money,
  workCompletedToDate: money,
});
/** A document is drafted only for a positive amount; tax is a non-negative rate of it. */
const amounts = { amount: positiveMoney, tax: nonNegativeMoney, total: positiveMoney };
const billTo = { customerId: nonEmptyString, customerName: nonEmptyString, currency: currencyCode };
const figures = closedObject({
  completedAndStoredToDate: money,
  retainageHeld: nonNegativeMoney,
  billedNet: money,
  billedTax: money,
});
/**
 * Milestones' certification id (`<contractId>/progress/<periodEnd>`, ...) or `void/<invoiceId>` for
 * a redraft.
 */
const certificationId = nonEmptyString;

export const ledgerEventSchemas: EventSchemaMap = {
  LedgerOpened: closedObject({
    contractId: uuid,
    terms,
    lines: arrayOf(contractLine, 1),
    openedOn: date,
  }),
  ChangeOrderRecorded: closedObject({
    contractId: uuid,
    changeOrderId: uuid,
    amount: money,
    lines: arrayOf(contractLine, 1),
  }),
  // Same type name and shape as milestones': both contexts record the contract's phase.
  ContractPhaseRecorded: closedObject({
    contractId: uuid,
    phase: enumOf(['active', 'suspended', 'completed']),
    on: date,
  }),
  WorkCertified: closedObject(
    {
      contractId: uuid,
      certificationId,
      periodEnd: date,
      certifiedOn: date,
      lines: arrayOf(certifiedWork, 1),
    },
    ['certifiedOn'],
  ),
  PayApplicationDrafted: closedObject({
    contractId: uuid,
    invoiceId: uuid,
    applicationNo: positiveCount,
    periodEnd: date,
    g702,
    g703: arrayOf(g703Line, 1),
    ...amounts,
  }),
  PayApplicationWithdrawn: closedObject({
    contractId: uuid,
    invoiceId: uuid,
    reason: nonEmptyString,
  }),
  PayApplicationRefused: closedObject({
    contractId: uuid,
    certificationId,
    periodEnd: date,
    reason: nonEmptyString,
  }),
  RetainageReleaseDrafted: closedObject({
    contractId: uuid,
    invoiceId: uuid,
    releasedOn: date,
    ...amounts,
  }),
  InvoiceIssued: closedObject({
    ...billTo,
    contractId: uuid,
    invoiceId: uuid,
    kind: enumOf(['progress', 'retainage-release']),
    number: nonEmptyString,
    issueDate: date,
    dueDate: date,
    figures,
    ...amounts,
  }),
  InvoiceVoided: closedObject({
    ...billTo,
    contractId: uuid,
    invoiceId: uuid,
    voidedOn: date,
    reason: nonEmptyString,
    figures,
  }),
  CreditNoteIssued: closedObject({
    ...billTo,
    contractId: uuid,
    creditNoteId: uuid,
    invoiceId: uuid,
    number: nonEmptyString,
    issueDate: date,
    reason: nonEmptyString,
    ...amounts,
  }),
  InvoicePaymentsRecorded: closedObject(
    {
      contractId: uuid,
      invoiceId: uuid,
      paid: nonNegativeMoney,
      on: date,
      paidChange: money,
      open: nonNegativeMoney,
      openChange: money,
    },
    ['on', 'paidChange', 'open', 'openChange'],
  ),
} satisfies Record<LedgerEvent['type'], object>;

/** The ledger command that finishes the issue, told apart by its `type`. */
const completion = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  oneOf: [
    closedObject(
      { type: { const: 'IssueInvoice' }, invoiceId: uuid, issueDate: date, reviewedTotal: money },
      ['reviewedTotal'],
    ),
    closedObject({
      type: { const: 'IssueCreditNote' },
      creditNoteId: uuid,
      invoiceId: uuid,
      amount: positiveMoney,
      issueDate: date,
      reason: nonEmptyString,
    }),
  ],
};

export const numberingEventSchemas: EventSchemaMap = {
  NumberReserved: closedObject({
    series: enumOf(['invoice', 'credit-note']),
    year: { type: 'integer', minimum: 1, maximum: 9999 },
    sequence: positiveCount,
    number: nonEmptyString,
    documentId: uuid,
    contractId: uuid,
    issueDate: date,
    completion,
  }),
  NumberVoided: closedObject({
    series: enumOf(['invoice', 'credit-note']),
    number: nonEmptyString,
    documentId: uuid,
    contractId: uuid,
    reason: nonEmptyString,
  }),
} satisfies Record<NumberingEvent['type'], object>;
