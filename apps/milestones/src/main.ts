import 'reflect-metadata';
import { runApp } from '@billing/shared/platform';
import { MODULES } from './modules';

runApp('Milestones service', 3002, MODULES, 'milestones');
