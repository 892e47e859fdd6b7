import { assertNever } from '@billing/shared/kernel';
import type {
  Basis,
  ContractPhase,
  LineDefinition,
  ReportedLine,
  ScheduleEvent,
} from './schedule.events';

export type MilestoneStatus = 'pending' | 'achieved' | 'certified';

export interface Line extends LineDefinition {
  /** Last certified figures. */
  percentComplete: number;
  storedMaterials: number;
  milestone: MilestoneStatus;
  /** When its milestone was last achieved (milestone contracts). */
  achievedOn?: string;
  /** When its milestone was last rejected: achieved again not before it. */
  rejectedOn?: string;
}

export interface Schedule {
  status: 'open';
  contractId: string;
  basis: Basis;
  phase: ContractPhase;
  completedOn?: string;
  /** The contract's activation date: no work is reported or achieved before it. */
  openedOn?: string;
  lines: Line[];
  lastCertifiedPeriodEnd?: string;
  pendingReport?: { periodEnd: string; lines: ReportedLine[] };
}

export type ScheduleState = { status: 'none' } | Schedule;

export const initialState: ScheduleState = { status: 'none' };

const newLine = (definition: LineDefinition): Line => ({
  ...definition,
  percentComplete: 0,
  storedMaterials: 0,
  milestone: 'pending',
});

export function evolve(state: ScheduleState, event: ScheduleEvent): ScheduleState {
  if (event.type === 'ScheduleOpened') {
    const { contractId, basis, lines, openedOn } = event.data;
    return {
      status: 'open',
      contractId,
      basis,
      phase: 'active',
      openedOn,
      lines: lines.map(newLine),
    };
  }
  if (state.status === 'none') return state;
  const updateLine = (lineId: string, change: Partial<Line>) =>
    state.lines.map((line) => (line.lineId === lineId ? { ...line, ...change } : line));
  switch (event.type) {
    case 'LinesAdded':
      return { ...state, lines: [...state.lines, ...event.data.lines.map(newLine)] };
    case 'ContractPhaseRecorded':
      return {
        ...state,
        phase: event.data.phase,
        completedOn: event.data.phase === 'completed' ? event.data.on : state.completedOn,
      };
    case 'ProgressReported':
      return {
        ...state,
        pendingReport: { periodEnd: event.data.periodEnd, lines: event.data.lines },
      };
    case 'ProgressCertified': {
      const certified = new Map(event.data.lines.map((line) => [line.lineId, line]));
      const lines = state.lines.map((line) => {
        const figures = certified.get(line.lineId);
        return figures
          ? {
              ...line,
              percentComplete: figures.percentComplete,
              storedMaterials: figures.storedMaterials,
            }
          : line;
      });
      return {
        ...state,
        lines,
        pendingReport: undefined,
        lastCertifiedPeriodEnd: event.data.periodEnd,
      };
    }
    case 'ProgressRejected':
      return { ...state, pendingReport: undefined };
    case 'MilestoneAchieved':
      return {
        ...state,
        lines: updateLine(event.data.lineId, {
          milestone: 'achieved',
          achievedOn: event.data.achievedOn,
        }),
      };
    case 'MilestoneCertified':
      return {
        ...state,
        lines: updateLine(event.data.lineId, { milestone: 'certified', percentComplete: 10_000 }),
      };
    case 'MilestoneRejected':
      return {
        ...state,
        lines: updateLine(event.data.lineId, {
          milestone: 'pending',
          rejectedOn: event.data.rejectedOn,
        }),
      };
    default:
      return assertNever(event);
  }
}
