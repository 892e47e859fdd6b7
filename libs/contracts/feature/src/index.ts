export * from './contracts.module';
export { CONTRACT_SUMMARY, type ContractSummary } from './read-models/contract-summary.projection';
