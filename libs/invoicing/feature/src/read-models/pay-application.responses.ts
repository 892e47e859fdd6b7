import { ApiProperty } from '@nestjs/swagger';
import { MoneyProperty, RateProperty, TextProperty, UuidProperty } from '@billing/shared/nest';

export class LedgerRetainageStep {
  @RateProperty('Percent complete from which the step applies') threshold!: number;
  @RateProperty('Retainage on completed work') workRate!: number;
  @RateProperty('Retainage on stored materials') materialsRate!: number;
}

export class LedgerCustomer {
  @UuidProperty('The customer') id!: string;
  @TextProperty('Name') name!: string;
  @ApiProperty({ type: 'string', format: 'email' }) email!: string;
  @TextProperty('Billing address') address!: string;
}

/** AIA G702, Application and Certificate for Payment: lines 1 to 9. */
export class G702 {
  @MoneyProperty('Line 1, original contract sum') originalContractSum!: number;
  @MoneyProperty('Line 2, net change by change orders') netChangeByChangeOrders!: number;
  @MoneyProperty('Line 3, contract sum to date') contractSumToDate!: number;
  @MoneyProperty('Line 4, total completed and stored to date')
  totalCompletedAndStoredToDate!: number;
  @MoneyProperty('Line 5a, retainage on completed work') retainageOnCompletedWork!: number;
  @MoneyProperty('Line 5b, retainage on stored materials') retainageOnStoredMaterials!: number;
  @MoneyProperty(
    'Line 5c, retainage released before this application by release invoices (absent when none)',
    { required: false },
  )
  retainageReleased?: number;
  @MoneyProperty('Line 5, total retainage held: 5a + 5b, less 5c, not below zero')
  totalRetainage!: number;
  @MoneyProperty('Line 6, total earned less retainage') totalEarnedLessRetainage!: number;
  @MoneyProperty(
    'Line 7, less previous certificates for payment: line 6 of the previous application, plus retainage released since',
  )
  lessPreviousCertificates!: number;
  @MoneyProperty('Line 8, current payment due') currentPaymentDue!: number;
  @MoneyProperty('Line 9, balance to finish including retainage')
  balanceToFinishIncludingRetainage!: number;
  @ApiProperty({
    type: LedgerRetainageStep,
    description: 'The retainage step in force (by percent complete at period end)',
  })
  retainageStep!: LedgerRetainageStep;
}

/** AIA G703 Continuation Sheet: one row per schedule line, columns A to I. */
export class G703Line {
  @TextProperty('A, item number') item!: string;
  @TextProperty('The line id') lineId!: string;
  @TextProperty('B, description of work') description!: string;
  @MoneyProperty('C, scheduled value') scheduledValue!: number;
  @MoneyProperty('D, work completed from previous application') fromPreviousApplication!: number;
  @MoneyProperty('E, work completed this period') thisPeriod!: number;
  @MoneyProperty('F, materials presently stored') materialsPresentlyStored!: number;
  @MoneyProperty('G, total completed and stored to date') completedAndStoredToDate!: number;
  @ApiProperty({
    type: 'integer',
    description:
      'G / C, 1/100 % rounded half away from zero (negative on a deduction line; display only)',
  })
  percentComplete!: number;
  @MoneyProperty('H, balance to finish') balanceToFinish!: number;
  @MoneyProperty('I, retainage') retainage!: number;
  @MoneyProperty("Work completed to date (D + E): the next application's column D")
  workCompletedToDate!: number;
}
