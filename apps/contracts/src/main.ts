import 'reflect-metadata';
import { ContractsModule } from '@billing/contracts/feature';
import { runApp } from '@billing/shared/platform';

runApp('Contracts service', 3001, [ContractsModule], 'contracts');
