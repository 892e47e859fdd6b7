export * from './money';
export * from './dates';
export * from './errors';
export * from './decider';
export * from './guards';
export * from './event-schema';
export * from './freeze';
export * from './text';
