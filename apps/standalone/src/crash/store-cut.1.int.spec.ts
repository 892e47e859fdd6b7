import { storeCutSuite } from './store-cut.suite';

storeCutSuite(1, 2);
