import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { importJWK, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import { TokenVerifier, type AuthenticationError } from './verifier';
import { newSigningKey, publicSetOf } from './local-keys';
import { signToken } from './sign';

const CONFIG = {
  issuer: 'https://issuer.example',
  audience: 'billing-api',
  algorithms: ['ES256'],
  clockSkewSeconds: 30,
  claims: { tenant: 'tenant', roles: 'roles' },
};
const key = newSigningKey();
const ann = {
  subject: 'ann',
  tenantId: 'acme',
  roles: ['billing' as const],
  name: 'Ann Lee',
  email: 'ann@acme.example',
};
const sign = (
  options: Partial<Parameters<typeof signToken>[2]> = {},
  signer: JWK = key,
  claims = ann,
) =>
  signToken(signer, claims, {
    issuer: CONFIG.issuer,
    audience: CONFIG.audience,
    expiresIn: '10m',
    ...options,
  });
const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: AuthenticationError) => `${error.status} ${error.message}`,
  );

/** A token of `key` with exactly these claims besides issuer, audience and times. */
const bare = async (payload: Record<string, unknown>) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(CONFIG.issuer)
    .setAudience(CONFIG.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(key, 'ES256'));

describe('TokenVerifier (jose)', () => {
  const verifier = new TokenVerifier(CONFIG, publicSetOf(key));

  it('gives the identity of a good token: tenant and roles from their claims, the subject, name and e-mail', async () => {
    expect(await verifier.verify(await sign())).toEqual({
      tenantId: 'acme',
      subject: 'ann',
      name: 'Ann Lee',
      email: 'ann@acme.example',
      roles: ['billing'],
    });
  });

  it('refuses an expired token, beyond the clock skew only', async () => {
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    expect(await reason(verifier.verify(await sign({ now: ago(610), expiresIn: 600 })))).toBe(
      'accepted',
    );
    expect(await reason(verifier.verify(await sign({ now: ago(700), expiresIn: 600 })))).toBe(
      '401 the token has expired',
    );
  });

  it('refuses a token issued in the future, beyond the clock skew only', async () => {
    const ahead = (seconds: number) => new Date(Date.now() + seconds * 1000);
    expect(await reason(verifier.verify(await sign({ now: ahead(20) })))).toBe('accepted');
    expect(await reason(verifier.verify(await sign({ now: ahead(3600) })))).toBe(
      '401 the token is issued in the future ("iat" claim)',
    );
  });

  it('refuses a subject, name or e-mail holding a control or direction character (it would be the actor on every event)', async () => {
    for (const claims of [
      { ...ann, subject: 'ev\u202eil' },
      { ...ann, name: 'Ann\u0007 Lee' },
      { ...ann, email: 'ann\u2066@acme.example' },
    ])
      expect(await reason(verifier.verify(await sign({}, key, claims)))).toMatch(
        /^401 the token's (subject|name|e-mail) holds U\+(202E|0007|2066), a control or direction character$/,
      );
  });

  it('checks the signature of a token once a minute at most, and its expiry at every use', async () => {
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    try {
      const cached = new TokenVerifier({ ...CONFIG, clockSkewSeconds: 0 }, publicSetOf(key));
      const keyLookups = jest.spyOn(cached as unknown as { keys: JWTVerifyGetKey }, 'keys');
      const token = await sign({ expiresIn: 90 });
      for (let i = 0; i < 5; i++) expect(await reason(cached.verify(token))).toBe('accepted');
      expect(keyLookups).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(61_000);
      expect(await reason(cached.verify(token))).toBe('accepted');
      expect(keyLookups).toHaveBeenCalledTimes(2);
      jest.advanceTimersByTime(30_000);
      expect(await reason(cached.verify(token))).toBe('401 the token has expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses another issuer, another audience, another key, a tampered payload and garbage', async () => {
    expect(await reason(verifier.verify(await sign({ issuer: 'https://other.example' })))).toBe(
      '401 the token is from another issuer',
    );
    expect(await reason(verifier.verify(await sign({ audience: 'other-api' })))).toBe(
      '401 the token is for another audience',
    );
    expect(
      await reason(verifier.verify(await sign({}, { ...newSigningKey(), kid: key.kid }))),
    ).toBe('401 the token is not signed by a key of the issuer');
    const [header, , signature] = (await sign()).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        sub: 'ann',
        tenant: 'acme',
        roles: ['admin'],
        iss: CONFIG.issuer,
        aud: CONFIG.audience,
        exp: 9e9,
      }),
    ).toString('base64url');
    expect(await reason(verifier.verify(`${header}.${forged}.${signature}`))).toBe(
      '401 the token is not signed by a key of the issuer',
    );
    expect(await reason(verifier.verify('not-a-jwt'))).toBe('401 the token is malformed');
  });

  it('takes one spelling of a token: another base64url spelling of its signature is malformed', async () => {
    const token = await sign();
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The signature's last character carries 4 unused bits: the next character decodes the same.
    const respelled = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(Buffer.from(respelled.split('.')[2], 'base64url')).toEqual(
      Buffer.from(token.split('.')[2], 'base64url'),
    );
    expect(await reason(verifier.verify(token))).toBe('accepted');
    expect(await reason(verifier.verify(respelled))).toBe('401 the token is malformed');
  });

  it('takes as the actor only a subject someone can read: text, not blank, at most 200 long, never a system actor', async () => {
    const withSubject = (sub: unknown) => bare({ sub, tenant: 'acme' });
    for (const sub of [
      123,
      { a: 1 },
      '',
      '   ',
      '\u200b',
      'x'.repeat(201),
      'system:invoice-drafting',
    ])
      expect([sub, await reason(verifier.verify(await withSubject(sub)))]).toEqual([
        sub,
        expect.stringMatching(/^401 the token('s subject| has no "sub" claim)/),
      ]);
    expect((await verifier.verify(await withSubject('x'.repeat(200)))).subject).toHaveLength(200);
  });

  it('accepts only the allowed algorithms: an RS256 token of a trusted key is refused under ES256 only; none is never read', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'rsa-1', alg: 'RS256' };
    const set = {
      keys: [
        ...publicSetOf(key).keys,
        { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'rsa-1', alg: 'RS256' },
      ],
    };
    const token = await sign({}, rsa);
    expect(await reason(new TokenVerifier(CONFIG, set).verify(token))).toBe(
      "401 the token's signing algorithm is not allowed",
    );
    expect(
      await reason(
        new TokenVerifier({ ...CONFIG, algorithms: ['ES256', 'RS256'] }, set).verify(token),
      ),
    ).toBe('accepted');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    expect(await reason(verifier.verify(unsigned))).toMatch(/^401 /);
  });

  it('needs a subject, an expiry and a tenant; reads roles from a space-separated string or a nested claim, ignoring unknown ones', async () => {
    expect(await reason(verifier.verify(await bare({ tenant: 'acme' })))).toBe(
      '401 the token has no "sub" claim',
    );
    expect(
      await reason(verifier.verify(await bare({ sub: 'x', tenant: 'no spaces allowed' }))),
    ).toBe('401 the token names no valid tenant (claim "tenant")');
    expect(
      (
        await verifier.verify(
          await bare({ sub: 'x', tenant: 'acme', roles: 'finance owner auditor' }),
        )
      ).roles,
    ).toEqual(['finance', 'auditor']);
    const keycloak = new TokenVerifier(
      { ...CONFIG, claims: { tenant: 'org', roles: 'realm_access.roles' } },
      publicSetOf(key),
    );
    expect(
      (
        await keycloak.verify(
          await bare({ sub: 'x', org: 'acme', realm_access: { roles: ['admin'] } }),
        )
      ).roles,
    ).toEqual(['admin']);
  });

  describe('with the issuer’s JWKS URL', () => {
    let server: Server;
    let url: string;
    let answer = (response: ServerResponse) => response.end(JSON.stringify(publicSetOf(key)));
    beforeAll(async () => {
      server = createServer((_request, response) => answer(response)).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });

    it('fetches the keys and verifies with them; says 503 (not 401) when the keys cannot be had', async () => {
      expect(await reason(new TokenVerifier(CONFIG, new URL(url)).verify(await sign()))).toBe(
        'accepted',
      );
      answer = (response) => response.writeHead(500).end();
      expect(await reason(new TokenVerifier(CONFIG, new URL(url)).verify(await sign()))).toMatch(
        /^503 the issuer's keys cannot be read now/,
      );
      expect(
        await reason(
          new TokenVerifier(CONFIG, new URL('http://127.0.0.1:9/jwks.json')).verify(await sign()),
        ),
      ).toMatch(/^503 /);
    });

    it('stops taking a key withdrawn from the JWKS within a minute', async () => {
      const other = newSigningKey();
      answer = (response) =>
        response.end(
          JSON.stringify({ keys: [...publicSetOf(key).keys, ...publicSetOf(other).keys] }),
        );
      const remote = new TokenVerifier(CONFIG, new URL(url));
      expect(await reason(remote.verify(await sign()))).toBe('accepted');
      answer = (response) => response.end(JSON.stringify(publicSetOf(other)));
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => now + 60_000);
      try {
        // A token of the withdrawn key the verifier has not seen yet (another subject).
        expect(await reason(remote.verify(await sign({}, key, { ...ann, subject: 'bob' })))).toBe(
          '401 the token is not signed by a key of the issuer',
        );
        expect(await reason(remote.verify(await sign({}, other)))).toBe('accepted');
      } finally {
        clock.mockRestore();
      }
    });

    it('keeps verifying with the keys the issuer gave last while it cannot be reached; a token of another key waits (503)', async () => {
      answer = (response) => response.end(JSON.stringify(publicSetOf(key)));
      const remote = new TokenVerifier(CONFIG, new URL(url));
      expect(await reason(remote.verify(await sign()))).toBe('accepted');
      answer = (response) => response.writeHead(502).end();
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => now + 60_000);
      try {
        expect(await reason(remote.verify(await sign({}, key, { ...ann, subject: 'bob' })))).toBe(
          'accepted',
        );
        expect(await reason(remote.verify(await sign({}, newSigningKey())))).toBe(
          "503 the issuer's keys cannot be read now",
        );
        // Not for ever: ten minutes after it last answered, they serve no more.
        clock.mockImplementation(() => now + 11 * 60_000);
        expect(await reason(remote.verify(await sign({}, key, { ...ann, subject: 'cy' })))).toBe(
          "503 the issuer's keys cannot be read now",
        );
      } finally {
        clock.mockRestore();
        answer = (response) => response.end(JSON.stringify(publicSetOf(key)));
      }
    });

    it('says 503 without what failed inside when the keys cannot be had', async () => {
      const refused = await reason(
        new TokenVerifier(CONFIG, new URL('http://127.0.0.1:9/jwks.json')).verify(await sign()),
      );
      expect(refused).toBe("503 the issuer's keys cannot be read now");
    });
  });
});
