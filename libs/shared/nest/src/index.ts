export * from './tokens';
export * from './infrastructure.module';
export * from './command-context';
export * from './idempotency.interceptor';
export * from './problem-details.filter';
export * from './http';
export * from './context-runtime';
export * from './config';
