import 'reflect-metadata';
import { runApp } from '@billing/shared/platform';
import { STANDALONE } from './app.module';

runApp('Contract billing (embedded)', 3000, STANDALONE);
