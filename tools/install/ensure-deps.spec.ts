import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A checkout holding only the script and a lockfile, its node_modules a link to another's. */
function linkedCheckout(installedFrom: string) {
  const root = mkdtempSync(join(tmpdir(), 'billing-ensure-deps-'));
  const [checkout, other] = [join(root, 'checkout'), join(root, 'other', 'node_modules')];
  mkdirSync(join(checkout, 'tools'), { recursive: true });
  mkdirSync(other, { recursive: true });
  copyFileSync(join(__dirname, '..', 'ensure-deps.sh'), join(checkout, 'tools', 'ensure-deps.sh'));
  writeFileSync(join(checkout, 'package-lock.json'), '{"lockfileVersion":3}\n');
  writeFileSync(join(other, 'kept'), 'a dependency');
  writeFileSync(
    join(other, '.installed-lock-sha256'),
    `${createHash('sha256').update(installedFrom).digest('hex')}\n`,
  );
  symlinkSync(other, join(checkout, 'node_modules'));
  const run = () =>
    promisify(execFile)('bash', [join(checkout, 'tools', 'ensure-deps.sh')]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
  return { other, run };
}

describe('tools/ensure-deps.sh', () => {
  it('installs nothing when node_modules was installed from this very lockfile (a link to another checkout included)', async () => {
    const { other, run } = linkedCheckout('{"lockfileVersion":3}\n');
    expect((await run()).code).toBe(0);
    expect(readdirSync(other)).toContain('kept');
  });

  it('refuses to reinstall through a link to another checkout: npm ci would empty that one', async () => {
    const { other, run } = linkedCheckout('another lockfile');
    const { code, stderr } = await run();
    expect([code, stderr]).toEqual([
      1,
      expect.stringMatching(/installed from another lockfile: not replacing it/),
    ]);
    expect(readdirSync(other)).toContain('kept');
  });
});
