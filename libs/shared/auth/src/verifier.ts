import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { isRole, TENANT_PATTERN, type Identity } from './identity';
import { unprintableIn } from '@billing/shared/kernel';

/**
 * Where the issuer's public keys are: the embedded app's own key in a folder, a JWKS file, or the
 * issuer's JWKS URL.
 */
export type JwksSource =
  { kind: 'local'; dir: string } | { kind: 'file'; path: string } | { kind: 'url'; url: string };

export interface BearerAuthConfig {
  mode: 'on';
  keys: JwksSource;
  issuer: string;
  audience: string;
  /** The `alg`s accepted (never `none`, never a shared secret: the keys are public). */
  algorithms: string[];
  clockSkewSeconds: number;
  /** Claim names (a dotted path reaches into an object, as Keycloak's `realm_access.roles`). */
  claims: { tenant: string; roles: string };
}
export type AuthConfig = { mode: 'off' } | BearerAuthConfig;

/** Asymmetric JWS algorithms jose verifies against a JWKS. */
export const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/**
 * Why a token was not accepted: `status` 401 for the token, 503 when the issuer's keys cannot be
 * had now.
 */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 503 = 401,
    /** For the log only: what failed inside (a JWKS fetch's error), never told to the caller. */
    readonly internal?: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * Tokens verified lately, kept at most this long and this many. With the remote key set kept as
 * long (JWKS_CACHE_MS), a key withdrawn from the JWKS stops working within a minute.
 */
const CACHE_MS = 30_000;
const JWKS_CACHE_MS = 30_000;
/** How long the keys an unreachable issuer gave last go on verifying, and how often it is asked. */
const STALE_MS = 10 * 60_000;
const RETRY_MS = 30_000;
/** The longest subject taken: it is the actor recorded on every event. */
const MAX_SUBJECT = 200;
/** Actors of the system's own reactions (`system:<reaction>`): no token may pass for one. */
const SYSTEM_ACTOR = /^system:/i;
const CACHE_SIZE = 1_000;

/**
 * Verifies bearer JWTs (RFC 7519) with jose: signature by a key of the JWKS, issuer, audience,
 * expiry within the clock skew, an allowed `alg`. A client sends the same token with every request:
 * a token verified in the last CACHE_MS gives its identity again without checking the signature
 * (the same string carries the same signature), while its expiry is checked at every use.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  /** By token: the identity, and until when it may be given without verifying again (ms). */
  private readonly verified = new Map<string, { identity: Identity; until: number }>();

  constructor(
    private readonly config: Omit<BearerAuthConfig, 'mode' | 'keys'>,
    keys: JSONWebKeySet | URL,
  ) {
    this.keys = keys instanceof URL ? remoteKeys(keys) : createLocalJWKSet(keys);
  }

  async verify(token: string): Promise<Identity> {
    // One spelling per token: base64url leaves bits unused in a segment's last character, and a
    // token spelled another way would count apart (its own cache entry). An ECDSA signature's
    // second valid value (n − s) is a cache entry of its own too; the rate limit counts the signed
    // part (throttle.guard.ts).
    if (
      !token
        .split('.')
        .every((part) => Buffer.from(part, 'base64url').toString('base64url') === part)
    )
      throw new AuthenticationError('the token is malformed');
    const now = Date.now();
    const cached = this.verified.get(token);
    if (cached && now < cached.until) return cached.identity;
    this.verified.delete(token);
    const identity = await this.verifyAfresh(token);
    // Not beyond the token's own expiry (and skew): an expired token goes through jose, which says
    // so.
    const expiresAt = (decodeJwt(token).exp! + this.config.clockSkewSeconds) * 1000;
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { identity, until: Math.min(now + CACHE_MS, expiresAt) });
    return identity;
  }

  private async verifyAfresh(token: string): Promise<Identity> {
    const { issuer, audience, algorithms, clockSkewSeconds, claims } = this.config;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer,
        audience,
        algorithms,
        clockTolerance: clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw refusal(error);
    }
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + clockSkewSeconds)
      throw new AuthenticationError('the token is issued in the future ("iat" claim)');
    const tenantId = claimOf(payload, claims.tenant);
    if (typeof tenantId !== 'string' || !TENANT_PATTERN.test(tenantId))
      throw new AuthenticationError(`the token names no valid tenant (claim "${claims.tenant}")`);
    const listed = claimOf(payload, claims.roles);
    const roles = (
      Array.isArray(listed) ? listed : typeof listed === 'string' ? listed.split(' ') : []
    ).filter(isRole);
    // What becomes the actor of every event: text a document or the audit history shows as is.
    const printable = (value: unknown, what: string) => {
      const unprintable = typeof value === 'string' ? unprintableIn(value) : undefined;
      if (unprintable)
        throw new AuthenticationError(
          `the token's ${what} holds ${unprintable}, a control or direction character`,
        );
      return typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined;
    };
    return {
      tenantId,
      subject: subjectOf(payload.sub, printable),
      name: printable(payload.name, 'name'),
      email: printable(payload.email, 'e-mail'),
      roles: [...new Set(roles)],
    };
  }
}

