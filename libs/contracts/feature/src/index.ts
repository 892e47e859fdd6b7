export * from './contracts.module';
export { CONTRACT_SUMMARY, type ContractSummary } from './read-models/contract-summary.projection';
export { CLOSE_WAIT_MS } from './commands/contracts.http';
