import { expectEveryOperationRefusesMalformedRequests } from './partition';

expectEveryOperationRefusesMalformedRequests('queries');
