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
  positiveMoney,
  rate,
  text,
  uuid,
  type EventSchemaMap,
} from '@billing/shared/kernel';
import type { ContractEvent } from './contract.events';

// One schema per event type, exactly the shapes in contract.events.ts and what decide.ts
// guarantees.

// Customer ids are the client's; the DTO checks a UUID today, stored history keeps any non-empty
// id.
const customer = closedObject({
  id: nonEmptyString,
  name: nonEmptyString,
  email: nonEmptyString,
  address: nonEmptyString,
});
const retainageStep = closedObject({ threshold: rate, workRate: rate, materialsRate: rate });
const terms = closedObject({
  customer,
  title: nonEmptyString,
  currency: currencyCode,
  originalSum: positiveMoney,
  basis: enumOf(['progress', 'milestone']),
  retainage: arrayOf(retainageStep, 1),
  taxRate: rate,
  paymentTermsDays: count,
  poNumber: text,
  startDate: date,
});
const line = (scheduledValue: object) =>
  closedObject({
    lineId: nonEmptyString,
    item: nonEmptyString,
    description: nonEmptyString,
    scheduledValue,
  });
/** Lines of the original schedule are positive; a change order may add a deduction (negative). */
const lines = arrayOf(line(positiveMoney));
/** Activation needs the schedule to equal the (positive) contract sum: at least one line. */
const activatedLines = arrayOf(line(positiveMoney), 1);
const changeOrderLines = arrayOf(line(money), 1);
const figures = closedObject({
  completedAndStoredToDate: money,
  retainageHeld: nonNegativeMoney,
  billedNet: money,
  billedTax: money,
});
const document = {
  oneOf: [
    closedObject({
      change: enumOf(['issued']),
      kind: enumOf(['progress', 'retainage-release']),
      on: date,
      amount: money,
      tax: money,
    }),
    closedObject({ change: enumOf(['voided']), on: date }),
  ],
};

export const contractEventSchemas: EventSchemaMap = {
  ContractCreated: closedObject({ contractId: uuid, terms, lines, createdOn: date }),
  ScheduleOfValuesRevised: closedObject({ contractId: uuid, lines }),
  ContractActivated: closedObject({
    contractId: uuid,
    activatedOn: date,
    terms,
    lines: activatedLines,
  }),
  ChangeOrderApproved: closedObject({
    contractId: uuid,
    changeOrderId: uuid,
    number: nonEmptyString,
    description: nonEmptyString,
    amount: money,
    approvedOn: date,
    lines: changeOrderLines,
  }),
  ContractSuspended: closedObject({ contractId: uuid, suspendedOn: date, reason: nonEmptyString }),
  ContractResumed: closedObject({ contractId: uuid, resumedOn: date }),
  ContractCompleted: closedObject({ contractId: uuid, completedOn: date }),
  ContractClosed: closedObject({ contractId: uuid, closedOn: date }),
  ContractCancelled: closedObject({ contractId: uuid, cancelledOn: date, reason: nonEmptyString }),
  BillingFiguresRecorded: closedObject({ contractId: uuid, documentId: uuid, figures, document }, [
    'document',
  ]),
  InvoiceBalanceRecorded: closedObject(
    {
      contractId: uuid,
      invoiceId: uuid,
      paid: nonNegativeMoney,
      open: nonNegativeMoney,
      on: date,
      change: closedObject({ paid: money, open: money }),
    },
    ['on', 'change'],
  ),
  CostsReported: closedObject({
    contractId: uuid,
    periodEnd: date,
    costToDate: nonNegativeMoney,
    estimatedTotalCost: positiveMoney,
    reportedOn: date,
  }),
} satisfies Record<ContractEvent['type'], object>;
