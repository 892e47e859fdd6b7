import { ApiProperty } from '@nestjs/swagger';
import {
  CountProperty,
  DateProperty,
  DegradedProperty,
  InstantProperty,
  MapProperty,
  MoneyProperty,
  RateProperty,
  TextProperty,
  UuidProperty,
  type Degraded,
} from '@billing/shared/nest';

export const CONTRACT_STATUSES = [
  'draft',
  'active',
  'suspended',
  'completed',
  'closed',
  'cancelled',
] as const;
const CURRENCY = { pattern: '^[A-Z]{3}$', example: 'USD' };

export class ContractCustomerRef {
  @UuidProperty('The customer (its account in receivables)') id!: string;
  @TextProperty('Its name') name!: string;
}

export class ContractInvoiceBalance {
  @MoneyProperty('Paid on the invoice') paid!: number;
  @MoneyProperty('Still open on the invoice') open!: number;
}

/**
 * The contract summary read model (contract-summary.projection.ts): the figures of AIA G702 a
 * client lists and follows.
 */
export class ContractSummaryView {
  @UuidProperty('The contract') contractId!: string;
  @TextProperty('Its title') title!: string;
  @ApiProperty({ type: ContractCustomerRef }) customer!: ContractCustomerRef;
  @TextProperty('ISO 4217 currency of every amount', CURRENCY) currency!: string;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status!: (typeof CONTRACT_STATUSES)[number];
  @MoneyProperty('Original contract sum (G702 line 1)') originalSum!: number;
  @MoneyProperty('Net change by approved change orders (line 2), signed') netChangeOrders!: number;
  @MoneyProperty('Contract sum to date (line 3)') contractSumToDate!: number;
  @MoneyProperty(
    'Total completed and stored to date (line 4), as of the last issued pay application',
  )
  completedAndStoredToDate!: number;
  @MoneyProperty('Net billed on issued invoices') billedNet!: number;
  @MoneyProperty('Tax billed on issued invoices') billedTax!: number;
  @MoneyProperty('Retainage held (line 5), less releases issued since') retainageHeld!: number;
  @MoneyProperty('Paid on its invoices') paid!: number;
  @MoneyProperty('Open on its invoices') outstanding!: number;
  @MoneyProperty('Contract sum to date less completed and stored to date (line 3 - line 4)')
  balanceToFinish!: number;
  @MoneyProperty(
    'Balance to finish including retainage: line 9 (line 3 - line 6) of the last application, less the retainage released since (with `retainageHeld`)',
  )
  balanceToFinishIncludingRetainage!: number;
  @MapProperty('Paid and open per invoice, by invoice id', ContractInvoiceBalance)
  invoices!: Record<string, ContractInvoiceBalance>;
  @DegradedProperty() degraded?: Degraded;
}

/** One event about the contract, from any context, with who, when and why (audit). */
export class ContractHistoryEntry {
  @UuidProperty("The event's id; `after` of the next page") eventId!: string;
  @TextProperty('The stream it belongs to', {
    example: 'contract-3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13',
  })
  streamId!: string;
  @CountProperty('Its revision in the stream') revision!: number;
  @TextProperty('The event type', { example: 'ContractActivated' }) type!: string;
  @InstantProperty('When it was stored') recordedAt!: string;
  @TextProperty('The tenant') tenantId!: string;
  @TextProperty('The correlation id of the request or message that caused it')
  correlationId!: string;
  @TextProperty('The command that caused it') causationId!: string;
  @TextProperty('Who acted (`system:<reaction>` for a reaction)') actor!: string;
  @InstantProperty('When the command was decided') occurredAt!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: "Version of the event's schema" })
  schemaVersion!: number;
  @TextProperty('The command type, when recorded', { required: false, example: 'ActivateContract' })
  command?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data, as its type defines it",
  })
  data!: Record<string, unknown>;
}

export class ContractParty {
  @UuidProperty('The customer') id!: string;
  @TextProperty('Name') name!: string;
  @ApiProperty({ type: 'string', format: 'email', description: 'Where invoices go' })
  email!: string;
  @TextProperty('Billing address') address!: string;
}

