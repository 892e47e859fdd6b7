import { smallContract } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

/**
 * ARCHITECTURE.md "Identity and events": the write side never stores what the read side cannot
 * read.
 */
describe('HTTP: an event that does not fit its schema is never stored', () => {
  let test: TestApp;
  beforeEach(async () => (test = await startTestApp()));
  afterEach(() => test.close());

  const head = () => test.infrastructure.eventStore.headPosition();
  const { customer: _, ...withoutCustomer } = smallContract();
  const { lines: __, ...withoutLines } = smallContract();

  it.each([
    ['without customer', withoutCustomer, 'customer'],
    ['with customer: []', smallContract({ customer: [] }), 'customer'],
    ['with customer: null', smallContract({ customer: null }), 'customer'],
    ['without lines', withoutLines, 'lines'],
    ['with lines: []', smallContract({ lines: [] }), 'lines'],
  ])(
    'answers 400 (not 201 or 500) to a contract %s, naming the field, and writes nothing',
    async (_, body, field) => {
      const before = await head();
      const reply = await test.client.post('/contracts', body);
      expect(reply.status).toBe(400);
      expect(reply.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await head()).toBe(before);
    },
  );

  it.each(['2026-02-30', '9999-99-99', '0000-00-00', '9999-12-31', '1900-01-01'])(
    'answers 400 to the start date %s, naming the field, and writes nothing',
    async (startDate) => {
      const before = await head();
      const reply = await test.client.post('/contracts', smallContract({ startDate }));
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({
        type: 'urn:billing:validation',
        errors: [{ field: 'startDate', messages: [expect.stringMatching(/calendar date/)] }],
      });
      expect(await head()).toBe(before);
    },
  );

  it('refuses, at create and at a change order, a contract sum whose figures (tax at 100% included) could not stay exact, instead of parking the pay application later', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const before = await head();
    const created = await test.client.post(
      '/contracts',
      smallContract({
        originalSum: huge,
        taxRate: 10_000,
        lines: [{ lineId: 'A', item: '1', description: 'Work', scheduledValue: huge }],
      }),
    );
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toMatch(/at most 10000000000000/);
    expect(await head()).toBe(before);

    const { contractId } = (await test.client.post('/contracts', smallContract())).body as {
      contractId: string;
    };
    expect(
      (await test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' })).status,
    ).toBe(200);
    const changeOrder = (amount: number) => ({
      number: 'CO-1',
      description: 'More',
      amount,
      approvedOn: '2026-02-01',
      lines: [{ lineId: 'B', item: '2', description: 'More', scheduledValue: amount }],
    });
    const refused = await test.client.post(
      `/contracts/${contractId}/change-orders`,
      changeOrder(10_000_000_000_000 - 1_000_000 + 1),
    );
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/would be 10000000000001/);
    expect(
      (await test.client.post(`/contracts/${contractId}/change-orders`, changeOrder(-1_000_000)))
        .status,
    ).toBe(422);
  });

  it('answers 400 to a customer id in upper case (ids are compared as given: it would open a second account for the same customer)', async () => {
    const { customer } = smallContract() as { customer: { id: string } };
    const before = await head();
    const reply = await test.client.post(
      '/contracts',
      smallContract({ customer: { ...customer, id: customer.id.toUpperCase() } }),
    );
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body.errors)).toMatch(/customer.*lower case/);
    expect(await head()).toBe(before);
  });

  it('stores a valid contract, and the stored answer to a keyed POST', async () => {
    const reply = await test.client.post('/contracts', smallContract(), {
      'Idempotency-Key': 'create-1',
    });
    expect(reply.status).toBe(201);
    const types = (await test.infrastructure.eventStore.readAll()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['ContractCreated', 'CommandAnswered']));
    const again = await test.client.post('/contracts', smallContract(), {
      'Idempotency-Key': 'create-1',
    });
    expect({ status: again.status, body: again.body }).toEqual({
      status: reply.status,
      body: reply.body,
    });
  });
});
