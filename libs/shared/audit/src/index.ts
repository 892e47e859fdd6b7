export * from './contract-flow';
export * from './entry';
export * from './history';
export * from './audit-index';
