import { busConformance } from '@billing/shared/testing';
import { InProcessBus } from './in-process.bus';

busConformance('in-process', async () => new InProcessBus());
