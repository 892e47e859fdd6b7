import { ApiProperty, OmitType } from '@nestjs/swagger';
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
import { G702, G703Line, LedgerCustomer, LedgerRetainageStep } from './pay-application.responses';

const CURRENCY = { pattern: '^[A-Z]{3}$', example: 'USD' };

export class CreditNoteView {
  @UuidProperty('The credit note') creditNoteId!: string;
  @UuidProperty('The invoice it credits') invoiceId!: string;
  @TextProperty('Its number in the credit note series', { example: 'CN-2026-00001' })
  number!: string;
  @DateProperty('Issue date') issueDate!: string;
  @TextProperty('Why') reason!: string;
  @MoneyProperty('Net credited') amount!: number;
  @MoneyProperty('Tax credited, at the invoice rate') tax!: number;
  @MoneyProperty('Total credited') total!: number;
}

/**
 * An invoice as the contract's billing ledger folds it: a progress pay application (with G702/G703)
 * or a retainage release.
 */
export class LedgerInvoice {
  @UuidProperty('The invoice') invoiceId!: string;
  @ApiProperty({ enum: ['progress', 'retainage-release'] }) kind!: 'progress' | 'retainage-release';
  @ApiProperty({ enum: ['draft', 'issued', 'void'] }) status!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    required: false,
    description: 'Application number (progress pay applications)',
  })
  applicationNo?: number;
  @DateProperty('The period end it bills (a release: its release date)', { required: false })
  periodEnd?: string;
  @ApiProperty({
    type: G702,
    required: false,
    description: 'AIA G702 summary (progress pay applications)',
  })
  g702?: G702;
  @ApiProperty({
    type: [G703Line],
    required: false,
    description: 'AIA G703 continuation sheet (progress pay applications)',
  })
  g703?: G703Line[];
  @TextProperty('Its number, once issued', { required: false, example: 'INV-2026-00001' })
  number?: string;
  @DateProperty('Issue date, once issued', { required: false }) issueDate?: string;
  @DateProperty('Due date, once issued', { required: false }) dueDate?: string;
  @MoneyProperty('Net amount (a pay application: G702 line 8, current payment due)')
  amount!: number;
  @MoneyProperty('Tax') tax!: number;
  @MoneyProperty('Total') total!: number;
  @MoneyProperty('Paid on it, as receivables reports') paid!: number;
  @MoneyProperty(
    'Total of its credit notes (on the account, any excess over what was open became credit: see `/accounts/{customerId}`)',
  )
  credited!: number;
  @MoneyProperty(
    "What the customer's account still has open on it, as receivables last reported (absent until it has): less than total − paid − credited by what was written off, or by credit applied to it",
    { required: false },
  )
  openOnAccount?: number;
  @DateProperty('Void date, once voided', { required: false }) voidedOn?: string;
  @TextProperty('Why it was voided', { required: false }) voidReason?: string;
}

export class InvoiceCustomer {
  @UuidProperty('The customer') id!: string;
  @TextProperty('Its name') name!: string;
}

/**
 * The invoice read model (invoices.projection.ts): the ledger's invoice with its contract, customer
 * and credit notes.
 */
export class InvoiceView extends OmitType(LedgerInvoice, ['status'] as const) {
  @ApiProperty({
    enum: ['draft', 'issued', 'void', 'withdrawn'],
    description:
      '`withdrawn`: a draft with nothing left to bill, or a release draft that gave way to work billable again',
  })
  status!: string;
  @UuidProperty('The contract') contractId!: string;
  @TextProperty("The contract's title") contractTitle!: string;
  @ApiProperty({ type: InvoiceCustomer }) customer!: InvoiceCustomer;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @ApiProperty({ type: [CreditNoteView] }) creditNotes!: CreditNoteView[];
}

export class InvoiceAsOf {
  @InstantProperty('Known at: the instant whose knowledge counts (the `at` asked, or now)')
  asOf!: string;
  @DateProperty('The business date asked about, when one was', { required: false }) date?: string;
  @ApiProperty({ type: LedgerInvoice, description: 'The invoice as it stood then' })
  invoice!: LedgerInvoice;
}

/** What a document command answers: the invoice without its G702/G703, and its contract. */
export class InvoiceDocument extends OmitType(LedgerInvoice, ['g702', 'g703'] as const) {
  @UuidProperty('The contract') contractId!: string;
}

export class LedgerTerms {
  @ApiProperty({ type: LedgerCustomer }) customer!: LedgerCustomer;
  @TextProperty('Title') title!: string;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @MoneyProperty('Original contract sum') originalSum!: number;
  @ApiProperty({ type: [LedgerRetainageStep] }) retainage!: LedgerRetainageStep[];
  @RateProperty('Tax rate') taxRate!: number;
  @CountProperty('Days from issue to due date') paymentTermsDays!: number;
  @TextProperty("The customer's purchase order number") poNumber!: string;
}

export class LedgerLine {
  @TextProperty('The line id') lineId!: string;
  @TextProperty('Item number') item!: string;
  @TextProperty('Description of work') description!: string;
  @MoneyProperty('Scheduled value') scheduledValue!: number;
}

export class CertifiedWork {
  @TextProperty('The line id') lineId!: string;
  @MoneyProperty('Work completed to date, certified') workCompletedToDate!: number;
  @MoneyProperty('Materials presently stored, certified') storedMaterials!: number;
}

export class PayApplicationRefusal {
  @UuidProperty('The contract') contractId!: string;
  @TextProperty('The certification that could not be billed') certificationId!: string;
  @DateProperty('Its period end') periodEnd!: string;
  @TextProperty('The rule that refused it') reason!: string;
}

/**
 * The contract's billing ledger (invoices.projection.ts): terms, certified work, every invoice and
 * credit note, refusals.
 */
export class BillingLedger {
  @ApiProperty({ enum: ['open'] }) status!: 'open';
  @UuidProperty('The contract') contractId!: string;
  @ApiProperty({ type: LedgerTerms }) terms!: LedgerTerms;
  @ApiProperty({
    type: [LedgerLine],
    description: 'The schedule of values, change order lines included',
  })
  lines!: LedgerLine[];
  @MoneyProperty('Net change by change orders, signed') netChangeOrders!: number;
  @ApiProperty({ enum: ['active', 'suspended', 'completed'] }) phase!:
    'active' | 'suspended' | 'completed';
  @DateProperty('The date the contract entered its phase (the completion date, once completed)', {
    required: false,
  })
  phaseSince?: string;
  @MapProperty('Certified work to date, by line id', CertifiedWork) certified!: Record<
    string,
    CertifiedWork
  >;
  @DateProperty('The last certified period end', { required: false }) lastPeriodEnd?: string;
  @ApiProperty({ type: [LedgerInvoice] }) invoices!: LedgerInvoice[];
  @ApiProperty({ type: [CreditNoteView] }) creditNotes!: CreditNoteView[];
  @ApiProperty({
    type: [PayApplicationRefusal],
    description: 'Certified work a billing rule refused to bill',
  })
  refusals!: PayApplicationRefusal[];
  @DegradedProperty() degraded?: Degraded;
}
