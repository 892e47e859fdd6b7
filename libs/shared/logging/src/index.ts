export * from './logger';
export * from './http';
export * from './addresses';
