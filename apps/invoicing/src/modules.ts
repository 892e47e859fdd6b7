import { InvoicingModule } from '@billing/invoicing/feature';

/** What the invoicing service runs: its context's module. */
export const MODULES = [InvoicingModule];
