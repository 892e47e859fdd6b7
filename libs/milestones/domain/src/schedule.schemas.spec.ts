// The schemas are checked with the event store's own validator, so what passes here is what append
// accepts.
import { EventSchemas } from '@billing/shared/testing';
import { fold } from '@billing/shared/kernel';
import {
  scheduleDecider,
  scheduleEventSchemas,
  type ScheduleCommand,
  type ScheduleEvent,
} from './index';

const EVERY_TYPE: Record<ScheduleEvent['type'], true> = {
  ScheduleOpened: true,
  LinesAdded: true,
  ContractPhaseRecorded: true,
  ProgressReported: true,
  ProgressCertified: true,
  ProgressRejected: true,
  MilestoneAchieved: true,
  MilestoneCertified: true,
  MilestoneRejected: true,
};

const schemas = new EventSchemas().register(scheduleEventSchemas);
const contractId = '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b01';
const lines = [
  { lineId: 'A', item: '1', description: 'Site', scheduledValue: 333_333 },
  { lineId: 'B', item: '2', description: 'Build', scheduledValue: 666_667 },
];
const open = (basis: 'progress' | 'milestone'): ScheduleCommand => ({
  type: 'OpenSchedule',
  contractId,
  basis,
  lines,
  openedOn: '2026-01-05',
});
const report = (
  periodEnd: string,
  percentComplete: number,
  extra: object = {},
): ScheduleCommand => ({
  type: 'ReportProgress',
  periodEnd,
  reportedOn: periodEnd,
  lines: [{ lineId: 'A', percentComplete, storedMaterials: 5_000, ...extra }],
});
const phase = (value: 'active' | 'suspended' | 'completed', on: string): ScheduleCommand => ({
  type: 'RecordContractPhase',
  phase: value,
  on,
});

/** The events a schedule's life writes, each decided from the state the ones before it make. */
function history(...commands: ScheduleCommand[]): ScheduleEvent[] {
  return commands.reduce<ScheduleEvent[]>(
    (events, command) => [
      ...events,
      ...scheduleDecider.decide(command, fold(scheduleDecider, events)),
    ],
    [],
  );
}

const life = [
  ...history(
    open('progress'),
    {
      type: 'AddLines',
      changeOrderId: '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b03',
      lines: [{ lineId: 'D', item: '3', description: 'Deduct', scheduledValue: -10_000 }],
    },
    report('2026-01-31', 3333),
    { type: 'CertifyProgress', periodEnd: '2026-01-31', certifiedOn: '2026-02-02' },
    report('2026-02-28', 3000, { correctionReason: 'over-reported' }),
    {
      type: 'RejectProgress',
      periodEnd: '2026-02-28',
      rejectedOn: '2026-03-01',
      reason: 'overstated',
    },
    phase('suspended', '2026-03-05'),
    phase('active', '2026-03-10'),
    phase('completed', '2026-06-30'),
  ),
  ...history(
    open('milestone'),
    { type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-01' },
    { type: 'RejectMilestone', lineId: 'B', rejectedOn: '2026-03-02', reason: 'punch list open' },
    { type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-04' },
    { type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-03-05' },
  ),
];

describe('schedule event schemas', () => {
  it('has one schema for every event type, and no other', () => {
    expect(Object.keys(scheduleEventSchemas).sort()).toEqual(Object.keys(EVERY_TYPE).sort());
  });

  it('accepts every event a schedule life decides', () => {
    expect(life.map((event) => event.type)).toEqual(
      expect.arrayContaining(Object.keys(EVERY_TYPE)),
    );
    expect(
      life
        .map((event) => ({ type: event.type, errors: schemas.errors(event.type, event.data) }))
        .filter((event) => event.errors.length > 0),
    ).toEqual([]);
  });

  it('refuses a progress report with a fraction of a percent, no lines, or an unknown phase', () => {
    const reported = {
      contractId,
      periodEnd: '2026-01-31',
      reportedOn: '2026-01-31',
      lines: [{ lineId: 'A', percentComplete: 12.5, storedMaterials: 0 }],
    };
    expect(schemas.errors('ProgressReported', reported)).toEqual([
      'lines.0.percentComplete: must be integer',
    ]);
    expect(schemas.errors('ProgressReported', { ...reported, lines: [] })).toEqual([
      'lines: must NOT have fewer than 1 items',
    ]);
    expect(
      schemas.errors('ContractPhaseRecorded', { contractId, phase: 'paused', on: '2026-01-31' }),
    ).toEqual(['phase: must be one of active, suspended, completed']);
  });
});
