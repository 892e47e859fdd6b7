export * from './bus.port';
export * from './consume';
export * from './in-process.bus';
export * from './relay';
export * from './schema';
