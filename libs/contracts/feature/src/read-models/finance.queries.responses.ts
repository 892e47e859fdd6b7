import { ApiProperty } from '@nestjs/swagger';
import {
  CountProperty,
  DateProperty,
  DegradedProperty,
  MoneyProperty,
  RateProperty,
  TextProperty,
  UuidProperty,
  type Degraded,
} from '@billing/shared/nest';
import { CONTRACT_STATUSES } from './contracts.queries.responses';

const CURRENCY = { pattern: '^[A-Z]{3}$', example: 'USD' };

/**
 * A contract's ledger (ADR 20): the G702 figures as invoicing computed them, what was billed, held,
 * released, paid and is still to bill.
 */
export class ContractLedgerRow {
  @UuidProperty('The contract') contractId!: string;
  @TextProperty('Its title') title!: string;
  @TextProperty('The customer (its account in receivables)') customerId!: string;
  @TextProperty("The customer's name") customerName!: string;
  @TextProperty('ISO 4217 currency of every amount', CURRENCY) currency!: string;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status!: (typeof CONTRACT_STATUSES)[number];
  @MoneyProperty('Original contract sum (G702 line 1)') originalSum!: number;
  @MoneyProperty('Net change by approved change orders (line 2), signed') netChangeOrders!: number;
  @MoneyProperty('Contract sum to date (line 3)') contractSumToDate!: number;
  @MoneyProperty('Total completed and stored to date (line 4) of the last issued pay application')
  completedAndStoredToDate!: number;
  @MoneyProperty(
    'Net billed on issued, not voided invoices (pay applications and retainage releases; credit notes not deducted)',
  )
  billedNet!: number;
  @MoneyProperty('Tax billed on them') billedTax!: number;
  @MoneyProperty('billedNet + billedTax') billedTotal!: number;
  @MoneyProperty(
    'Retainage held (line 5 of the last issued pay application), less releases issued since',
  )
  retainageHeld!: number;
  @MoneyProperty('Retainage billed by issued, not voided release invoices (net of tax)')
  retainageReleased!: number;
  @MoneyProperty('Paid on its invoices (receivables)') paid!: number;
  @MoneyProperty(
    'Still open on its invoices (receivables: after payments, credit notes and write-offs)',
  )
  outstanding!: number;
  @MoneyProperty(
    'contractSumToDate - billedNet: line 9 while retainage is held, the unbilled work after its release',
  )
  remainingToBill!: number;
  @DegradedProperty() degraded?: Degraded;
}

/**
 * One contract's over/under billing line for a period (ADR 20), every figure as of the period end.
 */
export class WipRow {
  @UuidProperty('The contract') contractId!: string;
  @TextProperty('Its title') title!: string;
  @TextProperty('The customer') customerId!: string;
  @TextProperty("The customer's name") customerName!: string;
  @TextProperty('ISO 4217 currency of every amount', CURRENCY) currency!: string;
  @DateProperty('The period: its last day') periodEnd!: string;
  @DateProperty("When the period's costs were reported") reportedOn!: string;
  @MoneyProperty(
    'Contract sum: original sum and change orders approved on or before the period end',
  )
  contractSum!: number;
  @MoneyProperty('Estimated total cost at completion, as reported for the period')
  estimatedTotalCost!: number;
  @MoneyProperty('contractSum - estimatedTotalCost (below zero: a loss is expected)')
  estimatedGrossProfit!: number;
  @MoneyProperty('Cost to date, as reported for the period') costToDate!: number;
  @MoneyProperty('estimatedTotalCost - costToDate') costToComplete!: number;
  @RateProperty('Percent complete by cost: costToDate / estimatedTotalCost, rounded (shown only)')
  percentComplete!: number;
  @MoneyProperty(
    'Earned: round(contractSum x costToDate / estimatedTotalCost), half away from zero',
  )
  earnedToDate!: number;
  @MoneyProperty('earnedToDate - costToDate') grossProfitToDate!: number;
  @MoneyProperty(
    'Billed to date: G702 line 4 of the last pay application issued on or before the period end and not voided by then',
  )
  billedToDate!: number;
  @MoneyProperty('billedToDate - earnedToDate: above zero overbilled, below zero underbilled')
  overUnder!: number;
  @MoneyProperty('Billings in excess of costs and estimated earnings (a liability), or 0')
  overbilled!: number;
  @MoneyProperty('Costs and estimated earnings in excess of billings (an asset), or 0')
  underbilled!: number;
  @DegradedProperty() degraded?: Degraded;
}

/** A WIP schedule's totals in one currency. */
export class WipTotals {
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @CountProperty('Contracts in the schedule') contracts!: number;
  @MoneyProperty('Sum of contractSum') contractSum!: number;
  @MoneyProperty('Sum of estimatedTotalCost') estimatedTotalCost!: number;
  @MoneyProperty('Sum of estimatedGrossProfit') estimatedGrossProfit!: number;
  @MoneyProperty('Sum of costToDate') costToDate!: number;
  @MoneyProperty('Sum of costToComplete') costToComplete!: number;
  @MoneyProperty('Sum of earnedToDate') earnedToDate!: number;
  @MoneyProperty('Sum of grossProfitToDate') grossProfitToDate!: number;
  @MoneyProperty('Sum of billedToDate') billedToDate!: number;
  @MoneyProperty('Sum of overUnder') overUnder!: number;
  @MoneyProperty('Sum of overbilled (each contract counted alone, never netted)')
  overbilled!: number;
  @MoneyProperty('Sum of underbilled (each contract counted alone, never netted)')
  underbilled!: number;
}

/**
 * The WIP schedule of a period: one page of its contracts, and the totals of all of them per
 * currency.
 */
export class WipSchedule {
  @DateProperty('The period: its last day') periodEnd!: string;
  @ApiProperty({ type: [WipRow], description: "The page's contracts, by customer name and title" })
  contracts!: WipRow[];
  @ApiProperty({
    type: [WipTotals],
    description:
      'Totals of every contract the filter selects, per currency (amounts of different currencies are never added)',
  })
  currencies!: WipTotals[];
}
