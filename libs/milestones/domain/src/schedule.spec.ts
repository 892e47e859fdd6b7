import {
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import { specFor } from '@billing/shared/testing';
import { scheduleDecider, type ScheduleEvent } from './index';

const spec = specFor(scheduleDecider);
const contractId = 'c-1';
const lines = [
  { lineId: 'A', item: '1', description: 'Site', scheduledValue: 333_333 },
  { lineId: 'B', item: '2', description: 'Build', scheduledValue: 666_667 },
];
const opened = (basis: 'progress' | 'milestone' = 'progress'): ScheduleEvent => ({
  type: 'ScheduleOpened',
  data: { contractId, basis, lines, openedOn: '2026-01-05' },
});
const reported = (periodEnd: string, a: number, stored = 0): ScheduleEvent => ({
  type: 'ProgressReported',
  data: {
    contractId,
    periodEnd,
    reportedOn: periodEnd,
    lines: [{ lineId: 'A', percentComplete: a, storedMaterials: stored }],
  },
});
const report = (periodEnd: string, percentComplete: number, extra: object = {}) => ({
  type: 'ReportProgress' as const,
  periodEnd,
  reportedOn: periodEnd,
  lines: [{ lineId: 'A', percentComplete, storedMaterials: 0, ...extra }],
});
const certify = (periodEnd: string) => ({
  type: 'CertifyProgress' as const,
  periodEnd,
  certifiedOn: '2026-02-02',
});

describe('schedule of values', () => {
  it('opens from an activated contract and adds change-order lines', () => {
    spec([])
      .when({ type: 'OpenSchedule', contractId, basis: 'progress', lines, openedOn: '2026-01-05' })
      .then([opened()]);
    spec([opened()])
      .when({
        type: 'AddLines',
        changeOrderId: 'co',
        lines: [{ lineId: 'C', item: '3', description: 'CO', scheduledValue: 10 }],
      })
      .then([
        {
          type: 'LinesAdded',
          data: {
            contractId,
            changeOrderId: 'co',
            lines: [{ lineId: 'C', item: '3', description: 'CO', scheduledValue: 10 }],
          },
        },
      ]);
    spec([opened()])
      .when({ type: 'AddLines', changeOrderId: 'co', lines: [lines[0]] })
      .thenThrows(IllegalStateError);
    spec([]).when(report('2026-01-31', 1000)).thenThrows(NotFoundError);
  });

  describe('progress', () => {
    it('reports percent complete to 0.01% and stored materials, then certifies the period as a whole', () => {
      spec([opened()])
        .when(report('2026-01-31', 3333, { storedMaterials: 5_000 }))
        .then([
          {
            type: 'ProgressReported',
            data: {
              contractId,
              periodEnd: '2026-01-31',
              reportedOn: '2026-01-31',
              lines: [{ lineId: 'A', percentComplete: 3333, storedMaterials: 5_000 }],
            },
          },
        ]);
      const [certified] = spec([opened(), reported('2026-01-31', 3333, 5_000)])
        .when(certify('2026-01-31'))
        .events();
      // Completed work to date = round(333 333 x 33.33%) = round(111 099.8889) = 111 100;
      // unreported lines keep their figures.
      expect(certified).toEqual({
        type: 'ProgressCertified',
        data: {
          contractId,
          certificationId: 'c-1/progress/2026-01-31',
          periodEnd: '2026-01-31',
          certifiedOn: '2026-02-02',
          lines: [
            {
              lineId: 'A',
              scheduledValue: 333_333,
              percentComplete: 3333,
              workCompletedToDate: 111_100,
              storedMaterials: 5_000,
            },
            {
              lineId: 'B',
              scheduledValue: 666_667,
              percentComplete: 0,
              workCompletedToDate: 0,
              storedMaterials: 0,
            },
          ],
        },
      });
    });
    it('validates what is reported', () => {
      spec([opened()])
        .when(report('2026-01-31', 10001))
        .thenThrows(ValidationError, /0 to 10000/);
      spec([opened()]).when(report('2026-01-31', 12.5)).thenThrows(ValidationError);
      spec([opened()])
        .when(report('2026-01-31', 100, { storedMaterials: -1 }))
        .thenThrows(ValidationError, /stored materials/);
      spec([opened()])
        .when({ ...report('2026-01-31', 100), lines: [] })
        .thenThrows(ValidationError, /at least one line/);
      spec([opened()])
        .when({
          ...report('2026-01-31', 100),
          lines: [{ lineId: 'Z', percentComplete: 1, storedMaterials: 0 }],
        })
        .thenThrows(NotFoundError);
      spec([opened()])
        .when({
          ...report('2026-01-31', 100),
          lines: [
            { lineId: 'A', percentComplete: 1, storedMaterials: 0 },
            { lineId: 'A', percentComplete: 2, storedMaterials: 0 },
          ],
        })
        .thenThrows(ValidationError, /twice/);
      spec([opened()])
        .when(report('2026-01-30', 100))
        .thenThrows(ValidationError, /last day of its month/);
      // 333 333 x 50% = 166 667 done; 166 666 left for stored materials.
      expect(
        spec([opened()])
          .when(report('2026-01-31', 5000, { storedMaterials: 166_666 }))
          .events(),
      ).toHaveLength(1);
      spec([opened()])
        .when(report('2026-01-31', 5000, { storedMaterials: 166_667 }))
        .thenThrows(RuleViolation, /would exceed its scheduled value \(333333\)/);
      spec([opened('milestone')])
        .when(report('2026-01-31', 100))
        .thenThrows(IllegalStateError, /milestone basis/);
    });
    it('never takes completed and stored to date past the contract sum: a deductive change order is reported with the work it takes off', () => {
      // B is deducted to 166,667 by a change order: the contract sum to date is 500,000.
      const deducted: ScheduleEvent = {
        type: 'LinesAdded',
        data: {
          contractId,
          changeOrderId: 'co',
          lines: [{ lineId: 'D', item: '3', description: 'Deduct', scheduledValue: -500_000 }],
        },
      };
      const all = (b: number, d: number) => ({
        ...report('2026-01-31', 10000),
        lines: [
          { lineId: 'A', percentComplete: 10000, storedMaterials: 0 },
          { lineId: 'B', percentComplete: b, storedMaterials: 0 },
          { lineId: 'D', percentComplete: d, storedMaterials: 0 },
        ],
      });
      spec([opened(), deducted])
        .when(all(10000, 0))
        .thenThrows(
          RuleViolation,
          /completed and stored to date \(1000000\) would exceed the contract sum to date \(500000\)/,
        );
      expect(spec([opened(), deducted]).when(all(10000, 10000)).events()).toHaveLength(1);
      // Reported within the sum, then a deduction lands before the certification: refused there
      // too.
      spec([
        opened(),
        reported('2026-01-31', 10000),
        {
          ...deducted,
          data: {
            ...deducted.data,
            lines: [{ ...deducted.data.lines[0], scheduledValue: -900_000 }],
          },
        },
      ])
        .when(certify('2026-01-31'))
        .thenThrows(RuleViolation, /would exceed the contract sum to date \(100000\)/);
    });

    it('lets percent complete go down only as a correction with a reason', () => {
      const first = spec([opened(), reported('2026-01-31', 5000)])
        .when(certify('2026-01-31'))
        .events();
      spec([opened(), reported('2026-01-31', 5000), ...first])
        .when(report('2026-02-28', 4000))
        .thenThrows(RuleViolation, /needs a reason/);
      expect(
        spec([opened(), reported('2026-01-31', 5000), ...first])
          .when(report('2026-02-28', 4000, { correctionReason: 'over-reported' }))
          .events(),
      ).toHaveLength(1);
    });
    it('certifies only the pending period, and reports only later periods', () => {
      spec([opened()])
        .when(certify('2026-01-31'))
        .thenThrows(IllegalStateError, /no progress report pending/);
      spec([opened(), reported('2026-01-31', 100)])
        .when(certify('2026-02-28'))
        .thenThrows(IllegalStateError);
      const first = spec([opened(), reported('2026-01-31', 100)])
        .when(certify('2026-01-31'))
        .events();
      spec([opened(), reported('2026-01-31', 100), ...first])
        .when(report('2026-01-31', 200))
        .thenThrows(RuleViolation, /already certified/);
    });

    it('replaces a pending report with one of its period (a correction) or a later one, never an earlier one', () => {
      const pending = [opened(), reported('2026-03-31', 3000)];
      spec(pending)
        .when(report('2026-02-28', 2000))
        .thenThrows(RuleViolation, /the report of the period ending 2026-03-31 is pending/);
      spec(pending)
        .when(report('2026-03-31', 3100))
        .then([reported('2026-03-31', 3100)]);
      spec(pending)
        .when(report('2026-04-30', 4000))
        .then([reported('2026-04-30', 4000)]);
    });
    it('certifies a period once it has ended: a period far ahead, certified now, would hold back every period before it', () => {
      spec([opened(), reported('2099-12-31', 100)])
        .when({ ...certify('2099-12-31'), certifiedOn: '2026-02-02' })
        .thenThrows(
          RuleViolation,
          /the period ending 2099-12-31 is certified once it has ended, not on 2026-02-02/,
        );
      spec([opened(), reported('2026-01-31', 100)])
        .when({ ...certify('2026-01-31'), certifiedOn: '2026-01-30' })
        .thenThrows(RuleViolation, /once it has ended/);
      spec([opened(), reported('2026-01-31', 100)])
        .when({ ...certify('2026-01-31'), certifiedOn: '2026-01-31' })
        .then([expect.objectContaining({ type: 'ProgressCertified' })]);
    });
    it('reports no period ending before the activation', () => {
      spec([opened()])
        .when(report('2025-12-31', 100))
        .thenThrows(
          RuleViolation,
          /a reported period ends on or after the activation \(2026-01-05\), not on 2025-12-31/,
        );
    });
    it('rejects a report with a reason; it can be reported again', () => {
      const rejected: ScheduleEvent = {
        type: 'ProgressRejected',
        data: {
          contractId,
          periodEnd: '2026-01-31',
          rejectedOn: '2026-02-01',
          reason: 'overstated',
        },
      };
      spec([opened(), reported('2026-01-31', 100)])
        .when({
          type: 'RejectProgress',
          periodEnd: '2026-01-31',
          rejectedOn: '2026-02-01',
          reason: 'overstated',
        })
        .then([rejected]);
      spec([opened(), reported('2026-01-31', 100)])
        .when({
          type: 'RejectProgress',
          periodEnd: '2026-01-31',
          rejectedOn: '2026-02-01',
          reason: '',
        })
        .thenThrows(ValidationError);
      spec([opened(), reported('2026-01-31', 100), rejected])
        .when(certify('2026-01-31'))
        .thenThrows(IllegalStateError);
    });
    it('bills no new work while suspended, nor after completion', () => {
      const suspended: ScheduleEvent = {
        type: 'ContractPhaseRecorded',
        data: { contractId, phase: 'suspended', on: '2026-01-10' },
      };
      const completed: ScheduleEvent = {
        type: 'ContractPhaseRecorded',
        data: { contractId, phase: 'completed', on: '2026-02-15' },
      };
      spec([opened(), suspended])
        .when(report('2026-01-31', 100))
        .thenThrows(IllegalStateError, /suspended/);
      spec([opened(), reported('2026-01-31', 100), suspended])
        .when(certify('2026-01-31'))
        .thenThrows(IllegalStateError, /suspended/);
      const resumed: ScheduleEvent = {
        type: 'ContractPhaseRecorded',
        data: { contractId, phase: 'active', on: '2026-01-20' },
      };
      expect(
        spec([opened(), reported('2026-01-31', 100), suspended, resumed])
          .when(certify('2026-01-31'))
          .events(),
      ).toHaveLength(1);
      expect(
        spec([opened(), reported('2026-01-31', 100), completed])
          .when(certify('2026-01-31'))
          .events(),
      ).toHaveLength(1);
      spec([opened(), completed])
        .when(report('2026-02-28', 100))
        .thenThrows(RuleViolation, /completed on 2026-02-15/);
      expect(spec([opened(), completed]).when(report('2026-01-31', 100)).events()).toHaveLength(1);
    });
  });

  describe('milestones', () => {
    const achieved: ScheduleEvent = {
      type: 'MilestoneAchieved',
      data: { contractId, lineId: 'B', achievedOn: '2026-03-01' },
    };
    it('are certified only within the contract sum to date: a deductive line is certified before the work it takes off', () => {
      // A and B (1,000,000 in all), then a change order deducts 500,000: the sum to date is 500,000.
      const deducted: ScheduleEvent = {
        type: 'LinesAdded',
        data: {
          contractId,
          changeOrderId: 'co',
          lines: [{ lineId: 'D', item: '3', description: 'Deduct', scheduledValue: -500_000 }],
        },
      };
      const achievedB: ScheduleEvent = {
        type: 'MilestoneAchieved',
        data: { contractId, lineId: 'B', achievedOn: '2026-03-01' },
      };
      spec([opened('milestone'), deducted, achievedB])
        .when({ type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-03-05' })
        .thenThrows(
          RuleViolation,
          /completed and stored to date \(666667\) would exceed the contract sum to date \(500000\)/,
        );
    });

    it('are achieved, then certified for their full amount', () => {
      spec([opened('milestone')])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-01' })
        .then([achieved]);
      spec([opened('milestone'), achieved])
        .when({ type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-03-05' })
        .then([
          {
            type: 'MilestoneCertified',
            data: {
              contractId,
              certificationId: 'c-1/milestone/B',
              lineId: 'B',
              amount: 666_667,
              certifiedOn: '2026-03-05',
            },
          },
        ]);
    });
    it('are achieved on or after the activation, certified or rejected on or after they were achieved', () => {
      spec([opened('milestone')])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-01-01' })
        .thenThrows(
          RuleViolation,
          /a milestone is achieved on or after the activation \(2026-01-05\), not on 2026-01-01/,
        );
      spec([opened('milestone'), achieved])
        .when({ type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-02-28' })
        .thenThrows(
          RuleViolation,
          /milestone 2 is certified on or after it was achieved \(2026-03-01\), not on 2026-02-28/,
        );
      spec([opened('milestone'), achieved])
        .when({ type: 'RejectMilestone', lineId: 'B', rejectedOn: '2026-02-28', reason: 'x' })
        .thenThrows(RuleViolation, /is rejected on or after it was achieved/);
      spec([opened('milestone'), achieved])
        .when({ type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-03-01' })
        .then([expect.objectContaining({ type: 'MilestoneCertified' })]);
    });
    it('are rejected with a reason back to pending, and only achieved ones are certified', () => {
      const rejected: ScheduleEvent = {
        type: 'MilestoneRejected',
        data: { contractId, lineId: 'B', rejectedOn: '2026-03-02', reason: 'punch list open' },
      };
      spec([opened('milestone'), achieved])
        .when({
          type: 'RejectMilestone',
          lineId: 'B',
          rejectedOn: '2026-03-02',
          reason: 'punch list open',
        })
        .then([rejected]);
      spec([opened('milestone'), achieved, rejected])
        .when({ type: 'CertifyMilestone', lineId: 'B', certifiedOn: '2026-03-05' })
        .thenThrows(IllegalStateError, /only an achieved milestone/);
      // Achieved again not before the rejection it answers (the schedule would show it achieved
      // the day before it was rejected).
      spec([opened('milestone'), achieved, rejected])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-01' })
        .thenThrows(
          RuleViolation,
          /^milestone 2 is achieved again on or after it was rejected \(2026-03-02\), not on 2026-03-01$/,
        );
      spec([opened('milestone'), achieved, rejected])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-02' })
        .then([expect.objectContaining({ type: 'MilestoneAchieved' })]);
      spec([opened('milestone')])
        .when({ type: 'RejectMilestone', lineId: 'B', rejectedOn: '2026-03-02', reason: 'x' })
        .thenThrows(IllegalStateError);
      spec([opened('milestone'), achieved])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-01' })
        .thenThrows(IllegalStateError, /already achieved/);
      spec([opened()])
        .when({ type: 'AchieveMilestone', lineId: 'B', achievedOn: '2026-03-01' })
        .thenThrows(IllegalStateError, /progress basis/);
    });
  });

  describe('every other refusal', () => {
    const suspended: ScheduleEvent = {
      type: 'ContractPhaseRecorded',
      data: { contractId, phase: 'suspended', on: '2026-03-01' },
    };
    const achieved: ScheduleEvent = {
      type: 'MilestoneAchieved',
      data: { contractId, lineId: 'A', achievedOn: '2026-02-20' },
    };
    it.each([
      [
        'achieving a milestone while suspended',
        [opened('milestone'), suspended],
        { type: 'AchieveMilestone', lineId: 'A', achievedOn: '2026-03-02' },
        IllegalStateError,
      ],
      [
        'certifying a milestone while suspended',
        [opened('milestone'), achieved, suspended],
        { type: 'CertifyMilestone', lineId: 'A', certifiedOn: '2026-03-02' },
        IllegalStateError,
      ],
      [
        'an unknown milestone',
        [opened('milestone')],
        { type: 'AchieveMilestone', lineId: 'Z', achievedOn: '2026-03-02' },
        NotFoundError,
      ],
      [
        'a milestone rejection without a reason',
        [opened('milestone'), achieved],
        { type: 'RejectMilestone', lineId: 'A', rejectedOn: '2026-03-02', reason: '' },
        ValidationError,
      ],
      [
        'opening a schedule twice',
        [opened()],
        { type: 'OpenSchedule', contractId, basis: 'progress', lines, openedOn: '2026-01-05' },
        IllegalStateError,
      ],
      [
        'stored materials on a deduction line',
        [
          opened(),
          {
            type: 'LinesAdded',
            data: {
              contractId,
              changeOrderId: 'co',
              lines: [{ lineId: 'D', item: '3', description: 'Deduct', scheduledValue: -10_000 }],
            },
          },
        ],
        {
          type: 'ReportProgress',
          periodEnd: '2026-01-31',
          reportedOn: '2026-01-31',
          lines: [{ lineId: 'D', percentComplete: 5000, storedMaterials: 1 }],
        },
        ValidationError,
      ],
    ] as const)('refuses %s', (_, given, command, error) => {
      spec([...given] as ScheduleEvent[])
        .when(command as never)
        .thenThrows(error);
    });
  });
});
