import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalKeys, LOCAL_AUDIENCE, LOCAL_ISSUER, TokenVerifier } from '@billing/shared/auth';

const ROOT = join(__dirname, '../..');
const token = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['-r', './tools/register.js', 'tools/token/token.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });

describe('npm run token', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'billing-token-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints only a token the embedded app accepts: the roles, tenant, subject, name and e-mail asked for', async () => {
    const { jwks } = ensureLocalKeys(join(dir, 'auth'));
    const run = token(
      dir,
      '--role',
      'billing,finance',
      '--tenant',
      'acme',
      '--subject',
      'ann',
      '--name',
      'Ann Lee',
      '--email',
      'ann@acme.example',
      '--expires',
      '30m',
    );
    expect([run.status, run.stderr]).toEqual([0, '']);
    const verifier = new TokenVerifier(
      {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['ES256'],
        clockSkewSeconds: 0,
        claims: { tenant: 'tenant', roles: 'roles' },
      },
      jwks,
    );
    expect(await verifier.verify(run.stdout.trim())).toEqual({
      tenantId: 'acme',
      subject: 'ann',
      name: 'Ann Lee',
      email: 'ann@acme.example',
      roles: ['billing', 'finance'],
    });
  }, 30_000);

  it('names what is wrong: an unknown role, no key in the data folder', () => {
    const wrong = token(dir, '--role', 'owner');
    expect([wrong.status, wrong.stdout]).toEqual([1, '']);
    expect(wrong.stderr).toMatch(/--role owner is not one of billing, finance, auditor, admin/);
    // --data names the folder, as the other tools take it.
    expect(token(join(dir, 'nowhere'), '--role', 'billing', '--data', dir).status).toBe(0);
    const keyless = token(join(dir, 'nowhere'), '--role', 'billing');
    expect(keyless.stderr).toMatch(
      /no signing key in .*nowhere\/auth\/ \(private.jwk.json\): start the app once \(npm start\) to create it/,
    );
  }, 30_000);
});
