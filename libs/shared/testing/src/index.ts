export * from './event-store.conformance';
export * from './given-when-then';
export * from './scenario/client';
export * from './scenario/keyed-client';
export * from './scenario/scenario';
export * from './bus.conformance';
export * from './read-models.conformance';
// Domain specs check their events against the schemas without depending on the event-store lib.
export { EventSchemas } from '@billing/shared/event-store';
export * from './tokens';
export * from './listening-port';
