import {
  arrayOf,
  closedObject,
  date,
  enumOf,
  money,
  nonEmptyString,
  nonNegativeMoney,
  rate,
  uuid,
  type EventSchemaMap,
} from '@billing/shared/kernel';
import type { ScheduleEvent } from './schedule.events';

// One schema per event type, exactly the shapes in schedule.events.ts and what decide.ts
// guarantees.

/** A change order may add a deduction line (negative scheduled value). */
const lineDefinition = closedObject({
  lineId: nonEmptyString,
  item: nonEmptyString,
  description: nonEmptyString,
  scheduledValue: money,
});
const reportedLine = closedObject(
  {
    lineId: nonEmptyString,
    percentComplete: rate,
    storedMaterials: nonNegativeMoney,
    correctionReason: nonEmptyString,
  },
  ['correctionReason'],
);
const certifiedLine = closedObject({
  lineId: nonEmptyString,
  scheduledValue: money,
  percentComplete: rate,
  workCompletedToDate: money,
  storedMaterials: nonNegativeMoney,
});
/**
 * Not a UUID: `<contractId>/progress/<periodEnd>` or `<contractId>/milestone/<lineId>`, so a
 * re-certification keeps its id.
 */
const certificationId = nonEmptyString;

export const scheduleEventSchemas: EventSchemaMap = {
  ScheduleOpened: closedObject({
    contractId: uuid,
    basis: enumOf(['progress', 'milestone']),
    lines: arrayOf(lineDefinition, 1),
    openedOn: date,
  }),
  LinesAdded: closedObject({
    contractId: uuid,
    changeOrderId: uuid,
    lines: arrayOf(lineDefinition, 1),
  }),
  // Same type name and shape as invoicing's: both contexts record the contract's phase.
  ContractPhaseRecorded: closedObject({
    contractId: uuid,
    phase: enumOf(['active', 'suspended', 'completed']),
    on: date,
  }),
  ProgressReported: closedObject({
    contractId: uuid,
    periodEnd: date,
    reportedOn: date,
    lines: arrayOf(reportedLine, 1),
  }),
  ProgressCertified: closedObject({
    contractId: uuid,
    certificationId,
    periodEnd: date,
    certifiedOn: date,
    lines: arrayOf(certifiedLine, 1),
  }),
  ProgressRejected: closedObject({
    contractId: uuid,
    periodEnd: date,
    rejectedOn: date,
    reason: nonEmptyString,
  }),
  MilestoneAchieved: closedObject({ contractId: uuid, lineId: nonEmptyString, achievedOn: date }),
  MilestoneCertified: closedObject({
    contractId: uuid,
    certificationId,
    lineId: nonEmptyString,
    amount: money,
    certifiedOn: date,
  }),
  MilestoneRejected: closedObject({
    contractId: uuid,
    lineId: nonEmptyString,
    rejectedOn: date,
    reason: nonEmptyString,
  }),
} satisfies Record<ScheduleEvent['type'], object>;
