import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  newSigningKey,
  publicSetOf,
  readPrivateKey,
  signToken,
  TokenVerifier,
  type JWK,
  type TokenClaims,
  type TokenOptions,
} from '@billing/shared/auth';

/** The tests' issuer: a key made once per test process, kept in memory. */
export const TEST_KEY: JWK = newSigningKey();
export const TEST_AUTH = {
  issuer: LOCAL_ISSUER,
  audience: LOCAL_AUDIENCE,
  algorithms: ['ES256'],
  clockSkewSeconds: 30,
  claims: { tenant: 'tenant', roles: 'roles' },
};

/** Verifies tokens of TEST_KEY (or of `key`) as an app configured with TEST_AUTH does. */
export const testVerifier = (key: JWK = TEST_KEY) => new TokenVerifier(TEST_AUTH, publicSetOf(key));

/** Who the test clients are unless told otherwise: an admin of tenant `default` named `tester`. */
export const TESTER: TokenClaims = { subject: 'tester', tenantId: 'default', roles: ['admin'] };

/** A token of TESTER with `claims` changed, valid for an hour unless `options` say otherwise. */
export function testToken(
  claims: Partial<TokenClaims> = {},
  options: Partial<TokenOptions> & { key?: JWK } = {},
): Promise<string> {
  const { key = TEST_KEY, ...rest } = options;
  return signToken(
    key,
    { ...TESTER, ...claims },
    { issuer: TEST_AUTH.issuer, audience: TEST_AUTH.audience, expiresIn: '1h', ...rest },
  );
}

/**
 * A token of the embedded app's own key in `dir` (DATA_DIR/auth): what the spawned apps, the demo
 * and the tools send.
 */
export function localToken(dir: string, claims: Partial<TokenClaims> = {}): Promise<string> {
  return signToken(
    readPrivateKey(dir),
    { ...TESTER, ...claims },
    { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, expiresIn: '12h' },
  );
}
