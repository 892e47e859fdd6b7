import { contractsProjections } from '@billing/contracts/feature';
import { invoicingProjections } from '@billing/invoicing/feature';
import { milestonesProjections } from '@billing/milestones/feature';
import { receivablesProjections } from '@billing/receivables/feature';
import type { Projection } from '@billing/shared/read-models';

/**
 * The read models each service runs, in its own database in the distributed mode (named after it).
 */
export const SERVICE_PROJECTIONS: Record<string, readonly Projection[]> = {
  contracts: contractsProjections,
  milestones: milestonesProjections,
  invoicing: invoicingProjections,
  receivables: receivablesProjections,
};

/** Every read model of the embedded app, as its modules run them. */
export const ALL_PROJECTIONS = Object.values(SERVICE_PROJECTIONS).flat();
