import { MilestonesModule } from '@billing/milestones/feature';

/** What the milestones service runs: its context's module. */
export const MODULES = [MilestonesModule];
