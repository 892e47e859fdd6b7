import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ensureLocalKeys, JWKS_FILE, PRIVATE_KEY_FILE, readPrivateKey } from './local-keys';

describe("the embedded app's signing key", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'billing-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, private to its user (0600), beside its public JWKS, and read again on later starts', () => {
    const first = ensureLocalKeys(join(dir, 'auth'));
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'auth', PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'auth')).mode & 0o077).toBe(0);
    const jwks = JSON.parse(readFileSync(join(dir, 'auth', JWKS_FILE), 'utf8'));
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: first.privateJwk.kid }),
    ]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const again = ensureLocalKeys(join(dir, 'auth'));
    expect([again.created, again.privateJwk]).toEqual([false, first.privateJwk]);
  });

  it('is refused when others may read it', () => {
    ensureLocalKeys(dir);
    chmodSync(join(dir, PRIVATE_KEY_FILE), 0o644);
    expect(() => readPrivateKey(dir)).toThrow(/may be read by others \(mode 644\): run chmod 600/);
  });

  it('is one key when several processes start on one folder at once', async () => {
    const script = `process.stdout.write(require(${JSON.stringify(require.resolve('./local-keys'))}).ensureLocalKeys(process.argv[1]).privateJwk.kid)`;
    const kids = await Promise.all(
      [1, 2, 3, 4].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              ['-r', './tools/register.js', '-e', script, dir],
              { cwd: join(__dirname, '../../../..') },
            );
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.once('exit', (code) =>
              code === 0 ? resolve(out) : reject(new Error(`exit ${code}`)),
            );
          }),
      ),
    );
    expect(new Set(kids).size).toBe(1);
    expect(kids[0]).toBe(readPrivateKey(dir).kid);
  }, 30_000);
});
