import { ApiProperty } from '@nestjs/swagger';
import { CountProperty, UuidProperty } from '@billing/shared/nest';

export class ScheduleCommandAnswer {
  @UuidProperty('The contract') contractId!: string;
  @CountProperty("Revision of the contract's schedule stream after the command") revision!: number;
}

/**
 * Where the work a certification makes billable shows up: invoicing drafts it moments later, in
 * reaction.
 */
export class WhereToFind {
  @ApiProperty({
    type: 'string',
    format: 'uri-reference',
    description: 'The draft pay application will be in this list',
    example: '/invoices?contractId=3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13&status=draft',
  })
  payApplication!: string;
  @ApiProperty({
    type: 'string',
    format: 'uri-reference',
    description: "The contract's billing ledger",
  })
  billing!: string;
  @ApiProperty({
    type: 'string',
    format: 'uri-reference',
    description: 'Where a refusal is listed if the work cannot be billed',
  })
  refusals!: string;
}

export class CertificationAnswer extends ScheduleCommandAnswer {
  @ApiProperty({ type: WhereToFind }) next!: WhereToFind;
}
