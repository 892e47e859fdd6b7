import { createHash } from 'node:crypto';
import request from 'supertest';
import { uuidFrom } from '@billing/shared/event-store';
import { CUSTOMER, smallContract } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

const contract = (overrides: Record<string, unknown> = {}) =>
  smallContract({ title: 'Clinic fit-out', ...overrides });

describe('HTTP: bad input, unknown ids, broken rules, retries', () => {
  let test: TestApp;
  beforeEach(async () => (test = await startTestApp()));
  afterEach(() => test.close());

  const head = () => test.infrastructure.eventStore.headPosition();

  it('answers 400 naming every bad field, nested ones included, and writes nothing', async () => {
    const before = await head();
    const reply = await test.client.post(
      '/contracts',
      contract({
        currency: 'usd',
        originalSum: 12.5,
        retainage: [{ threshold: 0, workRate: 20000, materialsRate: 0 }],
        customer: { ...CUSTOMER, email: 'nope' },
        surprise: true,
      }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      status: 400,
      title: 'Invalid request',
      type: 'urn:billing:validation',
    });
    expect(reply.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'currency',
      'customer.email',
      'originalSum',
      'retainage.0.workRate',
      'surprise',
    ]);
    expect(await head()).toBe(before);
  });

  it('names blank, unprintable and inexact fields beside the ones the command refuses, in one 400', async () => {
    const reply = await test.client.post(
      '/contracts',
      contract({
        title: '   ',
        currency: 'usd',
        originalSum: 2 ** 60,
        customer: { ...CUSTOMER, name: '\u200b', address: 'x\u202e' },
      }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'currency',
      'customer.address',
      'customer.name',
      'originalSum',
      'title',
    ]);
  });

  it('names an amount beyond the limit beside the other bad fields, in one 400', async () => {
    const reply = await test.client.post(`/accounts/${CUSTOMER.id}/payments`, {
      amount: 10 ** 13 + 1,
      currency: 'usd',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'amount',
      'currency',
      'method',
      'reference',
    ]);
    expect(reply.body.errors[0].messages).toEqual([
      expect.stringMatching(/at most 10000000000000/),
    ]);
  });

  it('names the path and query parameters it refuses', async () => {
    const cases: [string, string[]][] = [
      ['/contracts/not-a-uuid', ['id']],
      ['/accounts/bad/aging?asOf=2026-01-01', ['customerId']],
      [`/accounts/${CUSTOMER.id}/statement`, ['from', 'to']],
      [`/accounts/${CUSTOMER.id}/statement?from=2026-03-01&to=2026-02-01`, ['from']],
      [
        '/contracts/00000000-0000-4000-8000-000000000000/history?after=-1&limit=0',
        ['after', 'limit'],
      ],
      ['/contracts/00000000-0000-4000-8000-000000000000/as-of?at=soon', ['at']],
      ['/audit/flows/bad%20id', ['correlationId']],
      ['/aging?format=xml', ['format']],
      ['/audit/events?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', ['from']],
    ];
    for (const [path, fields] of cases) {
      const reply = await test.client.get(path);
      expect([
        path,
        reply.status,
        reply.body.type,
        reply.body.errors?.map((e: any) => e.field),
      ]).toEqual([path, 400, 'urn:billing:validation', fields]);
    }
    const certify = await test.client.post(
      '/contracts/00000000-0000-4000-8000-000000000000/progress-reports/2026-02-30/certify',
      {},
    );
    expect(certify.body.errors).toEqual([{ field: 'periodEnd', messages: [expect.any(String)] }]);
  });

  it('answers 405 with Allow for a method a path does not take, 404 for a path there is not', async () => {
    // As `npm start` serves: its request log is a middleware Express registers for every method.
    const served = await startTestApp({}, undefined, { requestLog: true });
    try {
      const server = served.app.getHttpServer();
      const auth = { authorization: `Bearer ${served.token}` };
      const put = await request(server).put('/contracts').set(auth).send({});
      expect([put.status, put.headers.allow, put.body.type]).toEqual([
        405,
        'GET, HEAD, POST',
        'urn:billing:http-405',
      ]);
      const id = '00000000-0000-4000-8000-000000000000';
      const remove = await request(server).delete(`/contracts/${id}`).set(auth);
      expect([remove.status, remove.headers.allow]).toEqual([405, 'GET, HEAD']);
      const live = await request(server).post('/health/live').send({});
      expect([live.status, live.headers.allow]).toEqual([405, 'GET, HEAD']);
      expect((await request(server).get('/no-such-thing').set(auth)).status).toBe(404);
      // A route of the method that says 404 itself is still a 404.
      expect((await served.client.get(`/contracts/${id}`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('answers 404 for an unknown contract, invoice or account, and writes nothing', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const before = await head();
    expect((await test.client.post(`/contracts/${unknown}/activate`, {})).status).toBe(404);
    expect((await test.client.post(`/invoices/${unknown}/issue`, {})).status).toBe(404);
    expect((await test.client.get(`/contracts/${unknown}`)).status).toBe(404);
    expect(
      (
        await test.client.post(`/accounts/${unknown}/payments`, {
          amount: 100,
          currency: 'USD',
          method: 'wire',
          reference: 'x',
        })
      ).status,
    ).toBe(404);
    expect(await head()).toBe(before);
  });

  it('answers a create with the schedule lines and their ids', async () => {
    const { status, body } = await test.client.post(
      '/contracts',
      contract({ lines: [{ item: '1', description: 'Work', scheduledValue: 1_000_000 }] }),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'draft',
      lines: [
        { item: '1', scheduledValue: 1_000_000, lineId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      ],
    });
  });

  it('answers 422 with the billing rule when the schedule of values does not equal the contract sum', async () => {
    const { body } = await test.client.post(
      '/contracts',
      contract({
        lines: [{ lineId: 'A', item: '1', description: 'Work', scheduledValue: 900_000 }],
      }),
    );
    const before = await head();
    const reply = await test.client.post(`/contracts/${body.contractId}/activate`, {
      date: '2026-01-05',
    });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toMatch(
      /schedule of values \(900000\) must equal the contract sum \(1000000\)/,
    );
    expect(await head()).toBe(before);
  });

  it('answers 409 for a command the current state does not allow, and writes nothing', async () => {
    const { body } = await test.client.post('/contracts', contract());
    await test.client.post(`/contracts/${body.contractId}/activate`, {});
    const before = await head();
    const reply = await test.client.post(`/contracts/${body.contractId}/cancel`, {
      reason: 'changed our mind',
    });
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toMatch(/cannot cancel: the contract is active/);
    expect(await head()).toBe(before);
  });

  it('replays a POST with the same Idempotency-Key: same answer, nothing appended', async () => {
    const headers = { 'idempotency-key': 'create-clinic-1' };
    const first = await test.client.post('/contracts', contract(), headers);
    const afterFirst = await head();
    const second = await test.client.post('/contracts', contract(), headers);
    expect(second).toMatchObject({ status: first.status, body: first.body });
    expect(await head()).toBe(afterFirst);
    const other = await test.client.post('/contracts', contract(), {
      'idempotency-key': 'create-clinic-2',
    });
    expect(other.body.contractId).not.toBe(first.body.contractId);
  });

  it('answers a created contract with its Location, the same on a replay, and no Location where nothing was created', async () => {
    const headers = { 'idempotency-key': 'create-clinic-located' };
    const first = await test.client.post('/contracts', contract(), headers);
    const location = first.headers?.location;
    expect([first.status, location]).toEqual([201, `/contracts/${first.body.contractId}`]);
    expect((await test.client.get(location!)).body).toMatchObject({
      contractId: first.body.contractId,
    });
    const again = await test.client.post('/contracts', contract(), headers);
    expect([again.headers?.['idempotent-replayed'], again.headers?.location]).toEqual([
      'true',
      first.headers?.location,
    ]);
    const activated = await test.client.post(`/contracts/${first.body.contractId}/activate`, {
      date: '2026-01-05',
    });
    expect([activated.status, activated.headers?.location]).toEqual([200, undefined]);
  });

  it('names one request with an Idempotency-Key: the same key on another route is refused (422), not run as another command', async () => {
    const headers = { 'idempotency-key': 'k-1' };
    const { body } = await test.client.post('/contracts', contract(), headers);
    const before = await head();
    expect(
      (
        await test.client.post(
          `/contracts/${body.contractId}/activate`,
          { date: '2026-01-05' },
          headers,
        )
      ).status,
    ).toBe(422);
    expect(await head()).toBe(before);
    expect(
      (
        await test.client.post(
          `/contracts/${body.contractId}/activate`,
          { date: '2026-01-05' },
          { 'idempotency-key': 'k-2' },
        )
      ).body.status,
    ).toBe('active');
  });

  it('takes a retry under its key however Express spells the path: /Contracts/ replays /contracts', async () => {
    const headers = { 'idempotency-key': 'create-clinic-spelled' };
    const first = await test.client.post('/contracts', contract(), headers);
    const afterFirst = await head();
    for (const path of ['/contracts/', '/Contracts'])
      expect([path, await test.client.post(path, contract(), headers)]).toEqual([
        path,
        expect.objectContaining({
          status: 201,
          body: first.body,
          headers: expect.objectContaining({ 'idempotent-replayed': 'true' }),
        }),
      ]);
    expect(await head()).toBe(afterFirst);
  });

  it('replays an answer stored by an earlier release under its key: a path spelled otherwise, a parameter with escapes, a key the headers rule refuses', async () => {
    // As a release before the rules stored it: the fingerprint of the path as sent, the key as is.
    const stored = async (key: string, path: string, body: object) => {
      const fingerprint = createHash('sha256')
        .update(`POST ${path}\n${JSON.stringify(body)}`)
        .digest('hex');
      await test.infrastructure.eventStore.append(
        `idempotency-${uuidFrom(uuidFrom(`default ${key}`))}`,
        [
          {
            id: uuidFrom(`stored ${key}`),
            type: 'CommandAnswered',
            data: { status: 200, body: { stored: key }, fingerprint },
            metadata: {
              tenantId: 'default',
              correlationId: `first run of ${key}`.replace(/ /g, '-'),
              causationId: key,
              actor: 'tester',
              occurredAt: '2026-11-29T00:00:00.000Z',
              schemaVersion: 1,
            },
          },
        ],
        'no_stream',
      );
    };
    const body = { date: '2026-02-01' };
    const cases: [string, string, Record<string, string>][] = [
      ['escaped', '/contracts/00000000-0000-4000-8000-00000000000a/milestones/A%2bB/achieve', {}],
      ['spelled', '/Contracts/00000000-0000-4000-8000-00000000000a/milestones/M1/achieve/', {}],
      [
        'k'.repeat(300),
        '/contracts/00000000-0000-4000-8000-00000000000a/milestones/M2/achieve',
        {},
      ],
      [
        'spaced',
        '/contracts/00000000-0000-4000-8000-00000000000a/milestones/M3/achieve',
        {
          'x-correlation-id': 'an id with spaces',
        },
      ],
    ];
    for (const [key, path, headers] of cases) {
      await stored(key, path, body);
      const retry = await test.client.post(path, body, { 'idempotency-key': key, ...headers });
      expect([
        key.slice(0, 10),
        retry.status,
        retry.body,
        retry.headers?.['idempotent-replayed'],
      ]).toEqual([key.slice(0, 10), 200, { stored: key }, 'true']);
      // With the correlation id its first run recorded.
      expect(retry.headers?.['x-correlation-id']).toBe(`first-run-of-${key}`);
    }
    // A new request under such a key is still refused.
    expect(
      (await test.client.post('/contracts', contract(), { 'idempotency-key': 'n'.repeat(300) }))
        .status,
    ).toBe(400);
  });

  it('refuses an empty, long or doubled Idempotency-Key and a correlation id it could not look up, and writes nothing; echoes the correlation id', async () => {
    const before = await head();
    const refused = async (headers: Record<string, string | string[]>) => {
      const reply = await request(test.app.getHttpServer())
        .post('/contracts')
        .set({ authorization: `Bearer ${test.token}`, ...headers } as Record<string, string>)
        .send(contract());
      // A correlation id the request is refused for is not answered back as its own.
      if (headers['x-correlation-id']) expect(reply.headers['x-correlation-id']).toBeUndefined();
      return [reply.status, reply.body.errors?.[0]?.field];
    };
    expect(await refused({ 'idempotency-key': '' })).toEqual([400, 'Idempotency-Key']);
    expect(await refused({ 'idempotency-key': 'k'.repeat(256) })).toEqual([400, 'Idempotency-Key']);
    expect(await refused({ 'idempotency-key': 'caf\u00e9' })).toEqual([400, 'Idempotency-Key']);
    expect(await refused({ 'idempotency-key': ['dup-a', 'dup-b'] })).toEqual([
      400,
      'Idempotency-Key',
    ]);
    expect(await refused({ 'x-correlation-id': 'bad id with spaces' })).toEqual([
      400,
      'X-Correlation-Id',
    ]);
    expect(await refused({ 'x-correlation-id': 'x'.repeat(201) })).toEqual([
      400,
      'X-Correlation-Id',
    ]);
    expect(await head()).toBe(before);
    const sent = await test.client.post('/contracts', contract(), {
      'idempotency-key': 'k'.repeat(255),
      'x-correlation-id': '{6F9619FF-8B86-D011-B42D-00C04FC964FF}#2/erp',
    });
    expect([sent.status, sent.headers?.['x-correlation-id']]).toEqual([
      201,
      '{6F9619FF-8B86-D011-B42D-00C04FC964FF}#2/erp',
    ]);
    const flow = await test.client.get(
      `/audit/flows/${encodeURIComponent('{6F9619FF-8B86-D011-B42D-00C04FC964FF}#2/erp')}`,
    );
    expect([flow.status, flow.body.length > 0]).toEqual([200, true]);
    // An empty one is none (the command's id), as before.
    const none = await test.client.post('/contracts', contract(), { 'x-correlation-id': '' });
    expect([none.status, none.headers?.['x-correlation-id']]).toEqual([201, expect.any(String)]);
    // A read is not refused for one it could not record: it uses its own instead.
    const read = await test.client.get('/contracts', { 'x-correlation-id': 'a read, as sent' });
    expect([read.status, read.headers?.['x-correlation-id']]).toEqual([200, expect.any(String)]);
    expect(read.headers?.['x-correlation-id']).not.toBe('a read, as sent');
    // Without one, the command's id: the flow is found by it too.
    const own = (await test.client.post('/contracts', contract())).headers!['x-correlation-id'];
    expect((await test.client.get(`/audit/flows/${own}`)).status).toBe(200);
  });

  it('keeps tenants apart: another tenant neither sees nor changes a contract, and numbers its own invoices from 1', async () => {
    const [a, b] = [await test.as({ tenantId: 'acme' }), await test.as({ tenantId: 'globex' })];
    const { body } = await a.post('/contracts', contract());
    const before = await head();
    expect((await b.post(`/contracts/${body.contractId}/activate`, {})).status).toBe(404);
    expect(await head()).toBe(before);
    expect(
      (await a.post(`/contracts/${body.contractId}/activate`, { date: '2026-01-05' })).status,
    ).toBe(200);
    expect((await a.get(`/contracts/${body.contractId}`)).body.status).toBe('active');
    expect((await b.get(`/contracts/${body.contractId}`)).status).toBe(404);
    expect((await b.get('/contracts')).body).toEqual([]);
    expect((await b.get(`/contracts/${body.contractId}/history`)).status).toBe(404);
  });
});
