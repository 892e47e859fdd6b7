import { expectOk, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

describe('what a client waits for', () => {
  it('shows a reaction a billing rule refused, with the reason, so "never" is not "not yet"', async () => {
    const test = await startTestApp();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { contractId } = await expectOk<any>(test.client.post('/contracts', smallContract()), 'create');
      await expectOk(test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }), 'activate');
      await waitFor(test.client, `/contracts/${contractId}/billing`, () => true, 'ledger');
      // Completed with nothing billed: no retainage is held, so no release will ever be drafted.
      await expectOk(test.client.post(`/contracts/${contractId}/complete`, { date: '2026-02-01' }), 'complete');
      const refusals = await waitFor<any[]>(test.client, `/refusals?contractId=${contractId}`, (list) => list.length > 0, 'the refusal');
      expect(refusals).toEqual([
        expect.objectContaining({ consumer: 'invoicing', type: 'ContractPhaseChanged', contractId, reason: expect.stringMatching(/no retainage is held/) }),
      ]);
      expect((await (await test.as({ tenantId: 'other' })).get('/refusals')).body).toEqual([]);
    } finally {
      warn.mockRestore();
      await test.close();
    }
  }, 30_000);

  it('answers a certification with where its pay application will appear', async () => {
    const test = await startTestApp();
    try {
      const { contractId } = await expectOk<any>(test.client.post('/contracts', smallContract()), 'create');
      await expectOk(test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }), 'activate');
      await waitFor(test.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
      await expectOk(
        test.client.post(`/contracts/${contractId}/progress-reports`, { periodEnd: '2026-01-31', lines: [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }] }),
        'report',
      );
      const certified = await expectOk<any>(test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}), 'certify');
      expect(certified.next.payApplication).toBe(`/invoices?contractId=${contractId}&status=draft`);
      expect(await waitFor<any[]>(test.client, certified.next.payApplication, (list) => list.length === 1, 'the draft')).toHaveLength(1);
    } finally {
      await test.close();
    }
  }, 30_000);
});
