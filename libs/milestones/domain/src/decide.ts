import {
  endOfMonth,
  requireDate,
  requireNotBefore,
  requireReason,
  applyRate,
  assertNever,
  isAmount,
  isRate,
  sum,
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import type { ScheduleCommand } from './schedule.commands';
import type { CertifiedLine, ReportedLine, ScheduleEvent } from './schedule.events';
import type { Line, Schedule, ScheduleState } from './schedule';

type Command<T extends ScheduleCommand['type']> = Extract<ScheduleCommand, { type: T }>;

export function decide(command: ScheduleCommand, state: ScheduleState): ScheduleEvent[] {
  if (command.type === 'OpenSchedule') {
    if (state.status !== 'none') throw new IllegalStateError('the schedule is already open');
    const { contractId, basis, lines, openedOn } = command;
    return [{ type: 'ScheduleOpened', data: { contractId, basis, lines, openedOn } }];
  }
  if (state.status === 'none')
    throw new NotFoundError('no schedule of values for this contract (is it active?)');
  switch (command.type) {
    case 'AddLines':
      if (
        command.lines.some((line) =>
          state.lines.some((existing) => existing.lineId === line.lineId),
        )
      )
        throw new IllegalStateError('these lines are already on the schedule');
      return [
        {
          type: 'LinesAdded',
          data: {
            contractId: state.contractId,
            changeOrderId: command.changeOrderId,
            lines: command.lines,
          },
        },
      ];
    case 'RecordContractPhase':
      return [
        {
          type: 'ContractPhaseRecorded',
          data: { contractId: state.contractId, phase: command.phase, on: command.on },
        },
      ];
    case 'ReportProgress':
      return [reportProgress(state, command)];
    case 'CertifyProgress':
      return certifyProgress(state, command);
    case 'RejectProgress':
      return rejectProgress(state, command);
    case 'AchieveMilestone':
      return achieveMilestone(state, command);
    case 'CertifyMilestone':
      return certifyMilestone(state, command);
    case 'RejectMilestone':
      return rejectMilestone(state, command);
    default:
      return assertNever(command);
  }
}

function certifyProgress(state: Schedule, command: Command<'CertifyProgress'>): ScheduleEvent[] {
  const report = state.pendingReport;
  if (!report || report.periodEnd !== command.periodEnd)
    throw new IllegalStateError(
      `no progress report pending for the period ending ${command.periodEnd}`,
    );
  // A period is certified once it has ended (as costs are reported, ADR 20): a period ending years
  // ahead, certified today, would hold back every earlier one.
  if (requireDate(command.certifiedOn) < report.periodEnd)
    throw new RuleViolation(
      `the period ending ${report.periodEnd} is certified once it has ended, not on ${command.certifiedOn}`,
    );
  requireBillablePhase(state, report.periodEnd);
  const lines = certifiedLines(state, report.lines);
  requireWithinContractSum(lines);
  const { contractId } = state;
  return [
    {
      type: 'ProgressCertified',
      data: {
        contractId,
        certificationId: `${contractId}/progress/${report.periodEnd}`,
        periodEnd: report.periodEnd,
        certifiedOn: command.certifiedOn,
        lines,
      },
    },
  ];
}

function rejectProgress(state: Schedule, command: Command<'RejectProgress'>): ScheduleEvent[] {
  if (state.pendingReport?.periodEnd !== command.periodEnd)
    throw new IllegalStateError(
      `no progress report pending for the period ending ${command.periodEnd}`,
    );
  requireReason(command.reason);
  return [
    {
      type: 'ProgressRejected',
      data: {
        contractId: state.contractId,
        periodEnd: command.periodEnd,
        rejectedOn: requireDate(command.rejectedOn),
        reason: command.reason,
      },
    },
  ];
}

function achieveMilestone(state: Schedule, command: Command<'AchieveMilestone'>): ScheduleEvent[] {
  requireBasis(state, 'milestone');
  requireNotBefore(
    state.openedOn,
    requireDate(command.achievedOn),
    'a milestone is achieved',
    'the activation',
  );
  requireBillablePhase(state, command.achievedOn);
  const line = findLine(state, command.lineId);
  if (line.milestone !== 'pending')
    throw new IllegalStateError(`milestone ${line.item} is already ${line.milestone}`);
  requireNotBefore(
    line.rejectedOn,
    command.achievedOn,
    `milestone ${line.item} is achieved again`,
    'it was rejected',
  );
  return [
    {
      type: 'MilestoneAchieved',
      data: {
        contractId: state.contractId,
        lineId: line.lineId,
        achievedOn: requireDate(command.achievedOn),
      },
    },
  ];
}

function certifyMilestone(state: Schedule, command: Command<'CertifyMilestone'>): ScheduleEvent[] {
  const line = findLine(state, command.lineId);
  if (line.milestone !== 'achieved')
    throw new IllegalStateError(
      `milestone ${line.item} is ${line.milestone}; only an achieved milestone can be certified`,
    );
  requireNotBefore(
    line.achievedOn,
    requireDate(command.certifiedOn),
    `milestone ${line.item} is certified`,
    'it was achieved',
  );
  requireBillablePhase(state, command.certifiedOn);
  requireWithinContractSum(
    certifiedLines(state, [{ lineId: line.lineId, percentComplete: 10_000, storedMaterials: 0 }]),
  );
  const { contractId } = state;
  const certificationId = `${contractId}/milestone/${line.lineId}`;
  return [
    {
      type: 'MilestoneCertified',
      data: {
        contractId,
        certificationId,
        lineId: line.lineId,
        amount: line.scheduledValue,
        certifiedOn: requireDate(command.certifiedOn),
      },
    },
  ];
}

function rejectMilestone(state: Schedule, command: Command<'RejectMilestone'>): ScheduleEvent[] {
  const line = findLine(state, command.lineId);
  if (line.milestone !== 'achieved')
    throw new IllegalStateError(
      `milestone ${line.item} is ${line.milestone}; only an achieved milestone can be rejected`,
    );
  requireNotBefore(
    line.achievedOn,
    requireDate(command.rejectedOn),
    `milestone ${line.item} is rejected`,
    'it was achieved',
  );
  requireReason(command.reason);
  return [
    {
      type: 'MilestoneRejected',
      data: {
        contractId: state.contractId,
        lineId: line.lineId,
        rejectedOn: requireDate(command.rejectedOn),
        reason: command.reason,
      },
    },
  ];
}

function reportProgress(state: Schedule, command: Command<'ReportProgress'>): ScheduleEvent {
  requireBasis(state, 'progress');
  requireDate(command.periodEnd, 'period end');
  if (endOfMonth(command.periodEnd) !== command.periodEnd)
    throw new ValidationError(
      `billing periods are monthly: a period ends on the last day of its month, not ${command.periodEnd}`,
    );
  requireNotBefore(state.openedOn, command.periodEnd, 'a reported period ends', 'the activation');
  requireBillablePhase(state, command.periodEnd);
  if (state.lastCertifiedPeriodEnd && command.periodEnd <= state.lastCertifiedPeriodEnd)
    throw new RuleViolation(
      `the period ending ${state.lastCertifiedPeriodEnd} is already certified; report a later period`,
    );
  // A report replaces the pending one: a correction of its period, or a later period (percents are
  // cumulative, so it holds that work too). An earlier one would drop what was reported.
  const pending = state.pendingReport?.periodEnd;
  if (pending && command.periodEnd < pending)
    throw new RuleViolation(
      `the report of the period ending ${pending} is pending certification; report that period again to correct it, or a later one`,
    );
  if (command.lines.length === 0)
    throw new ValidationError('a progress report has at least one line');
  const seen = new Set<string>();
  for (const reported of command.lines) {
    const line = findLine(state, reported.lineId);
    if (seen.has(line.lineId)) throw new ValidationError(`line ${line.item} is reported twice`);
    seen.add(line.lineId);
    if (!isRate(reported.percentComplete))
      throw new ValidationError(
        `line ${line.item}: percent complete is in hundredths of a percent, 0 to 10000`,
      );
    if (!isAmount(reported.storedMaterials) || reported.storedMaterials < 0)
      throw new ValidationError(
        `line ${line.item}: stored materials are a non-negative amount in minor units`,
      );
    if (reported.percentComplete < line.percentComplete && !reported.correctionReason?.trim())
      throw new RuleViolation(
        `line ${line.item}: percent complete goes down from ${line.percentComplete} to ${reported.percentComplete}; that is a correction and needs a reason`,
      );
    requireWithinLine(line, reported);
  }
  requireWithinContractSum(certifiedLines(state, command.lines));
  return {
    type: 'ProgressReported',
    data: {
      contractId: state.contractId,
      periodEnd: command.periodEnd,
      reportedOn: requireDate(command.reportedOn),
      lines: command.lines,
    },
  };
}

/**
 * G703: completed and stored to date never exceeds the line's scheduled value (column H stays >=
 * 0).
 */
function requireWithinLine(line: Line, reported: ReportedLine) {
  const work = applyRate(line.scheduledValue, reported.percentComplete);
  if (line.scheduledValue < 0 && reported.storedMaterials > 0)
    throw new ValidationError(`line ${line.item} is a deduction: it has no stored materials`);
  if (line.scheduledValue > 0 && work + reported.storedMaterials > line.scheduledValue) {
    throw new RuleViolation(
      `line ${line.item}: completed work (${work}) and stored materials (${reported.storedMaterials}) would exceed its scheduled value (${line.scheduledValue})`,
    );
  }
}

/**
 * G702: completed and stored to date (line 4) never exceeds the contract sum to date (line 3). Each
 * line within its value does not ensure it when a change order deducts: its negative line is
 * reported with the work it takes off.
 */
function requireWithinContractSum(lines: readonly CertifiedLine[]) {
  const completed = sum(lines.map((line) => line.workCompletedToDate + line.storedMaterials));
  const contractSum = sum(lines.map((line) => line.scheduledValue));
  if (completed > contractSum)
    throw new RuleViolation(
      `completed and stored to date (${completed}) would exceed the contract sum to date (${contractSum}): report the deduction lines of change orders with the work they take off`,
    );
}

/**
 * Every line, reported ones with their new figures: completed work = round(scheduled value x
 * percent).
 */
function certifiedLines(state: Schedule, reported: readonly ReportedLine[]): CertifiedLine[] {
  const byId = new Map(reported.map((line) => [line.lineId, line]));
  return state.lines.map((line) => {
    const figures = byId.get(line.lineId) ?? line;
    return {
      lineId: line.lineId,
      scheduledValue: line.scheduledValue,
      percentComplete: figures.percentComplete,
      workCompletedToDate: applyRate(line.scheduledValue, figures.percentComplete),
      storedMaterials: figures.storedMaterials,
    };
  });
}

function requireBillablePhase(state: Schedule, workDate: string) {
  if (state.phase === 'suspended')
    throw new IllegalStateError(
      'the contract is suspended: no new work is billed until it resumes',
    );
  if (state.phase === 'completed' && state.completedOn && workDate > state.completedOn)
    throw new RuleViolation(
      `the contract was completed on ${state.completedOn}; only work done before then can be billed`,
    );
}

function requireBasis(state: Schedule, basis: Schedule['basis']) {
  if (state.basis !== basis)
    throw new IllegalStateError(`this contract is billed on ${state.basis} basis`);
}

function findLine(state: Schedule, lineId: string): Line {
  const line = state.lines.find((candidate) => candidate.lineId === lineId);
  if (!line) throw new NotFoundError(`no schedule line ${lineId} on this contract`);
  return line;
}
