import { messageContext } from './command-context';

describe('messageContext', () => {
  it('gives a redelivered message the very same command context, whenever it is delivered', () => {
    jest.useFakeTimers();
    const message = {
      id: '3b0f8c1e-0000-4000-8000-000000000001',
      type: 'InvoiceIssued',
      schemaVersion: 1,
      topic: 'billing.invoicing',
      key: 'acme/c1',
      data: {},
      tenantId: 'acme',
      correlationId: 'corr',
      causationId: 'cause',
      actor: 'ann',
      occurredAt: '2026-02-03T10:00:00.000Z',
    };
    try {
      jest.setSystemTime(new Date('2026-02-03T10:00:01Z'));
      const first = messageContext(message, 'receivables');
      jest.setSystemTime(new Date('2026-05-15T08:00:00Z'));
      const redelivered = messageContext(message, 'receivables');
      expect(redelivered).toEqual(first);
      expect(first.now.toISOString()).toBe('2026-02-03T10:00:00.000Z');
      expect(messageContext(message, 'contracts').commandId).not.toBe(first.commandId);
    } finally {
      jest.useRealTimers();
    }
  });
});
