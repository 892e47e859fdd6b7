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

  it.each(['2026-02-30', '9999-99-99', '0000-00-00', '9999-12-31', '1900-01-01'])('answers 400 to the start date %s, naming the field, and writes nothing', async (startDate) => {
    const before = await head();
    const reply = await test.client.post('/contracts', smallContract({ startDate }));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ type: 'urn:billing:validation', errors: [{ field: 'startDate', messages: [expect.stringMatching(/calendar date/)] }] });
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
