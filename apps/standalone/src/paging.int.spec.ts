import { runScenario } from '@billing/shared/testing';
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

  it('pages a contract history by position', async () => {
    const first = (await test.client.get(`/contracts/${contractId}/history?limit=10`)).body;
    const next = (
      await test.client.get(
        `/contracts/${contractId}/history?limit=10&after=${first.at(-1).position}`,
      )
    ).body;
    const whole = (await test.client.get(`/contracts/${contractId}/history`)).body;
    expect([...first, ...next]).toEqual(whole.slice(0, 20));
  });
});
