export * from './logger';
export * from './http';
