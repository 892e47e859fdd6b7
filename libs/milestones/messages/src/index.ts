import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Max,
  Min,
  ValidateNested,
  ArrayMinSize,
} from 'class-validator';

export const MILESTONES_TOPIC = 'billing.milestones';

export class CertifiedLineV1 {
  @IsString() lineId!: string;
  @IsInt() @Min(0) @Max(10000) percentComplete!: number;
  @IsInt() workCompletedToDate!: number;
  @IsInt() @Min(0) storedMaterials!: number;
}

export class ProgressCertifiedV1 {
  @IsUUID() contractId!: string;
  @IsString() certificationId!: string;
  @IsISO8601({ strict: true }) periodEnd!: string;
  @IsISO8601({ strict: true }) certifiedOn!: string;
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => CertifiedLineV1)
  lines!: CertifiedLineV1[];
}

export class MilestoneCertifiedV1 {
  @IsUUID() contractId!: string;
  @IsString() certificationId!: string;
  @IsString() lineId!: string;
  @IsInt() amount!: number;
  @IsISO8601({ strict: true }) certifiedOn!: string;
}

export const milestonesSchemas = {
  ProgressCertified: { 1: ProgressCertifiedV1 },
  MilestoneCertified: { 1: MilestoneCertifiedV1 },
};
