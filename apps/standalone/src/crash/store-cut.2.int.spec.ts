import { storeCutSuite } from './store-cut.suite';

storeCutSuite(2, 2);
