export * from './read-model.port';
export * from './in-memory.read-models';
export * from './projection-runner';
export * from './tenant';
export * from './document-projection';
export * from './consumer';
export * from './rebuild';
