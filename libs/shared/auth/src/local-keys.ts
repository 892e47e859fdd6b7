import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';

/**
 * The embedded app's own issuer and audience (README "Roles and tokens"); AUTH_ISSUER and
 * AUTH_AUDIENCE may name others.
 */
export const LOCAL_ISSUER = 'urn:billing:local';
export const LOCAL_AUDIENCE = 'urn:billing:api';

export const PRIVATE_KEY_FILE = 'private.jwk.json';
export const JWKS_FILE = 'jwks.json';
export const ADMIN_TOKEN_FILE = 'admin.token';

export interface LocalKeys {
  dir: string;
  privateJwk: JWK;
  jwks: JSONWebKeySet;
  /** True when this call made the key (the first start). */
  created: boolean;
}

export class LocalKeyError extends Error {}

/**
 * The signing key pair in `dir` (`private.jwk.json`, mode 0600, and the public `jwks.json`), made
 * on first use: an ES256 (P-256) key whose `kid` is its RFC 7638 thumbprint. Several processes may
 * start at once on one folder: the key is written to a file of its own and linked into place, so
 * the first one wins and the others read it, never a half-written file.
 */
export function ensureLocalKeys(dir: string): LocalKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, PRIVATE_KEY_FILE);
  let created = false;
  if (!existsSync(file))
    created = placeOnce(file, `${JSON.stringify(newSigningKey(), null, 2)}\n`, 0o600);
  const privateJwk = readPrivateKey(dir);
  const jwks = publicSetOf(privateJwk);
  if (!existsSync(join(dir, JWKS_FILE)))
    placeOnce(join(dir, JWKS_FILE), `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  return { dir, privateJwk, jwks, created };
}

/**
 * The private signing key of `dir`, refused when others may read it (as ssh refuses such a key).
 */
export function readPrivateKey(dir: string): JWK {
  const file = join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(file))
    throw new LocalKeyError(
      `no signing key in ${dir}/ (${PRIVATE_KEY_FILE}): start the app once (npm start) to create it, or set DATA_DIR`,
    );
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new LocalKeyError(
      `${file} may be read by others (mode ${mode.toString(8)}): run chmod 600 ${file}`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}

/** A JWKS file (`{ "keys": [...] }`) with at least one key. */
export function readJwksFile(path: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LocalKeyError(
      `AUTH_JWKS_FILE ${path} cannot be read as JSON: ${(error as Error).message}`,
    );
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new LocalKeyError(
      `AUTH_JWKS_FILE ${path} is no JWKS: it needs { "keys": [ ...at least one key ] }`,
    );
  return parsed as JSONWebKeySet;
}

export function publicSetOf(privateJwk: JWK): JSONWebKeySet {
  const { kty, crv, x, y, kid, alg } = privateJwk;
  return { keys: [{ kty, crv, x, y, kid, alg, use: 'sig' }] };
}

/**
 * A new ES256 signing key (private JWK with `kid` and `alg`): the embedded app's, or a test's kept
 * in memory.
 */
export function newSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    ...jwk,
    kid: thumbprint(createPublicKey(privateKey).export({ format: 'jwk' })),
    alg: 'ES256',
    use: 'sig',
  } as JWK;
}

/** RFC 7638: SHA-256 over the required members in lexicographic order. */
function thumbprint({ crv, kty, x, y }: JsonWebKey): string {
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** Writes `content` at `file` unless it exists; true when this call wrote it. */
function placeOnce(file: string, content: string, mode: number): boolean {
  const pending = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(pending, content, { mode, flag: 'wx' });
  try {
    linkSync(pending, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(pending);
  }
}
