import {
  draftedSmallApplication,
  expectOk,
  runScenario,
  smallContract,
} from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

describe('lists are paged and read through indexes', () => {
  let test: TestApp;
  let contractId: string;
  beforeAll(async () => {
    test = await startTestApp();
    contractId = (await runScenario(test.client)).contractId;
    await test.settle();
  }, 60_000);
  afterAll(() => test.close());

  it('pages invoices with limit and offset, in a stable order, and counts them all', async () => {
    const all = await test.client.get(`/invoices?contractId=${contractId}`);
    expect(all.body.map((invoice: any) => invoice.number).sort()).toEqual([
      'INV-2026-00001',
      'INV-2026-00002',
      'INV-2026-00003',
      'INV-2026-00004',
      'INV-2026-00005',
    ]);
    const second = await test.client.get(`/invoices?contractId=${contractId}&limit=2&offset=2`);
    expect(second.body).toEqual(all.body.slice(2, 4));
    expect(second.headers?.['x-total-count']).toBe('5');
    expect((await test.client.get('/contracts?limit=1')).body).toHaveLength(1);
    expect((await test.client.get('/accounts?limit=1&offset=0')).headers?.['x-total-count']).toBe(
      '1',
    );
  });

  it('pages by the cursor of its Link header: what leaves the filter between pages moves nothing', async () => {
    for (let i = 0; i < 4; i++) await draftedSmallApplication(test.client);
    const drafts = (await test.client.get('/invoices?status=draft')).body;
    expect(drafts).toHaveLength(4);
    const first = await test.client.get('/invoices?status=draft&limit=2');
    expect(first.body).toEqual(drafts.slice(0, 2));
    const next = /^<(\/invoices\?[^>]+)>; rel="next"$/.exec(first.headers?.link ?? '')?.[1];
    expect(next).toContain('after=');
    // The first page's drafts are issued: they leave the filter. The next page by offset would
    // start two further on and miss two; by the cursor it holds the other two.
    for (const draft of first.body)
      await expectOk(
        test.client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-03' }),
        'issue',
      );
    expect((await test.client.get('/invoices?status=draft&limit=2&offset=2')).body).toEqual([]);
    const second = await test.client.get(next!);
    expect(second.body.map((invoice: any) => invoice.invoiceId)).toEqual(
      drafts.slice(2).map((invoice: any) => invoice.invoiceId),
    );
    expect(second.headers?.['x-total-count']).toBe('2');
    // A full last page links to an empty one; an empty page links nowhere.
    const last = await test.client.get(/^<([^>]+)>/.exec(second.headers?.link ?? '')![1]);
    expect([last.body, last.headers?.link]).toEqual([[], undefined]);
    // Every list a page of read models answers links the same way.
    for (const list of [
      '/contracts?limit=1',
      '/accounts?limit=1',
      '/aging?asOf=2026-07-15&limit=1',
    ])
      expect([list, (await test.client.get(list)).headers?.link]).toEqual([
        list,
        expect.stringMatching(/^<\/[a-z-]+\?.*after=[A-Za-z0-9_-]+.*>; rel="next"$/),
      ]);
  });

  it('follows a Link whose cursor holds a long title, or names the item when the title is too long to carry', async () => {
    for (const title of [
      `${'€'.repeat(1400)}a`,
      `${'€'.repeat(1400)}b`,
      `${'中'.repeat(1999)}c`,
      `${'中'.repeat(1999)}d`,
    ])
      await expectOk(test.client.post('/contracts', smallContract({ title })), 'create');
    const all = (await test.client.get('/contracts?limit=1000')).body.map((c: any) => c.contractId);
    let next: string | undefined = '/contracts?limit=1';
    const seen: string[] = [];
    while (next) {
      const reply: { status: number; body: any; headers?: Record<string, string> } =
        await test.client.get(next);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.map((c: any) => c.contractId));
      next = /^<([^>]+)>/.exec(reply.headers?.link ?? '')?.[1];
      // Never longer than a client and a server take in a request line.
      expect((next ?? '').length).toBeLessThan(8_000);
    }
    expect(seen).toEqual(all);
  });

  it('refuses a cursor it did not give, and a cursor with an offset', async () => {
    const cursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    for (const [after, field] of [
      ['not+base64', 'after'],
      [cursor(['x']), 'after'],
      [cursor({ a: 1 }), 'after'],
      [cursor([{ $gt: '' }, null, null, 'x']), 'after'],
      [Buffer.from('["x",1e400,null,"x"]').toString('base64url'), 'after'],
      [cursor({ id: 'not-an-invoice' }), 'after'],
      [cursor({ id: 7 }), 'after'],
      [Buffer.from('nope').toString('base64url'), 'after'],
    ])
      expect([
        after,
        (await test.client.get(`/invoices?after=${after}`)).body.errors?.[0]?.field,
      ]).toEqual([after, field]);
    const reply = await test.client.get(`/invoices?offset=0&after=${cursor(['', 1, null, 'x'])}`);
    expect([reply.status, reply.body.errors]).toEqual([
      400,
      [{ field: 'offset', messages: ['offset cannot be given with after'] }],
    ]);
  });

  it('refuses a page or filter it does not understand', async () => {
    for (const query of [
      'limit=0',
      'limit=1001',
      'offset=-1',
      'limit=two',
      'status=paid',
      'contractId=nope',
      'colour=red',
    ]) {
      expect([query, (await test.client.get(`/invoices?${query}`)).status]).toEqual([query, 400]);
    }
    // Each says what is wrong with it, not every rule it could break: a value that is no integer
    // is not also "greater than 1000" and "less than 1".
    for (const [query, field, message] of [
      ['limit=two', 'limit', 'limit must be an integer number'],
      ['limit=1.5', 'limit', 'limit must be an integer number'],
      ['offset=99999999999999999999', 'offset', 'offset must be an integer number'],
      ['limit=1001', 'limit', 'limit must not be greater than 1000'],
    ])
      expect((await test.client.get(`/invoices?${query}`)).body.errors).toEqual([
        { field, messages: [message] },
      ]);
  });

  it("pages a contract history after an event's id", async () => {
    const first = (await test.client.get(`/contracts/${contractId}/history?limit=10`)).body;
    const next = (
      await test.client.get(
        `/contracts/${contractId}/history?limit=10&after=${first.at(-1).eventId}`,
      )
    ).body;
    const whole = (await test.client.get(`/contracts/${contractId}/history`)).body;
    expect([...first, ...next]).toEqual(whole.slice(0, 20));
    // An id that is not one of this contract's events is no place to start from.
    const elsewhere = (
      await test.client.get(`/contracts/${contractId}/history?after=${contractId}`)
    ).body;
    expect(elsewhere.errors).toEqual([
      {
        field: 'after',
        messages: ["after must be the eventId of an event of this contract's history"],
      },
    ]);
  });
});
