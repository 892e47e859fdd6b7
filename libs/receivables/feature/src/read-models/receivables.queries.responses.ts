import { ApiProperty } from '@nestjs/swagger';
import {
  CountProperty,
  DateProperty,
  DegradedProperty,
  MoneyProperty,
  TextProperty,
  UuidProperty,
  type Degraded,
} from '@billing/shared/nest';

const CURRENCY = { pattern: '^[A-Z]{3}$', example: 'USD' };

/** A customer's account (accounts.projection.ts). */
export class AccountSummary {
  @UuidProperty('The customer') customerId!: string;
  @TextProperty('Its name') customerName!: string;
  @TextProperty('ISO 4217 currency the account is kept in', CURRENCY) currency!: string;
  @MoneyProperty('What the customer owes, less what it paid ahead (signed)') balance!: number;
  @MoneyProperty('Payments and credits not applied to an invoice yet') unappliedCredit!: number;
}

export class Reminder {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description:
      'Its rank among the levels of the run, 1 = first (null on old reminders sent at a non-default level)',
  })
  level!: number | null;
  @CountProperty('Days overdue the level starts at') levelDays!: number;
  @ApiProperty({ type: 'boolean', description: 'The last level' }) final!: boolean;
  @DateProperty('The run it was sent by') runDate!: string;
  @ApiProperty({ type: 'integer', description: 'Days overdue on the run date' })
  daysOverdue!: number;
  @MoneyProperty('Open when it was sent') open!: number;
}

export class AccountInvoice {
  @UuidProperty('The invoice') invoiceId!: string;
  @TextProperty('Its number', { example: 'INV-2026-00001' }) number!: string;
  @UuidProperty('Its contract') contractId!: string;
  @DateProperty('Issue date') issueDate!: string;
  @DateProperty('Due date') dueDate!: string;
  @MoneyProperty('Total invoiced') total!: number;
  @MoneyProperty('Still open') open!: number;
  @MoneyProperty('Paid, credit applied included') paid!: number;
  @MoneyProperty(
    'Credit notes taken off it (any excess over what was open went to unapplied credit; `/invoices/{id}` shows their whole total)',
  )
  credited!: number;
  @MoneyProperty('Written off') writtenOff!: number;
  @ApiProperty({ type: 'boolean', description: 'Voided: nothing is open on it' })
  cancelled!: boolean;
  @ApiProperty({ type: [Reminder] }) reminders!: Reminder[];
}

export class AccountDetail extends AccountSummary {
  @ApiProperty({ type: [AccountInvoice], description: 'The invoices still open, by due date' })
  openItems!: AccountInvoice[];
  @ApiProperty({
    type: [AccountInvoice],
    description: 'Every invoice ever opened on the account, by due date',
  })
  invoices!: AccountInvoice[];
  @DegradedProperty() degraded?: Degraded;
}

export class StatementLine {
  @DateProperty('Business date') date!: string;
  @ApiProperty({ enum: ['invoice', 'void', 'credit-note', 'payment', 'reversal', 'write-off'] })
  kind!: string;
  @TextProperty('Document number, payment reference or id') reference!: string;
  @MoneyProperty('+ raises what the customer owes, - lowers it') amount!: number;
  @MoneyProperty('Running balance after the line') balance!: number;
}

export class Statement {
  @UuidProperty('The customer') customerId!: string;
  @TextProperty('Its name') customerName!: string;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @DateProperty('First day of the period') from!: string;
  @DateProperty('Last day of the period') to!: string;
  @MoneyProperty('Balance brought forward') openingBalance!: number;
  @ApiProperty({
    type: [StatementLine],
    description: "The period's entries by date (applying credit moves no balance and is no line)",
  })
  lines!: StatementLine[];
  @MoneyProperty('Balance at the end of the period') closingBalance!: number;
  @DegradedProperty() degraded?: Degraded;
}

const BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'];

export class AgingBuckets {
  @MoneyProperty('Not yet due') current!: number;
  @MoneyProperty('1 to 30 days overdue') days1to30!: number;
  @MoneyProperty('31 to 60 days overdue') days31to60!: number;
  @MoneyProperty('61 to 90 days overdue') days61to90!: number;
  @MoneyProperty('More than 90 days overdue') over90!: number;
}

export class AgingInvoice {
  @UuidProperty('The invoice') invoiceId!: string;
  @TextProperty('Its number') number!: string;
  @DateProperty('Due date') dueDate!: string;
  @MoneyProperty('Open as of the date') open!: number;
  @ApiProperty({ enum: BUCKETS }) bucket!: string;
}

export class CustomerAging {
  @UuidProperty('The customer') customerId!: string;
  @TextProperty('Its name') customerName!: string;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @ApiProperty({ type: AgingBuckets }) buckets!: AgingBuckets;
  @MoneyProperty('Open as of the date, all buckets') total!: number;
  @ApiProperty({
    type: [AgingInvoice],
    description: 'Every invoice open as of the date, by due date',
  })
  invoices!: AgingInvoice[];
  @MoneyProperty('Retainage held and not yet billed, shown beside the buckets, never in one')
  retainageHeld!: number;
  @MoneyProperty(
    'Payments and credits received by the date and not applied to an invoice by then, beside the buckets (what it owes is `total` less this)',
  )
  unappliedCredit!: number;
}

export class CurrencyAging {
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @ApiProperty({ type: AgingBuckets }) buckets!: AgingBuckets;
  @MoneyProperty('Open as of the date, all buckets') total!: number;
  @MoneyProperty('Retainage held') retainageHeld!: number;
  @MoneyProperty(
    'Unapplied credit of every customer the filter selects as of the date, listed or not (one may hold credit and owe nothing)',
  )
  unappliedCredit!: number;
}

export class Aging {
  @DateProperty('The date the receivables are aged as of') asOf!: string;
  @ApiProperty({
    type: [CustomerAging],
    description:
      'One page of the customers with something open or retainage held, by name (`limit`, `offset`; `X-Total-Count` counts them all)',
  })
  customers!: CustomerAging[];
  @ApiProperty({
    type: [CurrencyAging],
    description:
      'Totals of every customer per currency, not only the page (amounts of different currencies are never added)',
  })
  currencies!: CurrencyAging[];
}
