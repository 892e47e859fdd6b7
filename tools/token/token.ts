import { parseArgs } from 'node:util';
import {
  isRole,
  LocalKeyError,
  readPrivateKey,
  ROLES,
  signToken,
  TENANT_PATTERN,
} from '@billing/shared/auth';
import { ConfigError, loadConfig } from '@billing/shared/nest';

const USAGE = `npm run token -- --role billing --tenant acme [--subject ann] [--name "Ann Lee"] [--email ann@acme.example] [--expires 8h] [--data DIR]

Prints a bearer token signed by the embedded app's key (DATA_DIR/auth, made on its first start):
  --role      ${ROLES.join(', ')} (repeat or comma-separate for several)
  --tenant    the tenant the token acts for (default: default)
  --subject   who acts, recorded on every event (default: <role>@<tenant>)
  --name, --email   recorded beside the subject
  --expires   seconds, or a span such as 30m, 8h, 90d (default 8h)
Use it as: curl -H "Authorization: Bearer $(npm run -s token -- --role billing --tenant acme)" http://127.0.0.1:3000/contracts`;

/**
 * `npm run token`: a token of the embedded app's own issuer, on stdout alone (so that $(...) takes
 * it).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      tenant: { type: 'string', default: 'default' },
      subject: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      // --data as the other tools take it; --data-dir as earlier releases did.
      data: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.error(USAGE);
  const roles = (values.role ?? []).flatMap((role) => role.split(',')).map((role) => role.trim());
  const problems = [
    roles.length === 0 && `--role is required (${ROLES.join(', ')})`,
    ...roles
      .filter((role) => !isRole(role))
      .map((role) => `--role ${role} is not one of ${ROLES.join(', ')}`),
    !TENANT_PATTERN.test(values.tenant) &&
      `--tenant must be letters, digits, dots, dashes or underscores, got "${values.tenant}"`,
  ].filter(Boolean);
  if (problems.length) throw new UsageError(`${problems.join('\n')}\n\n${USAGE}`);
  const dataDir = values.data ?? values['data-dir'];
  const config = loadConfig(
    { ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) },
    { port: 3000 },
  );
  if (config.auth.mode === 'off')
    throw new UsageError('AUTH=off: the app takes X-Tenant-Id and X-Actor, no token');
  if (config.auth.keys.kind !== 'local')
    throw new UsageError(
      'AUTH_JWKS_URL or AUTH_JWKS_FILE names an outside issuer: get tokens from it',
    );
  const expires = /^\d+$/.test(values.expires) ? Number(values.expires) : values.expires;
  const token = await signToken(
    readPrivateKey(config.auth.keys.dir),
    {
      subject: values.subject ?? `${roles[0]}@${values.tenant}`,
      tenantId: values.tenant,
      roles: roles.filter(isRole),
      name: values.name,
      email: values.email,
    },
    {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      expiresIn: expires,
      claims: config.auth.claims,
    },
  );
  process.stdout.write(`${token}\n`);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  const known =
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS') ||
    error instanceof UsageError ||
    error instanceof LocalKeyError ||
    error instanceof ConfigError ||
    (error instanceof Error && /expiry must be/.test(error.message));
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
