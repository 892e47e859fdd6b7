import 'reflect-metadata';
import { ReceivablesModule } from '@billing/receivables/feature';
import { runApp } from '@billing/shared/platform';

runApp('Receivables service', 3004, [ReceivablesModule], 'receivables');
