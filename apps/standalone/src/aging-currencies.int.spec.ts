import { randomUUID } from 'node:crypto';
import { CUSTOMER, expectOk, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

describe('money of different currencies', () => {
  it('is never added: aging totals come per currency', async () => {
    const test = await startTestApp();
    try {
      for (const currency of ['USD', 'EUR']) {
        const customer = { ...CUSTOMER, id: randomUUID(), name: `${currency} customer` };
        const { contractId } = await expectOk<any>(
          test.client.post('/contracts', smallContract({ customer, currency })),
          'create',
        );
        await expectOk(
          test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
          'activate',
        );
        await waitFor(test.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
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
        const [draft] = await waitFor<any[]>(
          test.client,
          `/invoices?contractId=${contractId}&status=draft`,
          (list) => list.length === 1,
          'draft',
        );
        await expectOk(
          test.client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-03' }),
          'issue',
        );
        await test.settle();
        // The summary names its figures as G702 does: line 9 is line 3 less line 6.
        const { g702 } = (await test.client.get(`/invoices/${draft.invoiceId}`)).body;
        const summary = (await test.client.get(`/contracts/${contractId}`)).body;
        expect(summary).toMatchObject({
          balanceToFinishIncludingRetainage: g702.balanceToFinishIncludingRetainage,
          balanceToFinish: 500_000,
          retainageHeld: 50_000,
        });
        expect(g702.balanceToFinishIncludingRetainage).toBe(550_000);
      }
      await test.settle();
      const aging = (await test.client.get('/aging?asOf=2026-02-10')).body;
      expect(aging).not.toHaveProperty('total');
      expect(aging.currencies).toEqual([
        {
          currency: 'EUR',
          buckets: expect.objectContaining({ current: 450_000 }),
          total: 450_000,
          retainageHeld: 50_000,
          unappliedCredit: 0,
        },
        {
          currency: 'USD',
          buckets: expect.objectContaining({ current: 450_000 }),
          total: 450_000,
          retainageHeld: 50_000,
          unappliedCredit: 0,
        },
      ]);
    } finally {
      await test.close();
    }
  }, 30_000);

  it("are never on one account: a contract in another currency than the customer's is refused before anything is billed", async () => {
    const test = await startTestApp();
    try {
      const usd = await expectOk<any>(test.client.post('/contracts', smallContract()), 'create');
      const refused = await test.client.post(
        '/contracts',
        smallContract({ currency: 'EUR', title: 'Euro job' }),
      );
      // Before: created, and its first invoice numbered and issued, then refused by the account.
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toBe(
        `customer ${CUSTOMER.id} is billed in USD (contract "Small job"): its account is kept in one currency, so a contract in EUR needs another customer id`,
      );
      expect((await test.client.get('/contracts')).body).toEqual([
        expect.objectContaining({ contractId: usd.contractId }),
      ]);
      // Once the only contract in USD is cancelled (a draft, never billed), EUR is free.
      await expectOk(
        test.client.post(`/contracts/${usd.contractId}/cancel`, { reason: 'lost the bid' }),
        'cancel',
      );
      await expectOk(test.client.post('/contracts', smallContract({ currency: 'EUR' })), 'EUR');
      await expectOk(test.client.post('/contracts', smallContract({ currency: 'EUR' })), 'EUR too');
    } finally {
      await test.close();
    }
  }, 30_000);
});
