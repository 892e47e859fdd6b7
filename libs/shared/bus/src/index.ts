export * from './bus.port';
export * from './consume';
export * from './lease';
export * from './store.bus';
export * from './relay';
export * from './schema';
