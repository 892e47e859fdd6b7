export * from './receivables.module';
