import type { Identity, TokenVerifier } from '@billing/shared/auth';
import type { Request } from 'express';
import { DEFAULT_THROTTLE, type HttpConfig } from './security-config';

/**
 * How callers are identified: bearer tokens, or (AUTH=off, development only) the X-Tenant-Id and
 * X-Actor headers, trusted as sent.
 */
export type Authentication = { mode: 'bearer'; verifier: TokenVerifier } | { mode: 'off' };

/**
 * What configureHttp enforces: who may call (AuthGuard) and the browser-facing rules
 * (http-hygiene.ts, ThrottleGuard).
 */
export interface Security {
  auth: Authentication;
  http: HttpConfig;
}

/** No CORS origin, no Host check, the default limits. */
export const DEFAULT_HTTP: HttpConfig = {
  corsOrigins: [],
  production: false,
  publicHosts: [],
  throttle: DEFAULT_THROTTLE,
  trustedProxies: [],
};

/** A request once AuthGuard has run: the verified identity (absent on the open routes). */
export type IdentifiedRequest = Request & { identity?: Identity };
