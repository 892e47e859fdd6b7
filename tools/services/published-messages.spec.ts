import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CONTRACTS_TOPIC, contractsSchemas } from '@billing/contracts/messages';
import { INVOICING_TOPIC, invoicingSchemas } from '@billing/invoicing/messages';
import { MILESTONES_TOPIC, milestonesSchemas } from '@billing/milestones/messages';
import { RECEIVABLES_TOPIC, receivablesSchemas } from '@billing/receivables/messages';
import type { Message, SchemaRegistry } from '@billing/shared/bus';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';

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
describe('the integration messages the construction scenario publishes', () => {
  it('carry exactly the fields of their versioned classes, nested ones included', async () => {
    const test = await startTestApp();
    const published: Message[] = [];
    const consumer = await test.infrastructure.bus.subscribe('published-fields', Object.keys(REGISTRIES), async (message) => void published.push(message));
    try {
      await runScenario(test.client);
      await test.settle();
      expect(await consumer.caughtUp(await test.infrastructure.eventStore.headPosition())).toBe(true);
    } finally {
      await consumer.stop();
      await test.close();
    }
    const types = new Set(published.map((message) => message.type));
    expect([...types].sort()).toEqual(['ChangeOrderApproved', 'ContractActivated', 'ContractPhaseChanged', 'InvoiceBalancesChanged', 'InvoiceIssued', 'ProgressCertified']);
    const wrong = published.flatMap((message) => {
      const schema = REGISTRIES[message.topic][message.type]?.[message.schemaVersion];
      if (!schema) return [`${message.type} v${message.schemaVersion}: no class`];
      const errors = validateSync(plainToInstance(schema, message.data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
      return errors.length ? [`${message.type}: ${JSON.stringify(errors.map((error) => [error.property, error.constraints, error.children?.length]))}`] : [];
    });
    expect([...new Set(wrong)]).toEqual([]);
  }, 60_000);
});
