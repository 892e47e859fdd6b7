import { ContractsModule } from '@billing/contracts/feature';
import { AuditModule } from '@billing/shared/nest';

/**
 * What the contracts service runs: its context's module, and the auditors' read-only API over the
 * shared event store (routed here by the gateway).
 */
export const MODULES = [ContractsModule, AuditModule];
