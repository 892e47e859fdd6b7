import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import {
  activeSmallContract,
  CUSTOMER,
  expectOk,
  issuedSmallApplication,
  waitFor,
} from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

/**
 * Two instances of the services on one store, as two processes of a service share EventStoreDB:
 * each its own connection, its own state of the streams it wrote last, its own commands one at a
 * time.
 */
describe('two instances on one store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-two-instances-'));
  const instance = () =>
    startTestApp({
      eventStore: new SqliteEventStore(join(dir, 'events.sqlite')),
      readModels: new SqliteReadModels(join(dir, 'read-models.sqlite')),
    });
  let one: TestApp;
  let two: TestApp;
  let total = 0;
  const account = `/accounts/${CUSTOMER.id}`;
  const payment = (amount: number, reference: string) => ({
    amount,
    currency: 'USD',
    method: 'wire',
    reference,
    receivedOn: '2026-02-10',
  });

  beforeAll(async () => {
    one = await instance();
    two = await instance();
    ({ total } = await issuedSmallApplication(one.client));
    await waitFor<any>(one.client, account, (body) => body.balance === total, 'the receivable');
  }, 30_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers one Idempotency-Key sent to both with different requests once, refuses the other, and both go on from what the store holds', async () => {
    const paid: number[] = [];
    for (const key of ['k-1', 'k-2', 'k-3', 'k-4']) {
      const headers = { 'idempotency-key': key };
      const answers = await Promise.all([
        one.client.post(`${account}/payments`, payment(100, key), headers),
        two.client.post(`${account}/payments`, payment(101, key), headers),
      ]);
      const statuses = answers.map((answer) => answer.status).sort();
      expect([key, statuses]).toEqual([key, [201, 422]]);
      const recorded = answers.findIndex((answer) => answer.status === 201);
      const amount = [100, 101][recorded];
      // The answer is the payment the store holds.
      const { allocations, unapplied } = answers[recorded].body;
      expect(unapplied + allocations.reduce((sum: number, a: any) => sum + a.amount, 0)).toBe(
        amount,
      );
      paid.push(amount);
      // Retried at either instance: the recorded one is answered as recorded, the refused one
      // refused again.
      for (const app of [one, two]) {
        const again = await app.client.post(`${account}/payments`, payment(amount, key), headers);
        expect([again.status, again.headers?.['idempotent-replayed']]).toEqual([201, 'true']);
        const refused = await app.client.post(
          `${account}/payments`,
          payment([100, 101][1 - recorded], key),
          headers,
        );
        expect(refused.status).toBe(422);
      }
    }
    // Each instance records the next payment on the account the store holds.
    for (const [app, key] of [
      [one, 'k-5'],
      [two, 'k-6'],
    ] as const)
      paid.push(
        (await expectOk<any>(app.client.post(`${account}/payments`, payment(7, key)), 'pay'))
          .allocations[0].amount,
      );
    await Promise.all([one.settle(), two.settle()]);
    const statement = await expectOk<any>(one.client.get(account), 'account');
    const sum = paid.reduce((a, b) => a + b, 0);
    // The invoice's paid figure is what the payments recorded: no instance decided on a payment
    // the store does not hold.
    expect([statement.balance, statement.unappliedCredit, statement.openItems]).toEqual([
      total - sum,
      0,
      [expect.objectContaining({ total, paid: sum, open: total - sum })],
    ]);
  }, 30_000);

  it('answers an issue sent under one key to both with two dates once, and refuses the other as a reused key', async () => {
    for (const key of ['i-1', 'i-2', 'i-3']) {
      const contractId = await activeSmallContract(one.client);
      const reports = `/contracts/${contractId}/progress-reports`;
      const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
      await expectOk(one.client.post(reports, { periodEnd: '2026-01-31', lines }), 'report');
      await expectOk(one.client.post(`${reports}/2026-01-31/certify`, {}), 'certify');
      const [draft] = await waitFor<any[]>(
        one.client,
        `/invoices?contractId=${contractId}&status=draft`,
        (list) => list.length === 1,
        'draft',
      );
      const headers = { 'idempotency-key': key };
      const answers = await Promise.all(
        [one, two].map((app, i) =>
          app.client.post(
            `/invoices/${draft.invoiceId}/issue`,
            { date: `2026-02-0${3 + i}` },
            headers,
          ),
        ),
      );
      expect([key, answers.map((answer) => answer.status).sort()]).toEqual([key, [200, 422]]);
    }
  }, 30_000);

  it('issues the drafts of many contracts at once, each with the next number: none gives up racing for the series', async () => {
    const drafts = [];
    for (let i = 0; i < 12; i++) {
      const contractId = await activeSmallContract(one.client);
      const reports = `/contracts/${contractId}/progress-reports`;
      const lines = [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }];
      await expectOk(one.client.post(reports, { periodEnd: '2026-01-31', lines }), 'report');
      await expectOk(one.client.post(`${reports}/2026-01-31/certify`, {}), 'certify');
      drafts.push(contractId);
    }
    const ids = await Promise.all(
      drafts.map(async (contractId) => {
        const [draft] = await waitFor<any[]>(
          one.client,
          `/invoices?contractId=${contractId}&status=draft`,
          (list) => list.length === 1,
          'draft',
        );
        return draft.invoiceId as string;
      }),
    );
    const answers = await Promise.all(
      ids.map((id, i) =>
        (i % 2 ? two : one).client.post(`/invoices/${id}/issue`, { date: '2026-02-03' }),
      ),
    );
    expect(answers.map((answer) => (answer.status === 200 ? 200 : answer.body))).toEqual(
      ids.map(() => 200),
    );
    const numbers = answers.map((answer) => answer.body.number).sort();
    expect(new Set(numbers).size).toBe(ids.length);
  }, 60_000);
});
