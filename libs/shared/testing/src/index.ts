export * from './event-store.conformance';
export * from './given-when-then';
