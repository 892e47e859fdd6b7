export * from './receivables.module';
export { resolveAccountStream } from './commands/account.command';
