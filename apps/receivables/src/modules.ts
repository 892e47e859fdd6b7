import { ReceivablesModule } from '@billing/receivables/feature';

/** What the receivables service runs: its context's module. */
export const MODULES = [ReceivablesModule];
