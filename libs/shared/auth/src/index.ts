export * from './identity';
export * from './access';
export * from './verifier';
export * from './local-keys';
export * from './sign';
export type { JSONWebKeySet, JWK } from 'jose';
