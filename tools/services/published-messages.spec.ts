import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CONTRACTS_TOPIC, contractsSchemas } from '@billing/contracts/messages';
import { INVOICING_TOPIC, invoicingSchemas } from '@billing/invoicing/messages';
import { MILESTONES_TOPIC, milestonesSchemas } from '@billing/milestones/messages';
import { RECEIVABLES_TOPIC, receivablesSchemas } from '@billing/receivables/messages';
import type { Message, SchemaRegistry } from '@billing/shared/bus';
import { expectOk, runScenario, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp, type TestApp } from '../../apps/standalone/src/testing/test-app';

const REGISTRIES: Record<string, SchemaRegistry> = {
  [CONTRACTS_TOPIC]: contractsSchemas,
  [MILESTONES_TOPIC]: milestonesSchemas,
  [INVOICING_TOPIC]: invoicingSchemas,
  [RECEIVABLES_TOPIC]: receivablesSchemas,
};

/**
 * Issue 7 item 2: each context maps its domain events to its published, versioned message classes,
 * so a domain event can gain a field without the messages carrying it. Consumers accept fields they
 * do not know (a newer producer); what a producer publishes is exactly its classes, checked here.
 */
describe('the integration messages the construction scenario and a milestone flow publish', () => {
  it('carry exactly the fields of their versioned classes, nested ones included', async () => {
    const test = await startTestApp();
    const published: Message[] = [];
    const consumer = await test.infrastructure.bus.subscribe(
      'published-fields',
      Object.keys(REGISTRIES),
      async (message) => void published.push(message),
    );
    try {
      await runScenario(test.client);
      await milestoneFlow(test);
      await test.settle();
      expect(await consumer.caughtUp(await test.infrastructure.eventStore.headPosition())).toBe(
        true,
      );
    } finally {
      await consumer.stop();
      await test.close();
    }
    const types = new Set(published.map((message) => message.type));
    expect([...types].sort()).toEqual([
      'ChangeOrderApproved',
      'ContractActivated',
      'ContractPhaseChanged',
      'CreditNoteIssued',
      'InvoiceBalancesChanged',
      'InvoiceIssued',
      'InvoiceVoided',
      'MilestoneCertified',
      'ProgressCertified',
    ]);
    const wrong = published.flatMap((message) => {
      const schema = REGISTRIES[message.topic][message.type]?.[message.schemaVersion];
      if (!schema) return [`${message.type} v${message.schemaVersion}: no class`];
      const errors = validateSync(plainToInstance(schema, message.data), {
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
      });
      return errors.length
        ? [
            `${message.type}: ${JSON.stringify(errors.map((error) => [error.property, error.constraints, error.children?.length]))}`,
          ]
        : [];
    });
    expect([...new Set(wrong)]).toEqual([]);
  }, 60_000);
});

/**
 * The messages the construction scenario does not publish: a milestone certified and billed, a
 * credit note, a void.
 */
async function milestoneFlow(test: TestApp): Promise<void> {
  const lines = [
    { lineId: 'M1', item: '1', description: 'Schematic design', scheduledValue: 100_000 },
    { lineId: 'M2', item: '2', description: 'Construction documents', scheduledValue: 200_000 },
  ];
  const { contractId } = await expectOk<any>(
    test.client.post(
      '/contracts',
      smallContract({ basis: 'milestone', originalSum: 300_000, lines }),
    ),
    'create',
  );
  await expectOk(
    test.client.post(`/contracts/${contractId}/activate`, { date: '2026-02-01' }),
    'activate',
  );
  await test.settle();
  const bill = async (lineId: string, date: string) => {
    await expectOk(
      test.client.post(`/contracts/${contractId}/milestones/${lineId}/achieve`, { date }),
      'achieve',
    );
    await expectOk(
      test.client.post(`/contracts/${contractId}/milestones/${lineId}/certify`, { date }),
      'certify',
    );
    const [draft] = await waitFor<any[]>(
      test.client,
      `/invoices?contractId=${contractId}&status=draft`,
      (list) => list.length > 0,
      'the draft',
    );
    await expectOk(test.client.post(`/invoices/${draft.invoiceId}/issue`, { date }), 'issue');
    await test.settle();
    return draft.invoiceId as string;
  };
  const first = await bill('M1', '2026-02-15');
  await expectOk(
    test.client.post(`/invoices/${first}/credit-notes`, {
      amount: 10_000,
      reason: 'fee adjustment',
      date: '2026-02-20',
    }),
    'credit note',
  );
  const second = await bill('M2', '2026-03-02');
  await expectOk(
    test.client.post(`/invoices/${second}/void`, {
      reason: 'billed to the wrong entity',
      date: '2026-03-03',
    }),
    'void',
  );
}
