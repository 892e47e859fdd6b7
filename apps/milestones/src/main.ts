import 'reflect-metadata';
import { MilestonesModule } from '@billing/milestones/feature';
import { runApp } from '@billing/shared/platform';

runApp('Milestones service', 3002, [MilestonesModule], 'milestones');
