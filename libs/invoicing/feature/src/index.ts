export * from './invoicing.module';
export { finishReservedIssue } from './commands/numbering.recovery';
