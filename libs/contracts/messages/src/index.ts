import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Max,
  Min,
  ValidateNested,
  ArrayMinSize,
} from 'class-validator';

export const CONTRACTS_TOPIC = 'billing.contracts';

export class CustomerV1 {
  @IsUUID() id!: string;
  @IsString() name!: string;
  @IsEmail() email!: string;
  @IsString() address!: string;
}

export class RetainageStepV1 {
  @IsInt() @Min(0) @Max(10000) threshold!: number;
  @IsInt() @Min(0) @Max(10000) workRate!: number;
  @IsInt() @Min(0) @Max(10000) materialsRate!: number;
}

export class ScheduleLineV1 {
  @IsString() lineId!: string;
  @IsString() item!: string;
  @IsString() description!: string;
  @IsInt() scheduledValue!: number;
}

export class ContractActivatedV1 {
  @IsUUID() contractId!: string;
  @IsISO8601({ strict: true }) activatedOn!: string;
  @ValidateNested() @Type(() => CustomerV1) customer!: CustomerV1;
  @IsString() title!: string;
  @IsString() currency!: string;
  @IsInt() originalSum!: number;
  @IsIn(['progress', 'milestone']) basis!: 'progress' | 'milestone';
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => RetainageStepV1)
  retainage!: RetainageStepV1[];
  @IsInt() @Min(0) @Max(10000) taxRate!: number;
  @IsInt() @Min(0) paymentTermsDays!: number;
  @IsString() poNumber!: string;
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ScheduleLineV1)
  lines!: ScheduleLineV1[];
}

export class ChangeOrderApprovedV1 {
  @IsUUID() contractId!: string;
  @IsString() changeOrderId!: string;
  @IsString() number!: string;
  @IsInt() amount!: number;
  @IsISO8601({ strict: true }) approvedOn!: string;
  @ValidateNested({ each: true }) @Type(() => ScheduleLineV1) lines!: ScheduleLineV1[];
}

export class ContractPhaseChangedV1 {
  @IsUUID() contractId!: string;
  @IsIn(['active', 'suspended', 'completed']) phase!: 'active' | 'suspended' | 'completed';
  @IsISO8601({ strict: true }) on!: string;
}

export const contractsSchemas = {
  ContractActivated: { 1: ContractActivatedV1 },
  ChangeOrderApproved: { 1: ChangeOrderApprovedV1 },
  /**
   * Suspended, resumed or completed: what other contexts need to know to stop or allow new work.
   */
  ContractPhaseChanged: { 1: ContractPhaseChangedV1 },
};
