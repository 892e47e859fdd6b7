export * from './pdf';
export * from './table';
export * from './format';
