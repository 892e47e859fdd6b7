import 'reflect-metadata';
import { runApp } from '@billing/shared/platform';
import { MODULES } from './modules';

runApp('Receivables service', 3004, MODULES, 'receivables');
