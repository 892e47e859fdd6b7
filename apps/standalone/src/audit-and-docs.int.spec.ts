import { CUSTOMER, expectOk, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

describe('audit as of an instant, and API docs', () => {
  let test: TestApp;
  beforeAll(async () => (test = await startTestApp()));
  afterAll(() => test.close());

  it('reconstructs a contract, an invoice and an account as they stood at an earlier instant', async () => {
    const body = smallContract({ title: 'Audit job' });
    const { contractId } = await expectOk<any>(test.client.post('/contracts', body), 'create');
    await expectOk(
      test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await test.settle();
    await pause();
    const beforeChangeOrder = new Date().toISOString();
    await pause();
    await expectOk(
      test.client.post(`/contracts/${contractId}/change-orders`, {
        number: 'CO-1',
        description: 'More',
        amount: 100_000,
        approvedOn: '2026-01-20',
        lines: [{ lineId: 'B', item: '2', description: 'More', scheduledValue: 100_000 }],
      }),
      'change order',
    );
    await test.settle();
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports`, {
        periodEnd: '2026-01-31',
        lines: [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }],
      }),
      'report',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}),
      'certify',
    );
    const [draft] = await waitFor<any[]>(
      test.client,
      `/invoices?contractId=${contractId}&status=draft`,
      (list) => list.length === 1,
      'draft',
    );
    await pause();
    const beforeIssue = new Date().toISOString();
    await pause();
    await expectOk(
      test.client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-02' }),
      'issue',
    );
    await test.settle();
    await pause();
    const beforePayment = new Date().toISOString();
    await pause();
    await expectOk(
      test.client.post(`/accounts/${CUSTOMER.id}/payments`, {
        amount: 450_000,
        currency: 'USD',
        method: 'wire',
        reference: 'W1',
        receivedOn: '2026-02-20',
      }),
      'pay',
    );

    const then = (await test.client.get(`/contracts/${contractId}/as-of?at=${beforeChangeOrder}`))
      .body;
    expect(then.contract).toMatchObject({ status: 'active', changeOrders: [] });
    expect(
      (await test.client.get(`/contracts/${contractId}/as-of?at=${new Date().toISOString()}`)).body
        .contract.changeOrders,
    ).toHaveLength(1);
    expect(
      (await test.client.get(`/contracts/${contractId}/as-of?at=2000-01-01T00:00:00Z`)).status,
    ).toBe(404);
    expect((await test.client.get(`/contracts/${contractId}/as-of?at=yesterday`)).status).toBe(400);

    expect(
      (await test.client.get(`/invoices/${draft.invoiceId}/as-of?at=${beforeIssue}`)).body.invoice,
    ).toMatchObject({ status: 'draft' });
    expect(
      (await test.client.get(`/invoices/${draft.invoiceId}/as-of?at=${beforePayment}`)).body
        .invoice,
    ).toMatchObject({ status: 'issued', number: 'INV-2026-00001' });

    expect(
      (await test.client.get(`/accounts/${CUSTOMER.id}/as-of?at=${beforePayment}`)).body.account
        .items[0],
    ).toMatchObject({ paid: 0, total: 450_000 });
    expect(
      (await test.client.get(`/accounts/${CUSTOMER.id}/as-of?at=${new Date().toISOString()}`)).body
        .account.items[0],
    ).toMatchObject({ paid: 450_000 });
  });

  it('serves the OpenAPI document behind Swagger UI at /docs', async () => {
    expect((await test.client.get('/docs')).status).toBe(200);
    const { body } = await test.client.get('/docs-json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/contracts',
        '/invoices/{id}/issue',
        '/accounts/{customerId}/payments',
        '/aging',
        '/contracts/{contractId}/progress-reports',
      ]),
    );
    expect(Object.keys(body.components.schemas.CreateContractDto.properties)).toEqual(
      expect.arrayContaining(['customer', 'originalSum', 'retainage', 'lines']),
    );
  });
});
