import { contractsProjections } from '@billing/contracts/feature';
import { invoicingProjections } from '@billing/invoicing/feature';
import { milestonesProjections } from '@billing/milestones/feature';
import { receivablesProjections } from '@billing/receivables/feature';

/** Every read model of the embedded app, as its modules run them. */
export const ALL_PROJECTIONS = [...contractsProjections, ...milestonesProjections, ...invoicingProjections, ...receivablesProjections];
