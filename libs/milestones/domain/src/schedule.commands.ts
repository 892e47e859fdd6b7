import type { Basis, ContractPhase, LineDefinition, ReportedLine } from './schedule.events';

export type ScheduleCommand =
  | {
      type: 'OpenSchedule';
      contractId: string;
      basis: Basis;
      lines: LineDefinition[];
      openedOn: string;
    }
  | { type: 'AddLines'; changeOrderId: string; lines: LineDefinition[] }
  | { type: 'RecordContractPhase'; phase: ContractPhase; on: string }
  | { type: 'ReportProgress'; periodEnd: string; reportedOn: string; lines: ReportedLine[] }
  | { type: 'CertifyProgress'; periodEnd: string; certifiedOn: string }
  | { type: 'RejectProgress'; periodEnd: string; rejectedOn: string; reason: string }
  | { type: 'AchieveMilestone'; lineId: string; achievedOn: string }
  | { type: 'CertifyMilestone'; lineId: string; certifiedOn: string }
  | { type: 'RejectMilestone'; lineId: string; rejectedOn: string; reason: string };
