export * from './kafka.bus';
