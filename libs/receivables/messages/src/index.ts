import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsUUID, Min, ValidateNested, ArrayMinSize } from 'class-validator';

export const RECEIVABLES_TOPIC = 'billing.receivables';

export class InvoiceBalanceV1 {
  @IsUUID() invoiceId!: string;
  @IsUUID() contractId!: string;
  @IsInt() @Min(0) paid!: number;
  @IsInt() @Min(0) open!: number;
}

export const BALANCE_CAUSES = [
  'opened',
  'void',
  'credit-note',
  'payment',
  'reversal',
  'credit-applied',
  'write-off',
] as const;

/**
 * Invoices whose paid or open amount changed, with the figures after the change; open = 0 means
 * settled.
 */
export class InvoiceBalancesChangedV1 {
  @IsUUID() customerId!: string;
  @IsIn(BALANCE_CAUSES) cause!: (typeof BALANCE_CAUSES)[number];
  @IsISO8601({ strict: true }) on!: string;
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => InvoiceBalanceV1)
  balances!: InvoiceBalanceV1[];
}

export const receivablesSchemas = {
  InvoiceBalancesChanged: { 1: InvoiceBalancesChangedV1 },
};
