import type { DomainEvent } from '@billing/shared/kernel';

export type Basis = 'progress' | 'milestone';

export interface LineDefinition {
  lineId: string;
  item: string;
  description: string;
  scheduledValue: number;
}

export interface ReportedLine {
  lineId: string;
  percentComplete: number;
  storedMaterials: number;
  correctionReason?: string;
}

export interface CertifiedLine {
  lineId: string;
  scheduledValue: number;
  percentComplete: number;
  workCompletedToDate: number;
  storedMaterials: number;
}

export type ContractPhase = 'active' | 'suspended' | 'completed';

export type ScheduleEvent =
  | DomainEvent<
      'ScheduleOpened',
      { contractId: string; basis: Basis; lines: LineDefinition[]; openedOn: string }
    >
  | DomainEvent<
      'LinesAdded',
      { contractId: string; changeOrderId: string; lines: LineDefinition[] }
    >
  | DomainEvent<'ContractPhaseRecorded', { contractId: string; phase: ContractPhase; on: string }>
  | DomainEvent<
      'ProgressReported',
      { contractId: string; periodEnd: string; reportedOn: string; lines: ReportedLine[] }
    >
  | DomainEvent<
      'ProgressCertified',
      {
        contractId: string;
        certificationId: string;
        periodEnd: string;
        certifiedOn: string;
        lines: CertifiedLine[];
      }
    >
  | DomainEvent<
      'ProgressRejected',
      { contractId: string; periodEnd: string; rejectedOn: string; reason: string }
    >
  | DomainEvent<'MilestoneAchieved', { contractId: string; lineId: string; achievedOn: string }>
  | DomainEvent<
      'MilestoneCertified',
      {
        contractId: string;
        certificationId: string;
        lineId: string;
        amount: number;
        certifiedOn: string;
      }
    >
  | DomainEvent<
      'MilestoneRejected',
      { contractId: string; lineId: string; rejectedOn: string; reason: string }
    >;
