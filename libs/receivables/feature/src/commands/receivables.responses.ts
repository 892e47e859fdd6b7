import { ApiProperty } from '@nestjs/swagger';
import { DateProperty, MoneyProperty, TextProperty, UuidProperty } from '@billing/shared/nest';
import { Allocation } from '../read-models/account-state.responses';
import { Reminder } from '../read-models/receivables.queries.responses';

export class PaymentAnswer {
  @UuidProperty('The payment') paymentId!: string;
  @UuidProperty('The customer') customerId!: string;
  @ApiProperty({
    type: [Allocation],
    description: 'What it paid: the invoices it names first, then the oldest open',
  })
  allocations!: Allocation[];
  @MoneyProperty('Left as unapplied credit on the account') unapplied!: number;
}

export class ReversalAnswer {
  @UuidProperty('The payment') paymentId!: string;
  @UuidProperty('The customer') customerId!: string;
  @ApiProperty({ type: 'boolean', enum: [true] }) reversed!: true;
}

export class CreditApplicationAnswer {
  @UuidProperty('The credit application') applicationId!: string;
  @UuidProperty('The invoice') invoiceId!: string;
  @MoneyProperty('Credit applied to it') amount!: number;
}

export class WriteOffAnswer {
  @UuidProperty('The customer') customerId!: string;
  @UuidProperty('The invoice') invoiceId!: string;
  @ApiProperty({ type: 'boolean', enum: [true] }) writtenOff!: true;
}

export class SentReminder extends Reminder {
  @UuidProperty('The invoice') invoiceId!: string;
  @TextProperty('Its number') number!: string;
}

export class ReminderRun {
  @DateProperty('The date the run is for') runDate!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    description: 'Days overdue per level, as run',
  })
  levels!: number[];
  @ApiProperty({
    type: [SentReminder],
    description: 'The reminders this run sent (none when it ran before for this date)',
  })
  sent!: SentReminder[];
}
