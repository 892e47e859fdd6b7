import { expectEveryOperationRefusesMalformedRequests } from './partition';

expectEveryOperationRefusesMalformedRequests('contract and milestone commands');
