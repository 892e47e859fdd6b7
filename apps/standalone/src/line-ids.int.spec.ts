import { activeSmallContract, expectOk, waitFor } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

/**
 * Line ids are the client's: names every JavaScript object inherits (`toString`, `__proto__`) are
 * ids like any other, billed as such, never read as what the object inherits.
 */
describe('line ids named like what every object inherits', () => {
  let test: TestApp;
  beforeAll(async () => (test = await startTestApp()));
  afterAll(() => test.close());

  it('bills each line of two pay applications in whole cents', async () => {
    const ids = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
    const contractId = await activeSmallContract(test.client, {
      lines: ids.map((lineId, index) => ({
        lineId,
        item: String(index + 1),
        description: `Line ${lineId}`,
        scheduledValue: 200_000,
      })),
    });
    const reports = `/contracts/${contractId}/progress-reports`;
    const drafts: any[] = [];
    for (const [periodEnd, percentComplete, issuedOn] of [
      ['2026-01-31', 2500, '2026-02-03'],
      ['2026-02-28', 5000, '2026-03-03'],
    ] as const) {
      const lines = ids.map((lineId) => ({ lineId, percentComplete, storedMaterials: 0 }));
      await expectOk(test.client.post(reports, { periodEnd, lines }), 'report');
      await expectOk(test.client.post(`${reports}/${periodEnd}/certify`, {}), 'certify');
      const [draft] = await waitFor<any[]>(
        test.client,
        `/invoices?contractId=${contractId}&status=draft`,
        (list) => list.length === 1,
        `the draft of ${periodEnd}`,
      );
      drafts.push(draft);
      await expectOk(
        test.client.post(`/invoices/${draft.invoiceId}/issue`, { date: issuedOn }),
        'issue',
      );
    }
    const [first, second] = await Promise.all(
      drafts.map((draft) => expectOk<any>(test.client.get(`/invoices/${draft.invoiceId}`), 'get')),
    );
    expect(
      first.g703.map((line: any) => [line.lineId, line.fromPreviousApplication, line.thisPeriod]),
    ).toEqual(ids.map((lineId) => [lineId, 0, 50_000]));
    expect(
      second.g703.map((line: any) => [line.lineId, line.fromPreviousApplication, line.thisPeriod]),
    ).toEqual(ids.map((lineId) => [lineId, 50_000, 50_000]));
    expect([first.amount, second.amount]).toEqual([225_000, 225_000]);
  });
});
