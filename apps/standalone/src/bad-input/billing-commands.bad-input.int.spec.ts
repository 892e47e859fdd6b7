import { expectEveryOperationRefusesMalformedRequests } from './partition';

expectEveryOperationRefusesMalformedRequests('invoicing and receivables commands');
