export * from './sqlite.event-store';
export * from './sqlite.read-models';
export * from './running-marker';
