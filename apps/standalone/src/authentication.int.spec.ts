import { Logger } from '@nestjs/common';
import { smallContract, testToken } from '@billing/shared/testing';
import { startTestApp, testSecurity, type TestApp } from './testing/test-app';

describe('identity from a verified token (issue 8 items 1 and 7)', () => {
  let test: TestApp;
  const head = () => test.infrastructure.eventStore.headPosition();
  beforeAll(async () => (test = await startTestApp()), 30_000);
  afterAll(() => test.close());

  it("records the token's subject, name and e-mail as the actor: the contract history shows who did it", async () => {
    const ann = await test.as({
      subject: 'u-42',
      name: 'Ann Lee',
      email: 'ann@firm.example',
      roles: ['billing'],
    });
    const { body } = await ann.post('/contracts', smallContract());
    await ann.post(`/contracts/${body.contractId}/activate`, { date: '2026-01-05' });
    await test.settle();
    const history = (
      await test
        .as({ roles: ['auditor'] })
        .then((auditor) => auditor.get(`/contracts/${body.contractId}/history`))
    ).body as any[];
    expect(
      history.filter((entry) => entry.command).map((entry) => [entry.type, entry.actor]),
    ).toEqual(
      expect.arrayContaining([
        ['ContractCreated', 'u-42 (Ann Lee <ann@firm.example>)'],
        ['ContractActivated', 'u-42 (Ann Lee <ann@firm.example>)'],
      ]),
    );
    // The other contexts' reactions act as themselves, for the same tenant.
    expect(
      history
        .filter((entry) => !entry.actor.startsWith('u-42'))
        .every((entry) => entry.actor.startsWith('system:') && entry.tenantId === 'default'),
    ).toBe(true);
  }, 30_000);

  it('refuses X-Actor and X-Tenant-Id (400, saying why) and writes nothing', async () => {
    const before = await head();
    const actor = await test.client.post('/contracts', smallContract(), {
      'x-actor': 'cfo@victim.example',
    });
    expect(actor).toMatchObject({
      status: 400,
      body: {
        title: 'Identity headers refused',
        detail: expect.stringMatching(
          /X-Actor refused: the tenant and the actor come from the bearer token/,
        ),
      },
    });
    const tenant = await test.client.get('/contracts', { 'x-tenant-id': 'victim' });
    expect(tenant).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/^X-Tenant-Id refused/) },
    });
    expect(await head()).toBe(before);
  }, 30_000);

  it('refuses a token that names no tenant (401) and one with no role it knows (403)', async () => {
    const noTenant = await testToken({ tenantId: '' });
    const answer = await test.client.get('/contracts', { authorization: `Bearer ${noTenant}` });
    expect(answer).toMatchObject({
      status: 401,
      body: { detail: 'the token names no valid tenant (claim "tenant")' },
    });
    expect(answer.headers?.['www-authenticate']).toMatch(
      /^Bearer realm="billing", error="invalid_token"/,
    );
    // A reason with text beyond ASCII still fits the header (it was a 500).
    const system = await test.client.get('/contracts', {
      authorization: `Bearer ${await testToken({ subject: 'system:invoice-drafting', name: 'Zoë' })}`,
    });
    expect([system.status, system.body.detail]).toEqual([
      401,
      expect.stringContaining('names a system actor'),
    ]);
    const noRole = await test.client.get('/contracts', {
      authorization: `Bearer ${await testToken({ roles: ['owner' as never] })}`,
    });
    expect(noRole).toMatchObject({
      status: 403,
      body: {
        title: 'Not allowed for your role',
        detail: expect.stringMatching(/^a token with no role may not GET \/contracts/),
      },
    });
  }, 30_000);

  it('logs every refusal with its reason and source, never the token', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const expired = await testToken(
        {},
        { now: new Date(Date.now() - 7200_000), expiresIn: '1h' },
      );
      const auditor = await testToken({ roles: ['auditor'], subject: 'audrey' });
      await test.client.post('/contracts', smallContract(), { authorization: '' });
      await test.client.get('/invoices', { authorization: `Bearer ${expired}` });
      await test.client.post('/contracts', smallContract(), { authorization: `Bearer ${auditor}` });
      const lines = warn.mock.calls.map(([message]) => String(message));
      expect(lines).toEqual([
        expect.stringMatching(
          /^refused 401: no bearer token; from \S*127\.0\.0\.1 POST \/contracts$/,
        ),
        expect.stringMatching(
          /^refused 401: the token has expired; from \S*127\.0\.0\.1 GET \/invoices$/,
        ),
        expect.stringMatching(
          /^refused 403: role auditor may not POST \/contracts \(allowed: billing, admin\) \(subject audrey, tenant default\); from \S*127\.0\.0\.1 POST \/contracts$/,
        ),
      ]);
      for (const token of [expired, auditor])
        for (const part of token.split('.')) expect(lines.join('\n')).not.toContain(part);
    } finally {
      warn.mockRestore();
    }
  }, 30_000);
});

describe('authentication off, by explicit choice (AUTH=off)', () => {
  it('takes the tenant and the actor from X-Tenant-Id and X-Actor, as before tokens', async () => {
    const test = await startTestApp({
      settings: { timeZone: 'UTC', security: testSecurity({ auth: { mode: 'off' } }) },
    });
    try {
      const acme = { 'x-tenant-id': 'acme', 'x-actor': 'dev@acme.example', authorization: '' };
      const { status, body } = await test.client.post('/contracts', smallContract(), acme);
      expect(status).toBe(201);
      // A tenant a token could not name (a space would let 'acme x' + key 'K' be 'acme' + 'x K').
      expect(
        (
          await test.client.post('/contracts', smallContract(), {
            ...acme,
            'x-tenant-id': 'acme x',
          })
        ).status,
      ).toBe(400);
      expect(
        (await test.client.get(`/contracts/${body.contractId}/history`, acme)).body[0],
      ).toMatchObject({ actor: 'dev@acme.example', tenantId: 'acme' });
      expect(
        (
          await test.client.get(`/contracts/${body.contractId}`, {
            'x-tenant-id': 'globex',
            authorization: '',
          })
        ).status,
      ).toBe(404);
      const doc = (await test.client.get('/docs-json')).body;
      expect(
        doc.paths['/contracts'].post.parameters.map((parameter: any) => parameter.name),
      ).toEqual(expect.arrayContaining(['X-Tenant-Id', 'X-Actor']));
    } finally {
      await test.close();
    }
  }, 30_000);
});
