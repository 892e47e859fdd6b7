import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMIN_TOKEN_FILE,
  ensureLocalKeys,
  LocalKeyError,
  readJwksFile,
  signToken,
  TokenVerifier,
  type BearerAuthConfig,
  type JSONWebKeySet,
} from '@billing/shared/auth';
import { logger } from '@billing/shared/logging';
import { ConfigError, type AppConfig, type Security } from '@billing/shared/nest';

/** How long the admin token made on first start stays valid. */
const ADMIN_TOKEN_DAYS = 365;

/**
 * Who may call, from the config: the issuer's keys (the app's own in DATA_DIR/auth, made with an
 * admin token on first start; a JWKS file; or the issuer's JWKS URL), or, by explicit choice, no
 * authentication at all, said loudly.
 */
export async function openSecurity(config: AppConfig, title: string): Promise<Security> {
  const { auth, http } = config;
  if (auth.mode === 'off') {
    logger.warn(
      `${title}: AUTHENTICATION IS OFF (AUTH=off). Anyone who reaches http://${config.host}:${config.port} may do anything, as any tenant and any actor named in X-Tenant-Id and X-Actor. For development only: unset AUTH to require bearer tokens.`,
    );
    return { auth: { mode: 'off' }, http };
  }
  try {
    return {
      auth: { mode: 'bearer', verifier: new TokenVerifier(auth, await keysOf(auth, title)) },
      http,
    };
  } catch (error) {
    throw error instanceof LocalKeyError ? new ConfigError(error.message) : error;
  }
}

async function keysOf(auth: BearerAuthConfig, title: string): Promise<JSONWebKeySet | URL> {
  const { keys } = auth;
  if (keys.kind === 'url') {
    logger.info(
      `${title}: bearer tokens from ${auth.issuer} for ${auth.audience}, keys at ${keys.url}`,
    );
    return new URL(keys.url);
  }
  if (keys.kind === 'file') {
    logger.info(
      `${title}: bearer tokens from ${auth.issuer} for ${auth.audience}, keys in ${keys.path}`,
    );
    return readJwksFile(keys.path);
  }
  const local = ensureLocalKeys(keys.dir);
  if (local.created) await writeAdminToken(auth, local.privateJwk, keys.dir, title);
  logger.info(
    `${title}: bearer tokens signed by the key in ${keys.dir}/; get one with: npm run -s token -- --role billing --tenant acme (roles: billing, finance, auditor, admin)`,
  );
  return local.jwks;
}

/**
 * The first start's admin credential: a token for tenant `default`, in a file only this user may
 * read (never printed: logs are read by others).
 */
async function writeAdminToken(
  auth: BearerAuthConfig,
  privateJwk: Parameters<typeof signToken>[0],
  dir: string,
  title: string,
): Promise<void> {
  const token = await signToken(
    privateJwk,
    { subject: 'admin', tenantId: 'default', roles: ['admin'] },
    {
      issuer: auth.issuer,
      audience: auth.audience,
      expiresIn: `${ADMIN_TOKEN_DAYS}d`,
      claims: auth.claims,
    },
  );
  const file = join(dir, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  logger.info(
    `${title}: first start: made a signing key in ${dir}/ and an admin token (tenant default, valid ${ADMIN_TOKEN_DAYS} days) in ${file}, readable only by you`,
  );
}
