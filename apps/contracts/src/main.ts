import 'reflect-metadata';
import { runApp } from '@billing/shared/platform';
import { MODULES } from './modules';

runApp('Contracts service', 3001, MODULES, 'contracts');
