import { ApiProperty } from '@nestjs/swagger';
import {
  CountProperty,
  DateProperty,
  InstantProperty,
  MoneyProperty,
  TextProperty,
  UuidProperty,
} from '@billing/shared/nest';

export class Allocation {
  @UuidProperty('The invoice') invoiceId!: string;
  @MoneyProperty('Applied to it') amount!: number;
}

export class AccountItemState {
  @UuidProperty('The invoice') invoiceId!: string;
  @TextProperty('Its number') number!: string;
  @UuidProperty('Its contract') contractId!: string;
  @ApiProperty({ enum: ['progress', 'retainage-release'] }) kind!: string;
  @DateProperty('Issue date') issueDate!: string;
  @DateProperty('Due date') dueDate!: string;
  @MoneyProperty('Total') total!: number;
  @MoneyProperty('Paid') paid!: number;
  @MoneyProperty('Credited') credited!: number;
  @MoneyProperty('Written off') writtenOff!: number;
  @ApiProperty({ type: 'boolean' }) cancelled!: boolean;
  @ApiProperty({
    type: 'array',
    items: { type: 'integer' },
    description: 'Days overdue of each reminder level sent',
  })
  reminderLevels!: number[];
}

export class PaymentState {
  @UuidProperty('The payment') paymentId!: string;
  @MoneyProperty('Amount received') amount!: number;
  @DateProperty('Date received') receivedOn!: string;
  @TextProperty("The payer's reference (a check or wire number)") reference!: string;
  @ApiProperty({ type: [Allocation] }) allocations!: Allocation[];
  @ApiProperty({ type: 'boolean' }) reversed!: boolean;
}

export class CreditSource {
  @UuidProperty('The payment, credit note or voided invoice the credit comes from')
  sourceId!: string;
  @ApiProperty({ enum: ['payment', 'credit-note', 'void'] }) kind!: string;
  @MoneyProperty('Not applied yet') remaining!: number;
  @DateProperty('The day it arose: it is applied from then on') since!: string;
}

export class CreditDraw {
  @UuidProperty('The credit source drawn on') sourceId!: string;
  @MoneyProperty('Drawn') amount!: number;
  @UuidProperty('The invoice it paid') invoiceId!: string;
  @UuidProperty('The credit application') applicationId!: string;
  @DateProperty('The day it was applied') appliedOn!: string;
}

/** The account aggregate as folded from its events. */
export class AccountState {
  @ApiProperty({ enum: ['open'] }) status!: 'open';
  @UuidProperty('The customer') customerId!: string;
  @TextProperty('Its name') customerName!: string;
  @TextProperty('ISO 4217 currency', { pattern: '^[A-Z]{3}$' }) currency!: string;
  @ApiProperty({ type: [AccountItemState] }) items!: AccountItemState[];
  @ApiProperty({ type: [PaymentState] }) payments!: PaymentState[];
  @ApiProperty({ type: [CreditSource] }) credits!: CreditSource[];
  @ApiProperty({ type: [CreditDraw] }) draws!: CreditDraw[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', format: 'int64' },
    description: 'Retainage held per contract id (minor units)',
  })
  retainageHeld!: Record<string, number>;
}

export class AccountAsOf {
  @InstantProperty('Known at: the instant whose knowledge counts (the `at` asked, or now)')
  asOf!: string;
  @DateProperty('The business date asked about, when one was', { required: false }) date?: string;
  @CountProperty('How many of its events were recorded by then') eventsApplied!: number;
  @ApiProperty({ type: AccountState }) account!: AccountState;
}
