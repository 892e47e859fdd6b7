import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Min, ValidateNested } from 'class-validator';

export const INVOICING_TOPIC = 'billing.invoicing';

export class BillingFiguresV1 {
  @IsInt() completedAndStoredToDate!: number;
  @IsInt() @Min(0) retainageHeld!: number;
  @IsInt() billedNet!: number;
  @IsInt() billedTax!: number;
}

class DocumentV1 {
  @IsUUID() contractId!: string;
  @IsUUID() customerId!: string;
  @IsString() customerName!: string;
  @IsString() currency!: string;
}

export class InvoiceIssuedV1 extends DocumentV1 {
  @IsUUID() invoiceId!: string;
  @IsIn(['progress', 'retainage-release']) kind!: string;
  @IsString() number!: string;
  @IsISO8601({ strict: true }) issueDate!: string;
  @IsISO8601({ strict: true }) dueDate!: string;
  @IsInt() amount!: number;
  @IsInt() tax!: number;
  @IsInt() total!: number;
  @ValidateNested() @Type(() => BillingFiguresV1) figures!: BillingFiguresV1;
}

export class InvoiceVoidedV1 extends DocumentV1 {
  @IsUUID() invoiceId!: string;
  @IsISO8601({ strict: true }) voidedOn!: string;
  @IsString() reason!: string;
  @ValidateNested() @Type(() => BillingFiguresV1) figures!: BillingFiguresV1;
}

export class CreditNoteIssuedV1 extends DocumentV1 {
  @IsUUID() creditNoteId!: string;
  @IsUUID() invoiceId!: string;
  @IsString() number!: string;
  @IsISO8601({ strict: true }) issueDate!: string;
  @IsString() reason!: string;
  @IsInt() @Min(1) amount!: number;
  @IsInt() tax!: number;
  @IsInt() total!: number;
}

export const invoicingSchemas = {
  InvoiceIssued: { 1: InvoiceIssuedV1 },
  InvoiceVoided: { 1: InvoiceVoidedV1 },
  CreditNoteIssued: { 1: CreditNoteIssuedV1 },
};