export class ContractRetainageStep {
  @RateProperty('Percent complete from which the step applies') threshold!: number;
  @RateProperty('Retainage on completed work') workRate!: number;
  @RateProperty('Retainage on stored materials') materialsRate!: number;
}

export class ContractScheduleLine {
  @TextProperty('The line id progress reports and milestones name', { example: 'L1' })
  lineId!: string;
  @TextProperty('Item number (G703 column A)', { example: '1' }) item!: string;
  @TextProperty('Description of work (column B)') description!: string;
  @MoneyProperty('Scheduled value (column C); negative for a deduction a change order adds')
  scheduledValue!: number;
}

export class ContractTerms {
  @ApiProperty({ type: ContractParty }) customer!: ContractParty;
  @TextProperty('Title') title!: string;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @MoneyProperty('Original contract sum') originalSum!: number;
  @ApiProperty({ enum: ['progress', 'milestone'] }) basis!: 'progress' | 'milestone';
  @ApiProperty({ type: [ContractRetainageStep] }) retainage!: ContractRetainageStep[];
  @RateProperty('Tax rate, 0 = exempt') taxRate!: number;
  @CountProperty('Days from issue to due date') paymentTermsDays!: number;
  @TextProperty("The customer's purchase order number ('' when none)") poNumber!: string;
  @DateProperty('Start date') startDate!: string;
}

export class ContractChangeOrder {
  @UuidProperty('The change order') changeOrderId!: string;
  @TextProperty('Its number', { example: 'CO-001' }) number!: string;
  @MoneyProperty('Its amount, signed') amount!: number;
  @DateProperty('Approval date') approvedOn!: string;
}

export class ContractBillingFigures {
  @MoneyProperty('Completed and stored to date (G702 line 4) of the last issued pay application')
  completedAndStoredToDate!: number;
  @MoneyProperty('Retainage held') retainageHeld!: number;
  @MoneyProperty('Net billed') billedNet!: number;
  @MoneyProperty('Tax billed') billedTax!: number;
}

/** A period's job cost (ADR 20). */
export class ContractCostReport {
  @DateProperty('The period: its last day') periodEnd!: string;
  @MoneyProperty('Cost to date') costToDate!: number;
  @MoneyProperty('Estimated total cost at completion') estimatedTotalCost!: number;
}

/** The contract aggregate as folded from its events. */
export class ContractState {
  @ApiProperty({ enum: CONTRACT_STATUSES }) status!: (typeof CONTRACT_STATUSES)[number];
  @UuidProperty('The contract') contractId!: string;
  @ApiProperty({ type: ContractTerms }) terms!: ContractTerms;
  @ApiProperty({
    type: [ContractScheduleLine],
    description: 'The schedule of values, change order lines included',
  })
  lines!: ContractScheduleLine[];
  @ApiProperty({ type: [ContractChangeOrder] }) changeOrders!: ContractChangeOrder[];
  @ApiProperty({ type: ContractBillingFigures }) figures!: ContractBillingFigures;
  @MapProperty('Paid and open per invoice, by invoice id', ContractInvoiceBalance)
  invoices!: Record<string, ContractInvoiceBalance>;
  @ApiProperty({
    type: [String],
    required: false,
    description:
      'Invoices issued whose balance receivables has not reported yet (absent when none): the contract does not close until it has',
  })
  notYetOnAccount?: string[];
  @DateProperty('Completion date, once completed', { required: false }) completedOn?: string;
  @DateProperty('Activation date, once activated', { required: false }) activatedOn?: string;
  @DateProperty(
    'Date of its last change of status (activation, suspension, resumption, completion)',
    { required: false },
  )
  statusSince?: string;
  @MapProperty(
    'The job cost reported for each period, by period end (the latest report of a period stands)',
    ContractCostReport,
  )
  costs!: Record<string, ContractCostReport>;
}

export class ContractAsOf {
  @InstantProperty('Known at: the instant whose knowledge counts (the `at` asked, or now)')
  asOf!: string;
  @DateProperty('The business date asked about, when one was', { required: false }) date?: string;
  @CountProperty('How many of its events were recorded by then') eventsApplied!: number;
  @ApiProperty({ type: ContractState }) contract!: ContractState;
}
