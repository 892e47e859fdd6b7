import 'reflect-metadata';
import { runApp } from '@billing/shared/platform';
import { MODULES } from './modules';

runApp('Invoicing service', 3003, MODULES, 'invoicing');
