export * from './mongo.read-models';
