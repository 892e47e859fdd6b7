import { join } from 'node:path';
import { trustedProxiesOf } from '@billing/shared/kernel';
import {
  ALGORITHMS,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type AuthConfig,
  type JwksSource,
} from '@billing/shared/auth';

/** The browser-facing rules of the HTTP side (issue 8 item 5). */
export interface HttpConfig {
  /**
   * Origins a browser may call from (CORS); none by default, so browsers refuse cross-origin calls.
   */
  corsOrigins: string[];
  /** NODE_ENV=production: the Host header must name one of `publicHosts`. */
  production: boolean;
  publicHosts: string[];
  /**
   * Mutating requests per window, per bearer token and per client IP (429 with Retry-After beyond).
   */
  throttle: { windowSeconds: number; perToken: number; perIp: number };
  /**
   * Proxies whose X-Forwarded-For names the client (Express's `trust proxy`: addresses, CIDR
   * ranges, `loopback`, `linklocal`, `uniquelocal`): the gateway in front of the services. None by
   * default: the peer is the client.
   */
  trustedProxies: string[];
}

/**
 * Generous: a person never meets them; a runaway script (or a brute force) does. The benchmark's
 * 500 requests/s stay below.
 */
export const DEFAULT_THROTTLE = { windowSeconds: 60, perToken: 30_000, perIp: 60_000 };

type Env = NodeJS.ProcessEnv;
const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * AUTH (`on` by default, or `off`), AUTH_JWKS_URL or AUTH_JWKS_FILE (neither: the app's own key in
 * DATA_DIR/auth), AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ALGORITHMS, AUTH_CLOCK_SKEW_SECONDS,
 * AUTH_TENANT_CLAIM, AUTH_ROLES_CLAIM.
 */
export function authOf(env: Env, dataDir: string, problems: string[]): AuthConfig {
  const mode = env.AUTH ?? 'on';
  if (mode === 'off') return { mode };
  if (mode !== 'on')
    problems.push(
      `AUTH must be "on" or "off" (off only for development: anyone may act as any tenant), got "${mode}"`,
    );
  const keys = jwksOf(env, dataDir, problems);
  const external = keys.kind !== 'local';
  const named = (name: 'AUTH_ISSUER' | 'AUTH_AUDIENCE', local: string) => {
    const value = env[name]?.trim();
    if (!value && external)
      problems.push(
        `${name} is required with ${keys.kind === 'url' ? 'AUTH_JWKS_URL' : 'AUTH_JWKS_FILE'} (the "${name === 'AUTH_ISSUER' ? 'iss' : 'aud'}" every token must carry)`,
      );
    return value || local;
  };
  const issuer = named('AUTH_ISSUER', LOCAL_ISSUER);
  const audience = named('AUTH_AUDIENCE', LOCAL_AUDIENCE);
  const algorithms = list(env.AUTH_ALGORITHMS ?? 'ES256,RS256');
  const wrong = algorithms.filter((alg) => !(ALGORITHMS as readonly string[]).includes(alg));
  if (wrong.length || algorithms.length === 0)
    problems.push(
      `AUTH_ALGORITHMS must list asymmetric JWS algorithms (${ALGORITHMS.join(', ')}; never none or HS*, the keys are public), got "${env.AUTH_ALGORITHMS}"`,
    );
  const skew = Number(env.AUTH_CLOCK_SKEW_SECONDS ?? 30);
  if (!Number.isInteger(skew) || skew < 0 || skew > 300)
    problems.push(
      `AUTH_CLOCK_SKEW_SECONDS must be whole seconds from 0 to 300, got "${env.AUTH_CLOCK_SKEW_SECONDS}"`,
    );
  const claim = (name: 'AUTH_TENANT_CLAIM' | 'AUTH_ROLES_CLAIM', fallback: string) => {
    const value = env[name] ?? fallback;
    if (!/^\S+$/.test(value))
      problems.push(`${name} must be a claim name such as ${fallback}, got "${value}"`);
    return value;
  };
  const claims = {
    tenant: claim('AUTH_TENANT_CLAIM', 'tenant'),
    roles: claim('AUTH_ROLES_CLAIM', 'roles'),
  };
  return { mode: 'on', keys, issuer, audience, algorithms, clockSkewSeconds: skew, claims };
}

function jwksOf(env: Env, dataDir: string, problems: string[]): JwksSource {
  const { AUTH_JWKS_URL: url, AUTH_JWKS_FILE: path } = env;
  if (url && path) problems.push('set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both');
  if (path) return { kind: 'file', path };
  if (!url) return { kind: 'local', dir: join(dataDir, 'auth') };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // Keys fetched in the clear could be swapped on the way: https, except from this machine.
  const loopback = parsed && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (!parsed || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)))
    problems.push(
      `AUTH_JWKS_URL must be the issuer's https:// JWKS URL (http:// only on this machine), got "${url}"`,
    );
  return { kind: 'url', url };
}

/**
 * CORS_ORIGINS, NODE_ENV (+ PUBLIC_HOST in production), THROTTLE_WINDOW_SECONDS,
 * THROTTLE_PER_TOKEN, THROTTLE_PER_IP, TRUSTED_PROXIES.
 */
export function httpOf(env: Env, problems: string[]): HttpConfig {
  const corsOrigins = list(env.CORS_ORIGINS);
  const badOrigins = corsOrigins.filter((origin) => !/^https?:\/\/[^/\s*]+$/.test(origin));
  if (badOrigins.length)
    problems.push(
      `CORS_ORIGINS must list origins such as https://billing.example.com (no path, no *), got "${badOrigins.join(',')}"`,
    );
  const production = env.NODE_ENV === 'production';
  const publicHosts = list(env.PUBLIC_HOST).map((host) => host.toLowerCase());
  if (production && publicHosts.length === 0)
    problems.push(
      'PUBLIC_HOST is required with NODE_ENV=production: the host names clients use (e.g. billing.example.com)',
    );
  const badHosts = publicHosts.filter((host) => !/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/.test(host));
  if (badHosts.length)
    problems.push(
      `PUBLIC_HOST must list host names without scheme or port (e.g. billing.example.com), got "${badHosts.join(',')}"`,
    );
  const count = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1)
      problems.push(`${name} must be a whole number above 0, got "${env[name]}"`);
    return value;
  };
  const throttle = {
    windowSeconds: count('THROTTLE_WINDOW_SECONDS', DEFAULT_THROTTLE.windowSeconds),
    perToken: count('THROTTLE_PER_TOKEN', DEFAULT_THROTTLE.perToken),
    perIp: count('THROTTLE_PER_IP', DEFAULT_THROTTLE.perIp),
  };
  const trustedProxies = trustedProxiesOf(env.TRUSTED_PROXIES, problems);
  return { corsOrigins, production, publicHosts, throttle, trustedProxies };
}