/**
 * The issuer's JWKS: fetched on first use, again (at most every 30 s) when a token names an unknown
 * key (rotation needs no restart), and once it is JWKS_CACHE_MS old (a withdrawn key stops). While
 * the issuer cannot be reached, the keys it gave last verify what they signed for STALE_MS at most
 * (an outage of the issuer is not one of the API; one that lasts is), asking it again every
 * RETRY_MS, not on every request; a token of another key waits for it (503).
 */
function remoteKeys(url: URL): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    cacheMaxAge: JWKS_CACHE_MS,
  });
  let answered = Date.now();
  let failed = 0;
  return async (header, token) => {
    const known = remote.jwks();
    const usable = known !== undefined && Date.now() - answered <= STALE_MS;
    // The keys it gave last, or the error that says why they cannot serve.
    const lastKnown = (error: unknown) =>
      createLocalJWKSet(known!)(header, token).catch(() => {
        throw error;
      });
    if (usable && Date.now() - failed < RETRY_MS)
      return lastKnown(new AuthenticationError("the issuer's keys cannot be read now", 503));
    try {
      const key = await remote(header, token);
      answered = Date.now();
      return key;
    } catch (error) {
      if (!keysUnavailable(error)) throw error;
      failed = Date.now();
      if (!usable) throw error;
      return lastKnown(error);
    }
  };
}

/** A key set that cannot be fetched or read now (an answer other than 200 is a generic JOSEError). */
function keysUnavailable(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.code === 'ERR_JOSE_GENERIC'
  );
}

/**
 * The subject as the actor of every event: text someone can read, at most MAX_SUBJECT long (cut, two
 * subjects could become one), never one of the system's own actors.
 */
function subjectOf(sub: unknown, printable: (value: unknown, what: string) => unknown): string {
  printable(sub, 'subject');
  if (typeof sub !== 'string' || !/[^\p{White_Space}\p{Cf}]/u.test(sub))
    throw new AuthenticationError(
      'the token\'s subject ("sub" claim) is not a text to name its holder by',
    );
  if (sub.length > MAX_SUBJECT)
    throw new AuthenticationError(`the token's subject is longer than ${MAX_SUBJECT} characters`);
  if (SYSTEM_ACTOR.test(sub.trim()))
    throw new AuthenticationError('the token\'s subject names a system actor ("system:...")');
  return sub;
}

function claimOf(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  return name
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      payload,
    );
}

/** The reason told to the caller and logged: what is wrong with the token, never the token. */
function refusal(error: unknown): AuthenticationError {
  if (error instanceof errors.JWTExpired) return new AuthenticationError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new AuthenticationError(claimProblem(error.claim, error.reason));
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AuthenticationError("the token's signing algorithm is not allowed");
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  )
    return new AuthenticationError('the token is not signed by a key of the issuer');
  // A set that cannot be fetched or read is our problem, not the caller's.
  if (keysUnavailable(error))
    return new AuthenticationError(
      "the issuer's keys cannot be read now",
      503,
      error instanceof Error ? error.message : String(error),
    );
  return new AuthenticationError('the token is malformed');
}

function claimProblem(claim: string, reason: string): string {
  if (reason === 'missing') return `the token has no "${claim}" claim`;
  if (claim === 'iss') return 'the token is from another issuer';
  if (claim === 'aud') return 'the token is for another audience';
  if (claim === 'nbf') return 'the token is not valid yet';
  return `the token's "${claim}" claim is not accepted`;
}
