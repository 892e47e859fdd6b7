import { randomUUID } from 'node:crypto';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

describe('tenant-scoped identity', () => {
  it('lets two tenants bill the same customer id side by side, each with its own account, numbers and aging', async () => {
    const test = await startTestApp();
    try {
      const tenants = {
        acme: await test.as({ tenantId: 'acme' }),
        globex: await test.as({ tenantId: 'globex' }),
      };
      const [acme, globex] = await Promise.all([
        runScenario(tenants.acme),
        runScenario(tenants.globex),
      ]);
      await test.settle();
      expect(globex.customerId).toBe(acme.customerId);
      expect(globex.applications.map((a) => [a.number, a.total])).toEqual(
        acme.applications.map((a) => [a.number, a.total]),
      );
      // Server-minted ids differ per tenant; every figure is the same.
      const figures = (aging: unknown) =>
        JSON.parse(
          JSON.stringify(aging, (key, value: unknown) => (key === 'invoiceId' ? undefined : value)),
        );
      expect(figures(globex.aging)).toEqual(figures(acme.aging));
      for (const tenant of [tenants.acme, tenants.globex]) {
        const account = (await tenant.get(`/accounts/${acme.customerId}`)).body;
        expect(account.invoices.map((item: any) => item.number)).toEqual([
          'INV-2026-00001',
          'INV-2026-00002',
          'INV-2026-00003',
          'INV-2026-00004',
          'INV-2026-00005',
        ]);
      }
      const streams = new Set(
        (await test.infrastructure.eventStore.readAll({ streamPrefixes: ['account-'] })).map(
          (event) => event.streamId,
        ),
      );
      expect([...streams].sort()).toEqual([
        `account-acme.${acme.customerId}`,
        `account-globex.${acme.customerId}`,
      ]);
      expect(
        (await (await test.as({ tenantId: 'initech' })).get(`/accounts/${acme.customerId}`)).status,
      ).toBe(404);
    } finally {
      await test.close();
    }
  }, 60_000);

  it('keeps an account stream named before tenant scoping as its tenant account (ADR 8)', async () => {
    // The legacy invoice names no contract here: contracts and invoicing park it, as they must, and
    // say so on the error log.
    const parked = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const test = await startTestApp();
    const customerId = randomUUID();
    const invoiceId = randomUUID();
    const legacy = `account-${customerId}`;
    const metadata = {
      tenantId: 'default',
      correlationId: 'c',
      causationId: 'old',
      actor: 'old-version',
      occurredAt: '2026-01-02T00:00:00.000Z',
      schemaVersion: 1,
    };
    const opened = {
      customerId,
      customerName: 'Old Customer',
      invoiceId,
      number: 'INV-2025-00009',
      contractId: randomUUID(),
      kind: 'progress',
      currency: 'USD',
      issueDate: '2025-12-01',
      dueDate: '2025-12-31',
      total: 50_000,
      retainageHeld: 0,
      balances: [{ invoiceId, contractId: randomUUID(), paid: 0, open: 50_000 }],
    };
    try {
      await test.infrastructure.eventStore.append(
        legacy,
        [{ id: randomUUID(), type: 'InvoiceOpened', data: opened, metadata }],
        'no_stream',
      );
      const paid = await test.client.post(`/accounts/${customerId}/payments`, {
        amount: 20_000,
        method: 'wire',
        reference: 'W1',
        receivedOn: '2026-01-10',
      });
      expect(paid.status).toBe(201);
      expect(
        (await test.infrastructure.eventStore.readStream(legacy)).map((event) => event.type),
      ).toEqual(['InvoiceOpened', 'PaymentReceived']);
      expect((await test.client.get(`/accounts/${customerId}`)).body).toMatchObject({
        balance: 30_000,
        openItems: [{ number: 'INV-2025-00009', open: 30_000 }],
      });
      // Another tenant with that customer id gets an account of its own, and never the old one.
      const acme = await test.as({ tenantId: 'acme' });
      expect(
        (
          await acme.post(`/accounts/${customerId}/payments`, {
            amount: 1,
            method: 'wire',
            reference: 'W2',
          })
        ).status,
      ).toBe(404);
    } finally {
      await test.close();
      parked.mockRestore();
    }
  }, 30_000);
});
