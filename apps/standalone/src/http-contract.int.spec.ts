import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
} from '@billing/shared/event-store';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { expectOk, smallContract, testToken } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

const authed = (test: TestApp) =>
  request.agent(test.app.getHttpServer()).set('authorization', `Bearer ${test.token}`);

/**
 * Issue 6: what a careless or hostile client sends is refused with Problem Details, and nothing is
 * written.
 */
describe('HTTP as a contract: bodies, content types, keys and Problem Details', () => {
  let test: TestApp;
  let invoiceId: string;
  beforeAll(async () => {
    test = await startTestApp();
    const { contractId } = await expectOk<any>(
      test.client.post('/contracts', smallContract()),
      'create',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await test.settle();
    const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports`, {
        periodEnd: '2026-01-31',
        lines,
      }),
      'report',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}),
      'certify',
    );
    await test.settle();
    invoiceId = (await test.client.get(`/invoices?contractId=${contractId}&status=draft`)).body[0]
      .invoiceId;
  }, 30_000);
  afterAll(() => test.close());

  /**
   * Every request with the tester's bearer token: what is refused here is refused for its body,
   * path or keys, not for its identity.
   */
  const api = () => authed(test);
  const head = () => test.infrastructure.eventStore.headPosition();
  const expectProblem = (reply: request.Response, status: number) => {
    expect({ status: reply.status, type: reply.type }).toEqual({
      status,
      type: 'application/problem+json',
    });
    expect(reply.body).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:billing:/),
      title: expect.any(String),
      detail: expect.any(String),
    });
  };

  it.each([
    [
      'a body over 256 KB',
      413,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify({ ...smallContract(), title: 'x'.repeat(300_000) })),
    ],
    [
      'JSON nested 10,000 levels',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    ],
    [
      'charset=latin1',
      415,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json; charset=latin1')
          .send(JSON.stringify(smallContract())),
    ],
    [
      'text/plain',
      415,
      (r: request.Test) =>
        r.set('content-type', 'text/plain').send(JSON.stringify(smallContract())),
    ],
    [
      'application/merge-patch+json',
      415,
      (r: request.Test) =>
        r.set('content-type', 'application/merge-patch+json').send(JSON.stringify(smallContract())),
    ],
    ['no body and no content type', 415, (r: request.Test) => r],
    [
      'an empty JSON body',
      400,
      (r: request.Test) => r.set('content-type', 'application/json').send(''),
    ],
    [
      'malformed JSON',
      400,
      (r: request.Test) => r.set('content-type', 'application/json').send('{"title": '),
    ],
    [
      'a JSON array',
      400,
      (r: request.Test) => r.set('content-type', 'application/json').send('[]'),
    ],
    [
      'a __proto__ key',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(`{"__proto__": {"admin": true}, ${JSON.stringify(smallContract()).slice(1)}`),
    ],
    [
      'a constructor key',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify({ ...smallContract(), constructor: { prototype: {} } })),
    ],
    [
      'a NUL in a text',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: 'Clinic\u0000' }))),
    ],
    [
      'an escape in a nested text',
      400,
      (r: request.Test) =>
        r.set('content-type', 'application/json').send(
          JSON.stringify(
            smallContract({
              lines: [
                {
                  lineId: 'A',
                  item: '1',
                  description: '\u001b[31mred',
                  scheduledValue: 1_000_000,
                },
              ],
            }),
          ),
        ),
    ],
    [
      'a line id with a slash',
      400,
      (r: request.Test) =>
        r.set('content-type', 'application/json').send(
          JSON.stringify(
            smallContract({
              lines: [
                { lineId: '../x/y', item: '1', description: 'Work', scheduledValue: 1_000_000 },
              ],
            }),
          ),
        ),
    ],
    [
      'an item number of 33 characters (G703 column A)',
      400,
      (r: request.Test) =>
        r.set('content-type', 'application/json').send(
          JSON.stringify(
            smallContract({
              lines: [
                {
                  lineId: 'A',
                  item: '1'.repeat(33),
                  description: 'Work',
                  scheduledValue: 1_000_000,
                },
              ],
            }),
          ),
        ),
    ],
    ...['..', ' A ', 'a?b', 'a%2Fb'].map(
      (lineId): [string, number, (r: request.Test) => request.Test] => [
        `a line id ${JSON.stringify(lineId)} (a path segment clients change or cut)`,
        400,
        (r) =>
          r.set('content-type', 'application/json').send(
            JSON.stringify(
              smallContract({
                lines: [{ lineId, item: '1', description: 'Work', scheduledValue: 1_000_000 }],
              }),
            ),
          ),
      ],
    ),
    [
      'a line id of 101 characters',
      400,
      (r: request.Test) =>
        r.set('content-type', 'application/json').send(
          JSON.stringify(
            smallContract({
              lines: [
                {
                  lineId: 'L'.repeat(101),
                  item: '1',
                  description: 'Work',
                  scheduledValue: 1_000_000,
                },
              ],
            }),
          ),
        ),
    ],
    [
      'a title of white space only',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: ' \t ' }))),
    ],
    [
      'a title of a zero-width space only',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: '\u200b' }))),
    ],
    [
      // Accents with no letter under them: nothing a reader of the printed title sees.
      'a title of combining marks only',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: '\u0301\u0301 \u20dd' }))),
    ],
    // A PDF lays a title out as it comes: one of 200,000 characters kept the process busy for
    // minutes.
    [
      'a title of 2,001 characters',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: 'T'.repeat(2_001) }))),
    ],
    [
      'a right-to-left override',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: 'Invoice \u202egnp.exe' }))),
    ],
    // Tag characters are invisible: a PDF shows "Invoice", a CSV or a log carries the hidden text.
    [
      'text hidden in tag characters',
      400,
      (r: request.Test) =>
        r.set('content-type', 'application/json').send(
          JSON.stringify(
            smallContract({
              title: `Invoice${[...'pay to X'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}`,
            }),
          ),
        ),
    ],
    [
      'a noncharacter (U+FFFF)',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(JSON.stringify(smallContract({ title: 'Invoice \uffff' }))),
    ],
    [
      'a lone surrogate',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(
            '{"title": "\\ud800", ' + JSON.stringify(smallContract({ title: undefined })).slice(1),
          ),
    ],
    // A proxy or a log that reads the first of two fields would see another request than the one
    // run (JSON.parse keeps the last).
    [
      'a field given twice',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(`{"title": "Audited", ${JSON.stringify(smallContract()).slice(1)}`),
    ],
    [
      'a nested field given twice, once escaped',
      400,
      (r: request.Test) =>
        r
          .set('content-type', 'application/json')
          .send(
            JSON.stringify(smallContract()).replace(
              '"lineId":"A"',
              '"lineId":"A","line\\u0049d":"B"',
            ),
          ),
    ],
  ])(
    'refuses %s on POST /contracts with %i Problem Details and writes nothing',
    async (_, status, send) => {
      const before = await head();
      expectProblem(await send(api().post('/contracts')), status);
      expect(await head()).toBe(before);
    },
  );

  it('refuses the same change order entered twice (its number, 409) and writes nothing', async () => {
    const { contractId } = (await test.client.get(`/invoices/${invoiceId}`)).body;
    const changeOrder = (number: string, lineId: string) => ({
      number,
      description: 'Extra',
      amount: 10_000,
      approvedOn: '2026-02-10',
      lines: [{ lineId, item: '9', description: 'Extra', scheduledValue: 10_000 }],
    });
    expect(
      (await api().post(`/contracts/${contractId}/change-orders`).send(changeOrder('CO-7', 'X1')))
        .status,
    ).toBe(201);
    const before = await head();
    const twice = await api()
      .post(`/contracts/${contractId}/change-orders`)
      .send(changeOrder('co-7 ', 'X2'));
    expectProblem(twice, 409);
    expect(twice.body.detail).toMatch(
      /change order co-7 is already approved on this contract \(as CO-7\)/,
    );
    expect(await head()).toBe(before);
  });

  it('names the field a body gives twice', async () => {
    const reply = await api()
      .post('/contracts')
      .set('content-type', 'application/json')
      .send(`{"title": "Audited", ${JSON.stringify(smallContract()).slice(1)}`);
    expect(reply.body.detail).toBe('the body gives the field "title" twice in one object');
  });

  it.each(['null', '"a text"', '42', 'true'])(
    'says that the body must be a JSON object when it is the JSON value %s',
    async (body) => {
      const before = await head();
      const reply = await api()
        .post('/contracts')
        .set('content-type', 'application/json')
        .send(body);
      expectProblem(reply, 400);
      expect(reply.body.detail).toBe(
        'the body must be a JSON object ({} when the command has no fields)',
      );
      expect(await head()).toBe(before);
    },
  );

  it('takes text with tabs, line breaks, accents, right-to-left script and emoji as it is', async () => {
    const title = 'Clinic\tWing B\nמרפאה — café 🏗️';
    const reply = await api()
      .post('/contracts')
      .set('content-type', 'application/json')
      .send(JSON.stringify(smallContract({ title })));
    expect(reply.status).toBe(201);
  });

  it('runs no command from a text/plain body (a cross-site form) or an empty one', async () => {
    const before = await head();
    expectProblem(
      await api()
        .post(`/invoices/${invoiceId}/issue`)
        .set('content-type', 'text/plain')
        .send('{"date":"yesterday"}'),
      415,
    );
    expectProblem(
      await api().post('/reminders/run').set('content-type', 'text/plain').send('{}'),
      415,
    );
    expect(await head()).toBe(before);
    expect((await test.client.get(`/invoices/${invoiceId}`)).body.status).toBe('draft');
  });

  it('answers the framework errors as Problem Details too', async () => {
    expectProblem(await api().get('/contracts/not-a-uuid'), 400);
    expectProblem(await api().get('/no/such/route'), 404);
    expectProblem(await api().post('/contracts/not-a-uuid/activate').send({}), 400);
  });

  it.each(['2026-02-30', '9999-12-31', '0000-00-00', '1900-01-01', 'yesterday'])(
    'refuses the business date %s',
    async (date) => {
      const before = await head();
      expectProblem(await api().post(`/invoices/${invoiceId}/issue`).send({ date }), 400);
      expectProblem(await api().post('/reminders/run').send({ runDate: date }), 400);
      expect(await head()).toBe(before);
    },
  );

  it('refuses a period end in the path that is no calendar date (400, not "no report pending")', async () => {
    const { contractId } = (await test.client.get(`/invoices/${invoiceId}`)).body;
    expectProblem(
      await api().post(`/contracts/${contractId}/progress-reports/2026-02-30/certify`).send({}),
      400,
    );
  });

  it('refuses an Idempotency-Key reused on another path (422)', async () => {
    const key = { 'Idempotency-Key': 'key-for-a-contract' };
    expect(
      (
        await api()
          .post('/contracts')
          .set(key)
          .send(smallContract({ title: 'Keyed' }))
      ).status,
    ).toBe(201);
    const before = await head();
    expectProblem(await api().post('/reminders/run').set(key).send({ runDate: '2026-03-01' }), 422);
    expect(await head()).toBe(before);
  });

  it('refuses an issue date before the period the pay application bills (422)', async () => {
    const before = await head();
    expectProblem(
      await api().post(`/invoices/${invoiceId}/issue`).send({ date: '2026-01-15' }),
      422,
    );
    expect(await head()).toBe(before);
  });

  it('refuses an Idempotency-Key reused for another request (422), and replays the same request', async () => {
    const key = { 'Idempotency-Key': 'one-key' };
    const first = await api()
      .post('/contracts')
      .set(key)
      .send(smallContract({ title: 'First' }));
    expect(first.status).toBe(201);
    const before = await head();
    expectProblem(
      await api()
        .post('/contracts')
        .set(key)
        .send(smallContract({ title: 'Another' })),
      422,
    );
    const again = await api()
      .post('/contracts')
      .set(key)
      .send({ ...smallContract({ title: 'First' }) });
    expect({
      status: again.status,
      body: again.body,
      replayed: again.headers['idempotent-replayed'],
    }).toEqual({ status: 201, body: first.body, replayed: 'true' });
    expect(await head()).toBe(before);
  });

  it("does not answer another user's request with the first user's answer under the same Idempotency-Key (422)", async () => {
    const key = { 'Idempotency-Key': 'shared-key' };
    const first = await api()
      .post('/contracts')
      .set(key)
      .send(smallContract({ title: 'Mine' }));
    expect(first.status).toBe(201);
    const before = await head();
    const colleague = await testToken({ subject: 'colleague@example.com' });
    const other = await request(test.app.getHttpServer())
      .post('/contracts')
      .set('authorization', `Bearer ${colleague}`)
      .set(key)
      .send(smallContract({ title: 'Mine' }));
    expectProblem(other, 422);
    expect(JSON.stringify(other.body)).not.toContain(first.body.contractId);
    expect(await head()).toBe(before);
  });

  describe('what the generated bad-input suite found (bad-input/, issue 6 item 7)', () => {
    const raw = (path: string, body: string | Buffer) =>
      api()
        .post(path)
        .set('content-type', 'application/json')
        .serialize((given: unknown) => given as string)
        .send(body);
    const contract = JSON.stringify(smallContract());
    const title = contract.indexOf('Small job');
    const invalidTitle = Buffer.concat([
      Buffer.from(contract.slice(0, title)),
      Buffer.from([0xff]),
      Buffer.from(contract.slice(title)),
    ]);

    it.each([
      [
        'an empty body under Content-Type JSON (read as {}, it ran the reminder job)',
        '/reminders/run',
        '',
      ],
      [
        'a null field (taken for absent: the default levels ran)',
        '/reminders/run',
        '{"levels":null}',
      ],
      [
        'an integer beyond 2^53 (a 500 from the reminder job)',
        '/reminders/run',
        '{"levels":[27973011633820184000000000000]}',
      ],
      [
        'a reminder level of 10^15 days (a 500: no such date)',
        '/reminders/run',
        '{"levels":[1000000000000000]}',
      ],
      [
        'bytes that are not UTF-8 (each read as U+FFFD, the contract was created)',
        '/contracts',
        invalidTitle,
      ],
      [
        'a list item that is a list (validated as its items, left to the domain)',
        '/contracts',
        JSON.stringify(smallContract({ lines: [[smallContract().lines[0]]] })),
      ],
    ])('refuses %s with 400 and writes nothing', async (_, path, body) => {
      const before = await head();
      expectProblem(await raw(path, body), 400);
      expect(await head()).toBe(before);
    });

    it('does not quote an inexact integer as another number (2^53 + 1 read as 2^53)', async () => {
      const reply = await raw('/reminders/run', '{"levels":[9007199254740993]}');
      expectProblem(reply, 400);
      expect(JSON.stringify(reply.body)).not.toContain('9007199254740992');
      expect(reply.body.errors[0].messages[0]).toContain('beyond the exact integers');
    });

    it.each([
      ['customer', { customer: null }],
      ['originalSum', { originalSum: 2 ** 60 }],
      ['lines.0.toString', { lines: [{ ...smallContract().lines[0], toString: 'x' }] }],
    ])(
      'names %s in `errors` when the body guards refuse it, as the validation pipe does',
      async (field, overrides) => {
        const reply = await raw('/contracts', JSON.stringify(smallContract(overrides)));
        expectProblem(reply, 400);
        expect(reply.body.errors).toEqual([{ field, messages: [expect.any(String)] }]);
      },
    );

    it('refuses a field named like an inherited property (class-transformer dropped it and the invoice was issued)', async () => {
      const before = await head();
      expectProblem(
        await raw(`/invoices/${invoiceId}/issue`, '{"date":"2026-02-03","toString":{}}'),
        400,
      );
      expectProblem(
        await api().post(`/invoices/${invoiceId}/issue?dryRun=true`).send({ date: '2026-02-03' }),
        400,
      );
      expect(await head()).toBe(before);
      expect((await test.client.get(`/invoices/${invoiceId}`)).body.status).toBe('draft');
    });

    it('refuses a query parameter the operation does not have, and numbers and instants that Number() and Date() would have read', async () => {
      const { contractId } = (await test.client.get(`/invoices/${invoiceId}`)).body;
      const queries = [
        `/contracts/${contractId}?colour=red`,
        '/aging?toString=1',
        '/accounts?constructor=1',
        '/invoices?offset=',
        '/invoices?limit=1e2',
        '/invoices?offset=0x10',
      ];
      const more = [
        '/invoices?offset=9007199254740993',
        `/contracts/${contractId}/history?limit=0b1`,
        `/contracts/${contractId}/history?after=`,
      ];
      const instants = [
        '2099-02-30T00:00:00Z',
        '1',
        'Tue%20Mar%2001%202099',
        '2099-01-01T10:00:00',
      ].map((at) => `/contracts/${contractId}/as-of?at=${at}`);
      for (const path of [...queries, ...more, ...instants])
        expect([path, (await api().get(path)).status]).toEqual([path, 400]);
      expect(
        (await api().get(`/contracts/${contractId}/as-of?at=2099-01-01T00:00:00Z`)).status,
      ).toBe(200);
    });
  });
  // Last: it issues the draft the tests above need.
  it('issues an issued invoice again with its own date (or none) as the same answer, and refuses another date (409)', async () => {
    const first = await api().post(`/invoices/${invoiceId}/issue`).send({ date: '2026-02-03' });
    expect(first.status).toBe(200);
    const before = await head();
    expect(
      (await api().post(`/invoices/${invoiceId}/issue`).send({ date: '2026-02-03' })).body,
    ).toEqual(first.body);
    expect((await api().post(`/invoices/${invoiceId}/issue`).send({})).body).toEqual(first.body);
    const other = await api().post(`/invoices/${invoiceId}/issue`).send({ date: '2026-02-04' });
    expectProblem(other, 409);
    expect(other.body.detail).toMatch(
      /was issued on 2026-02-03; issuing it again on 2026-02-04 changes nothing/,
    );
    expect(await head()).toBe(before);
  });
});

/**
 * An in-memory store whose appends take `ms` (a request held inside its command); `started` counts
 * the contracts' appends begun.
 */
function slowStore(ms: number) {
  const store = new InMemoryEventStore();
  const slow: EventStore = Object.create(store) as EventStore;
  const counts = { started: 0 };
  slow.append = async (
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> => {
    if (stream.startsWith('contract-')) counts.started++;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return store.append(stream, events, expected);
  };
  return { store, slow, counts };
}

describe('HTTP under load and at shutdown', () => {
  it('answers 503 with Retry-After while another process holds the SQLite write lock, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-busy-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'), undefined, 200);
    const test = await startTestApp({ eventStore: store });
    const other = new Database(join(dir, 'events.sqlite'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const before = await store.headPosition();
      const reply = await authed(test).post('/contracts').send(smallContract());
      expect({
        status: reply.status,
        type: reply.type,
        retryAfter: reply.headers['retry-after'],
      }).toEqual({ status: 503, type: 'application/problem+json', retryAfter: '1' });
      other.exec('ROLLBACK');
      expect(await store.headPosition()).toBe(before);
      expect((await authed(test).post('/contracts').send(smallContract())).status).toBe(201);
    } finally {
      other.close();
      await test.close();
      await store.close();
    }
  });

  it('answers a concurrent duplicate of a keyed request 409 while the first runs, and runs it once', async () => {
    const { store, slow } = slowStore(150);
    const test = await startTestApp({ eventStore: slow });
    try {
      const send = () =>
        authed(test).post('/contracts').set('Idempotency-Key', 'twin').send(smallContract());
      const [a, b] = await Promise.all([
        send(),
        new Promise((resolve) => setTimeout(resolve, 30)).then(send),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      // The duplicate says when to ask again.
      expect([a, b].find((reply) => reply.status === 409)!.headers['retry-after']).toBe('1');
      expect((await store.readAll({ streamPrefixes: ['contract-'] })).length).toBe(1);
    } finally {
      await test.close();
    }
  });

  it('takes no new request on a kept-alive connection once the shutdown begins', async () => {
    const { store, slow, counts } = slowStore(300);
    const test = await startTestApp({ eventStore: slow });
    await test.app.listen(0, '127.0.0.1');
    const { port } = test.app.getHttpServer().address() as { port: number };
    // One kept-alive connection, as a busy client's pool holds it: the second request waits for it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (title: string) =>
      new Promise<{ status?: number; connection?: string } | string>((resolve) => {
        const body = JSON.stringify(smallContract({ title }));
        http
          .request(
            {
              agent,
              host: '127.0.0.1',
              port,
              path: '/contracts',
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                authorization: `Bearer ${test.token}`,
              },
            },
            (response) => {
              response.resume();
              response.on('end', () =>
                resolve({ status: response.statusCode, connection: response.headers.connection }),
              );
            },
          )
          .on('error', (error) => resolve(error.message))
          .end(body);
      });
    try {
      const first = post('In flight');
      while (counts.started < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const closing = test.close();
      const second = post('Sent after the shutdown began');
      // The request in flight is finished, and says the connection ends with it.
      expect(await first).toEqual({ status: 201, connection: 'close' });
      // The next finds no connection (or, had it reached the server, a 503): it never runs.
      const next = await second;
      expect(typeof next === 'string' || next.status === 503).toBe(true);
      await closing;
      expect((await store.readAll({ streamPrefixes: ['contract-'] })).length).toBe(1);
    } finally {
      agent.destroy();
    }
  }, 30_000);

  it('finishes every in-flight request before it closes', async () => {
    const { store, slow, counts } = slowStore(200);
    const test = await startTestApp({ eventStore: slow });
    await test.app.listen(0, '127.0.0.1');
    const { port } = test.app.getHttpServer().address() as { port: number };
    const post = (index: number) =>
      fetch(`http://127.0.0.1:${port}/contracts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${test.token}` },
        body: JSON.stringify(smallContract({ title: `Job ${index}` })),
      }).then(
        (response) => response.status,
        (error: Error) => error.message,
      );
    const inFlight = Array.from({ length: 20 }, (_, index) => post(index));
    // Every request is inside its command when the shutdown begins.
    while (counts.started < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    const closing = test.close();
    expect(await Promise.all(inFlight)).toEqual(Array.from({ length: 20 }, () => 201));
    await closing;
    expect((await store.readAll({ streamPrefixes: ['contract-'] })).length).toBe(20);
    // Twenty token-checked requests held 200 ms each: seconds on a busy machine, not jest's default
    // 5.
  }, 30_000);
});
