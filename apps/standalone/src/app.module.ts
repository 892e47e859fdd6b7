import { ContractsModule } from '@billing/contracts/feature';
import { InvoicingModule } from '@billing/invoicing/feature';
import { MilestonesModule } from '@billing/milestones/feature';
import { ReceivablesModule } from '@billing/receivables/feature';
import { AuditModule } from '@billing/shared/nest';

/**
 * The embedded all-in-one: the four services' modules in one process, sharing one event store and
 * bus, and the auditors' read-only API over that store.
 */
export const STANDALONE = [
  ContractsModule,
  MilestonesModule,
  InvoicingModule,
  ReceivablesModule,
  AuditModule,
];
