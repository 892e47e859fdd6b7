import 'reflect-metadata';
import { InvoicingModule } from '@billing/invoicing/feature';
import { runApp } from '@billing/shared/platform';

runApp('Invoicing service', 3003, [InvoicingModule], 'invoicing');
