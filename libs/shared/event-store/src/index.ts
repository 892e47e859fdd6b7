export * from './types';
export * from './append-check';
export * from './catch-up';
export * from './signal';
export * from './in-memory.event-store';
export * from './handle-command';
export * from './uuid';
export * from './event-schemas';
