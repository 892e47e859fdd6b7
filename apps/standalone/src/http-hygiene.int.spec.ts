import request from 'supertest';
import { DEFAULT_HTTP } from '@billing/shared/nest';
import { smallContract, testToken } from '@billing/shared/testing';
import { startTestApp, testSecurity, type TestApp } from './testing/test-app';

/** Issue 8 item 5: what a browser-facing service must do besides checking tokens. */
describe('browser-facing hygiene', () => {
  const withHttp = (http: Partial<typeof DEFAULT_HTTP>) =>
    startTestApp({
      settings: { timeZone: 'UTC', security: testSecurity({ http: { ...DEFAULT_HTTP, ...http } }) },
    });
  const preflight = (test: TestApp, origin: string) =>
    request(test.app.getHttpServer()).options('/contracts').set({
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
  let test: TestApp;
  afterEach(() => test?.close());

  it('denies every cross-origin call when no origin is configured, and sends the security headers', async () => {
    test = await startTestApp();
    expect(
      (await preflight(test, 'https://evil.example')).headers['access-control-allow-origin'],
    ).toBeUndefined();
    const answer = await request(test.app.getHttpServer())
      .get('/contracts')
      .set({ origin: 'https://evil.example', authorization: `Bearer ${test.token}` });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    // helmet
    expect(answer.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(answer.headers['x-powered-by']).toBeUndefined();
    expect(
      (await request(test.app.getHttpServer()).get('/docs/')).headers['x-content-type-options'],
    ).toBe('nosniff');
    // No shared cache keeps a tenant's figures; JSON and CSV of one URL are kept apart; a client
    // revalidates by ETag (304).
    const aging = await request(test.app.getHttpServer())
      .get('/aging?asOf=2026-01-01')
      .set({ authorization: `Bearer ${test.token}`, accept: 'text/csv' });
    expect(aging.headers).toMatchObject({
      'cache-control': 'private, no-cache',
      vary: expect.stringMatching(/\bAccept\b/),
      etag: expect.any(String),
    });
    const again = await request(test.app.getHttpServer())
      .get('/aging?asOf=2026-01-01')
      .set({
        authorization: `Bearer ${test.token}`,
        accept: 'text/csv',
        'if-none-match': aging.headers.etag,
      });
    expect(again.status).toBe(304);
  }, 30_000);

  it('answers 304 to a page only while its total is the same too: the total is in its ETag', async () => {
    test = await startTestApp();
    const server = test.app.getHttpServer();
    const auth = { authorization: `Bearer ${test.token}` };
    await request(server)
      .post('/contracts')
      .set(auth)
      .send(smallContract({ title: 'A first job' }));
    const first = await request(server).get('/contracts?limit=1').set(auth);
    // A contract that sorts after the page: the page's items are the same, its total is not.
    await request(server)
      .post('/contracts')
      .set(auth)
      .send(smallContract({ title: 'Z last job' }));
    const again = await request(server)
      .get('/contracts?limit=1')
      .set({ ...auth, 'if-none-match': first.headers.etag });
    expect([again.status, again.headers['x-total-count'], again.body]).toEqual([
      200,
      '2',
      first.body,
    ]);
    const unchanged = await request(server)
      .get('/contracts?limit=1')
      .set({ ...auth, 'if-none-match': again.headers.etag });
    expect(unchanged.status).toBe(304);
  }, 30_000);

  it('allows a configured origin, and only it', async () => {
    test = await withHttp({ corsOrigins: ['https://billing.example.com'] });
    const allowed = await preflight(test, 'https://billing.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'https://billing.example.com',
      'access-control-allow-headers': expect.stringMatching(/Authorization/),
    });
    expect(
      (await preflight(test, 'https://evil.example')).headers['access-control-allow-origin'],
    ).toBeUndefined();
    const answer = await request(test.app.getHttpServer())
      .get('/contracts')
      .set({ origin: 'https://billing.example.com', authorization: `Bearer ${test.token}` });
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': 'https://billing.example.com',
      'access-control-expose-headers': expect.stringMatching(/X-Total-Count.*Location/),
    });
  }, 30_000);

  it('in production, answers only requests whose Host names the public host (probes excepted)', async () => {
    test = await withHttp({ production: true, publicHosts: ['billing.example.com'] });
    const server = test.app.getHttpServer();
    const rebound = await request(server)
      .get('/contracts')
      .set({ host: 'attacker.example', authorization: `Bearer ${test.token}` });
    expect(rebound).toMatchObject({
      status: 400,
      body: { title: 'Unknown host', detail: expect.stringMatching(/PUBLIC_HOST/) },
    });
    expect(
      (
        await request(server)
          .get('/contracts')
          .set({ host: 'billing.example.com:443', authorization: `Bearer ${test.token}` })
      ).status,
    ).toBe(200);
    expect((await request(server).get('/health/live').set({ host: '10.0.0.7:3000' })).status).toBe(
      200,
    );
  }, 30_000);

  it('limits changes per token and per address (429 with Retry-After, nothing written), never reads', async () => {
    test = await withHttp({ throttle: { windowSeconds: 60, perToken: 3, perIp: 5 } });
    const head = () => test.infrastructure.eventStore.headPosition();
    const [ann, bob] = [await test.as({ subject: 'ann' }), await test.as({ subject: 'bob' })];
    for (let n = 0; n < 3; n++)
      expect((await ann.post('/contracts', smallContract())).status).toBe(201);
    const before = await head();
    const tooMany = await ann.post('/contracts', smallContract());
    expect(tooMany).toMatchObject({
      status: 429,
      body: {
        title: 'Too many requests',
        detail: expect.stringMatching(/more than 3 changes in 60 s from this bearer token/),
      },
    });
    expect(Number(tooMany.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(await head()).toBe(before);
    // Another token from the same address: its own allowance, until the address's runs out (5
    // counted so far: 4 of ann's, this one).
    expect((await bob.post('/contracts', smallContract())).status).toBe(201);
    const address = await bob.post('/contracts', smallContract());
    expect(address).toMatchObject({
      status: 429,
      body: { detail: expect.stringMatching(/from this client address/) },
    });
    // Without a token, the address is counted too (by authentication, before the throttle), in an allowance of its
    // own: 5 refused 401, then 429.
    const anonymous = () => test.client.post('/contracts', smallContract(), { authorization: '' });
    for (let n = 0; n < 5; n++) expect((await anonymous()).status).toBe(401);
    expect((await anonymous()).status).toBe(429);
    // Reads are not limited.
    for (let n = 0; n < 10; n++) expect((await ann.get('/contracts')).status).toBe(200);
  }, 30_000);

  it('counts one token however its ES256 signature is spelled (s and n − s both verify)', async () => {
    test = await withHttp({ throttle: { windowSeconds: 60, perToken: 3, perIp: 100 } });
    const [header, payload, signature] = (await testToken({ subject: 'ann' })).split('.');
    const bytes = Buffer.from(signature, 'base64url');
    // P-256's group order: (r, n − s) is a valid signature wherever (r, s) is.
    const n = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
    const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
    const other = Buffer.concat([
      bytes.subarray(0, 32),
      Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'),
    ]).toString('base64url');
    const post = (sig: string) =>
      test.client.post('/contracts', smallContract(), {
        authorization: `Bearer ${header}.${payload}.${sig}`,
      });
    expect((await post(other)).status).toBe(201);
    for (let count = 1; count < 3; count++) expect((await post(signature)).status).toBe(201);
    expect((await post(other)).status).toBe(429);
    expect((await post(signature)).status).toBe(429);
  }, 30_000);

  it('lets no flood of unauthenticated changes use up the allowance of the callers with a token, behind the gateway too', async () => {
    test = await withHttp({
      throttle: { windowSeconds: 60, perToken: 100, perIp: 3 },
      trustedProxies: ['loopback'],
    });
    const from = (address: string, token?: string) =>
      request(test.app.getHttpServer())
        .post('/contracts')
        .set({
          'x-forwarded-for': address,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        })
        .send(smallContract());
    // An attacker behind the gateway (one peer address for every client), without a token or with
    // one that is no good.
    for (let n = 0; n < 3; n++)
      expect((await from('203.0.113.7', n % 2 ? 'junk' : undefined)).status).toBe(401);
    expect((await from('203.0.113.7', 'junk')).status).toBe(429);
    expect((await from('203.0.113.7')).status).toBe(429);
    // Another client of the gateway: its own address, as the gateway forwards it.
    expect((await from('203.0.113.8', test.token)).status).toBe(201);
    // And one with a token from the attacker's address: the anonymous allowance is not its own.
    expect((await from('203.0.113.7', test.token)).status).toBe(201);
  }, 30_000);

  it('counts a change its role does not allow against the token and the address, and one naming the tenant in a header as one without a token', async () => {
    test = await withHttp({ throttle: { windowSeconds: 60, perToken: 3, perIp: 100 } });
    const auditor = await test.as({ subject: 'ann', roles: ['auditor'] });
    for (let n = 0; n < 3; n++)
      expect((await auditor.post('/contracts', smallContract())).status).toBe(403);
    expect((await auditor.post('/contracts', smallContract())).status).toBe(429);
    const named = () =>
      test.client.post('/contracts', smallContract(), { authorization: '', 'x-tenant-id': 'x' });
    await test.close();
    test = await withHttp({ throttle: { windowSeconds: 60, perToken: 100, perIp: 2 } });
    for (let n = 0; n < 2; n++) expect((await named()).status).toBe(400);
    expect((await named()).status).toBe(429);
  }, 30_000);
});
