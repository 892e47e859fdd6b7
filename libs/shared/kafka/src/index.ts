export * from './kafka.bus';
/**
 * The record a message travels as: the relay's, for a producer that must send the same bytes (the
 * benchmark's baseline).
 */
export { toRecord } from './codec';
