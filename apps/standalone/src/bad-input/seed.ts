import { CUSTOMER, expectOk, smallContract, waitFor, type Client } from '@billing/shared/testing';
import type { TestApp } from '../testing/test-app';
import type { RealValue } from './requests';

/**
 * What exists before the first malformed request, so that a request that got past validation would
 * act.
 */
export interface Seeded {
  contractId: string;
  draftContractId: string;
  milestoneContractId: string;
  issuedInvoiceId: string;
  draftInvoiceId: string;
  paymentId: string;
  /** A credit note on the issued invoice; that invoice was reminded once (level 1). */
  creditNoteId: string;
  /** Reported and not yet certified or rejected. */
  pendingPeriodEnd: string;
}

const MILESTONE_CONTRACT = smallContract({
  title: 'Design services',
  basis: 'milestone',
  lines: [
    { lineId: 'M1', item: '1', description: 'Schematic design', scheduledValue: 400_000 },
    { lineId: 'M2', item: '2', description: 'Construction documents', scheduledValue: 600_000 },
  ],
});

/**
 * An active contract with an issued and a draft pay application and a pending report, a draft
 * contract, a milestone contract, a payment.
 */
export async function seed(test: TestApp): Promise<Seeded> {
  const { client } = test;
  const create = async (body: object) =>
    (await expectOk<{ contractId: string }>(client.post('/contracts', body), 'create')).contractId;
  const [contractId, draftContractId, milestoneContractId] = [
    await create(smallContract()),
    await create(smallContract({ title: 'Draft job' })),
    await create(MILESTONE_CONTRACT),
  ];
  for (const id of [contractId, milestoneContractId])
    await expectOk(client.post(`/contracts/${id}/activate`, { date: '2026-01-05' }), 'activate');
  await test.settle();
  const issuedInvoiceId = await certifiedDraft(test, contractId, '2026-01-31', 5000);
  await expectOk(
    client.post(`/invoices/${issuedInvoiceId}/issue`, { date: '2026-02-03' }),
    'issue',
  );
  const draftInvoiceId = await certifiedDraft(test, contractId, '2026-02-28', 7000);
  await report(client, contractId, '2026-03-31', 8000);
  await waitFor(client, `/accounts/${CUSTOMER.id}`, () => true, 'account');
  const payment = {
    amount: 100_000,
    currency: 'USD',
    method: 'wire',
    reference: 'W-1',
    receivedOn: '2026-02-10',
  };
  const { paymentId } = await expectOk<{ paymentId: string }>(
    client.post(`/accounts/${CUSTOMER.id}/payments`, payment),
    'payment',
  );
  const note = { amount: 100, reason: 'seeded credit', date: '2026-02-04' };
  const { creditNoteId } = await expectOk<{ creditNoteId: string }>(
    client.post(`/invoices/${issuedInvoiceId}/credit-notes`, note),
    'credit note',
  );
  await test.settle();
  await expectOk(
    client.post('/reminders/run', { runDate: '2026-03-10', levels: [1] }),
    'reminders',
  );
  return {
    contractId,
    draftContractId,
    milestoneContractId,
    issuedInvoiceId,
    draftInvoiceId,
    paymentId,
    creditNoteId,
    pendingPeriodEnd: '2026-03-31',
  };
}

const report = (client: Client, contractId: string, periodEnd: string, percentComplete: number) =>
  expectOk(
    client.post(`/contracts/${contractId}/progress-reports`, {
      periodEnd,
      lines: [{ lineId: 'A', percentComplete, storedMaterials: 0 }],
    }),
    'report',
  );

async function certifiedDraft(
  test: TestApp,
  contractId: string,
  periodEnd: string,
  percentComplete: number,
): Promise<string> {
  await report(test.client, contractId, periodEnd, percentComplete);
  await expectOk(
    test.client.post(`/contracts/${contractId}/progress-reports/${periodEnd}/certify`, {}),
    'certify',
  );
  await test.settle();
  const drafts = await waitFor<{ invoiceId: string; periodEnd: string }[]>(
    test.client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.some((invoice) => invoice.periodEnd === periodEnd),
    `draft for ${periodEnd}`,
  );
  return drafts.find((invoice) => invoice.periodEnd === periodEnd)!.invoiceId;
}

/**
 * Path parameters name what exists, chosen so that a valid request would succeed (a draft to issue,
 * a pending report to certify…).
 */
export function realValues(seeded: Seeded): RealValue {
  return (operation, parameter) => {
    const { path } = operation;
    const values: Record<string, string> = {
      id: path.startsWith('/invoices/')
        ? path.endsWith('/issue')
          ? seeded.draftInvoiceId
          : seeded.issuedInvoiceId
        : /\/(activate|schedule)$/.test(path)
          ? seeded.draftContractId
          : seeded.contractId,
      contractId: path.includes('/milestones/') ? seeded.milestoneContractId : seeded.contractId,
      customerId: CUSTOMER.id,
      invoiceId: seeded.issuedInvoiceId,
      paymentId: seeded.paymentId,
      creditNoteId: seeded.creditNoteId,
      level: '1',
      periodEnd: seeded.pendingPeriodEnd,
      lineId: 'M1',
      streamId: `contract-${seeded.contractId}`,
      correlationId: seeded.contractId,
    };
    if (!(parameter in values))
      throw new Error(
        `${operation.key}: no seeded value for the path parameter ${parameter}; add one to realValues`,
      );
    return values[parameter];
  };
}
