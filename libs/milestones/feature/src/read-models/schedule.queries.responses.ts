import { ApiProperty } from '@nestjs/swagger';
import {
  DateProperty,
  DegradedProperty,
  MoneyProperty,
  RateProperty,
  TextProperty,
  UuidProperty,
  type Degraded,
} from '@billing/shared/nest';

export class ScheduleLineView {
  @TextProperty('The line id', { example: 'L1' }) lineId!: string;
  @TextProperty('Item number', { example: '1' }) item!: string;
  @TextProperty('Description of work') description!: string;
  @MoneyProperty('Scheduled value') scheduledValue!: number;
  @RateProperty('Percent complete last certified') percentComplete!: number;
  @MoneyProperty('Materials presently stored, last certified') storedMaterials!: number;
  @ApiProperty({
    enum: ['pending', 'achieved', 'certified'],
    description: 'The milestone state of the line (milestone contracts)',
  })
  milestone!: 'pending' | 'achieved' | 'certified';
  @DateProperty('When its milestone was last achieved (milestone contracts)', { required: false })
  achievedOn?: string;
  @DateProperty('When its milestone was last rejected (pending again; milestone contracts)', {
    required: false,
  })
  rejectedOn?: string;
}

export class ReportedLineView {
  @TextProperty('The line id') lineId!: string;
  @RateProperty('Cumulative percent complete reported') percentComplete!: number;
  @MoneyProperty('Materials presently stored at period end') storedMaterials!: number;
  @TextProperty('Why percent complete goes down', { required: false }) correctionReason?: string;
}

export class PendingReport {
  @DateProperty('The period end') periodEnd!: string;
  @ApiProperty({ type: [ReportedLineView] }) lines!: ReportedLineView[];
}

export class Certification {
  @TextProperty(
    'The certification (`<contractId>/progress/<periodEnd>` or `<contractId>/milestone/<lineId>`)',
  )
  certificationId!: string;
  @DateProperty('The period it bills: the period end, or the certification date of a milestone')
  periodEnd!: string;
  @DateProperty('When it was certified') certifiedOn!: string;
}

export class Rejection {
  @UuidProperty('The contract') contractId!: string;
  @DateProperty('The period end of the rejected progress report', { required: false })
  periodEnd?: string;
  @TextProperty('The line of the rejected milestone', { required: false }) lineId?: string;
  @TextProperty('Why it was rejected') reason!: string;
  @DateProperty('When') rejectedOn!: string;
}

/**
 * The schedule read model (schedule.projection.ts): progress and milestones per line,
 * certifications and rejections.
 */
export class ContractSchedule {
  @ApiProperty({ type: [Certification], description: 'Every certification, oldest first' })
  certifications!: Certification[];
  @ApiProperty({
    type: [Rejection],
    description: 'Every rejected report or milestone, oldest first',
  })
  rejections!: Rejection[];
  @ApiProperty({ enum: ['open'] }) status!: 'open';
  @UuidProperty('The contract') contractId!: string;
  @ApiProperty({ enum: ['progress', 'milestone'] }) basis!: 'progress' | 'milestone';
  @ApiProperty({
    enum: ['active', 'suspended', 'completed'],
    description: 'The contract phase as this context knows it',
  })
  phase!: 'active' | 'suspended' | 'completed';
  @DateProperty('Completion date, once completed', { required: false }) completedOn?: string;
  @DateProperty("The contract's activation date", { required: false }) openedOn?: string;
  @ApiProperty({ type: [ScheduleLineView] }) lines!: ScheduleLineView[];
  @DateProperty('The last certified period end', { required: false })
  lastCertifiedPeriodEnd?: string;
  @ApiProperty({
    type: PendingReport,
    required: false,
    description: 'The progress report waiting for certification or rejection',
  })
  pendingReport?: PendingReport;
  @DegradedProperty() degraded?: Degraded;
}
