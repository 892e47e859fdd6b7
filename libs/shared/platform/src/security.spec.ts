import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@billing/shared/logging';
import { loadConfig } from '@billing/shared/nest';
import { openSecurity } from './security';

describe('who may call, as the app opens it at boot', () => {
  let dir: string;
  const lines: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'billing-boot-'));
    lines.length = 0;
    for (const level of ['info', 'warn'] as const)
      jest
        .spyOn(logger, level)
        .mockImplementation(
          ((message: string) => void lines.push(`${level}: ${message}`)) as never,
        );
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a signing key and an admin token on first start (files only its user reads), says how to get a token, and binds to 127.0.0.1', async () => {
    const config = loadConfig({ DATA_DIR: dir }, { port: 3000 });
    expect(config.host).toBe('127.0.0.1');
    const security = await openSecurity(config, 'test');
    if (security.auth.mode !== 'bearer') throw new Error('authentication is off by default');
    const admin = readFileSync(join(dir, 'auth', 'admin.token'), 'utf8').trim();
    expect(statSync(join(dir, 'auth', 'admin.token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'auth', 'private.jwk.json')).mode & 0o777).toBe(0o600);
    expect(await security.auth.verifier.verify(admin)).toMatchObject({
      tenantId: 'default',
      subject: 'admin',
      roles: ['admin'],
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^info: test: first start: made a signing key in .*\/auth\/ and an admin token \(tenant default, valid 365 days\) in .*admin.token, readable only by you$/,
      ),
      expect.stringMatching(
        /^info: test: bearer tokens signed by the key in .*; get one with: npm run -s token -- --role billing --tenant acme/,
      ),
    ]);
    expect(lines.join('\n')).not.toContain(admin);
    // The next start reads the same key: the admin token still verifies, and no new one is made.
    lines.length = 0;
    const again = await openSecurity(config, 'test');
    if (again.auth.mode !== 'bearer') throw new Error('authentication is off');
    expect(await again.auth.verifier.verify(admin)).toMatchObject({ subject: 'admin' });
    expect(lines.filter((line) => line.includes('first start'))).toEqual([]);
  });

  it('turns authentication off only when told to, and says so loudly', async () => {
    const security = await openSecurity(
      loadConfig({ DATA_DIR: dir, AUTH: 'off' }, { port: 3000 }),
      'test',
    );
    expect(security.auth).toEqual({ mode: 'off' });
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn: test: AUTHENTICATION IS OFF \(AUTH=off\)\. Anyone who reaches http:\/\/127\.0\.0\.1:3000 may do anything/,
      ),
    ]);
  });

  it('stops the boot naming a JWKS file it cannot read', async () => {
    const config = loadConfig(
      {
        DATA_DIR: dir,
        AUTH_JWKS_FILE: join(dir, 'missing.json'),
        AUTH_ISSUER: 'i',
        AUTH_AUDIENCE: 'a',
      },
      { port: 3000 },
    );
    await expect(openSecurity(config, 'test')).rejects.toThrow(
      /AUTH_JWKS_FILE .*missing.json cannot be read as JSON/,
    );
  });
});
