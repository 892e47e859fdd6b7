import { smallContract } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

/** ARCHITECTURE.md "Identity and events": the write side never stores what the read side cannot read. */
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
  ])('answers 400 (not 201 or 500) to a contract %s, naming the field, and writes nothing', async (_, body, field) => {
    const before = await head();
    const reply = await test.client.post('/contracts', body);
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await head()).toBe(before);
  });

  it('answers 400 when only the event schema catches it (a start date that is no calendar date), and writes nothing', async () => {
    const before = await head();
    const reply = await test.client.post('/contracts', smallContract({ startDate: '2026-02-30' }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ type: 'urn:billing:validation', errors: ['terms.startDate: must match format "date"'] });
    expect(reply.body.detail).toMatch(/ContractCreated/);
    expect(await head()).toBe(before);
  });

  it('stores a valid contract, and the stored answer to a keyed POST', async () => {
    const reply = await test.client.post('/contracts', smallContract(), { 'Idempotency-Key': 'create-1' });
    expect(reply.status).toBe(201);
    const types = (await test.infrastructure.eventStore.readAll()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['ContractCreated', 'CommandAnswered']));
    const again = await test.client.post('/contracts', smallContract(), { 'Idempotency-Key': 'create-1' });
    expect({ status: again.status, body: again.body }).toEqual({ status: reply.status, body: reply.body });
  });
});
