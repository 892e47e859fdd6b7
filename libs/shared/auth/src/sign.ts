import { importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from './identity';

export interface TokenClaims {
  subject: string;
  tenantId: string;
  roles: readonly Role[];
  name?: string;
  email?: string;
}

export interface TokenOptions {
  issuer: string;
  audience: string;
  /** Seconds from now, or a jose time span such as `8h`, `30d`. */
  expiresIn: number | string;
  claims?: { tenant: string; roles: string };
  /** Issued-at (default now): tests back-date tokens with it. */
  now?: Date;
}

/**
 * A JWT signed with `privateJwk` (its `alg` and `kid` in the header): what `npm run token` prints
 * and the test clients send.
 */
export async function signToken(
  privateJwk: JWK,
  { subject, tenantId, roles, name, email }: TokenClaims,
  options: TokenOptions,
): Promise<string> {
  const { tenant, roles: rolesClaim } = options.claims ?? { tenant: 'tenant', roles: 'roles' };
  const alg = privateJwk.alg ?? 'ES256';
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expires =
    typeof options.expiresIn === 'number' ? issuedAt + options.expiresIn : options.expiresIn;
  return new SignJWT({
    [tenant]: tenantId,
    [rolesClaim]: [...roles],
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
  })
    .setProtectedHeader({ alg, typ: 'JWT', ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setSubject(subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(typeof expires === 'number' ? expires : relativeTo(issuedAt, expires))
    .sign(await importJWK(privateJwk, alg));
}

/**
 * jose reads a span such as `8h` from the real now; a back-dated token counts it from its own issue
 * time.
 */
function relativeTo(issuedAt: number, span: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(span.trim());
  if (!match)
    throw new Error(`expiry must be seconds or a span such as 30m, 8h or 90d, got "${span}"`);
  return (
    issuedAt +
    Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd']
  );
}
