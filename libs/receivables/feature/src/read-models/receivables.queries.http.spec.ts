import type { EventStore } from '@billing/shared/event-store';
import type { RequestContext } from '@billing/shared/nest';
import { InMemoryReadModels, stampedWith } from '@billing/shared/read-models';
import { ACCOUNTS, accountKey, ITEMS } from './accounts.projection';
import { ReceivablesQueries } from './receivables.queries.http';

describe("a customer's account (receivables.queries.http.ts)", () => {
  it('lists invoices due the same day by number as numbers go, not as text', async () => {
    const readModels = new InMemoryReadModels();
    const store = stampedWith(readModels, 't');
    await store.apply(ACCOUNTS, accountKey('t', 'cust'), 1, () => ({
      customerId: 'cust',
      customerName: 'Owner',
      currency: 'USD',
      balance: 3_000,
      unappliedCredit: 0,
    }));
    const due = '2026-03-01';
    for (const [position, number] of [
      'INV-2026-100000',
      'INV-2026-99999',
      'INV-2025-100001',
    ].entries())
      await store.apply(ITEMS, number, position + 2, () => ({
        invoiceId: number,
        number,
        customerId: 'cust',
        dueDate: due,
        total: 1_000,
        open: 1_000,
        reminders: [],
      }));
    const queries = new ReceivablesQueries(readModels, {} as EventStore, {} as never, {} as never);

    const account = await queries.account('cust', { tenantId: 't' } as RequestContext);

    expect(account.invoices.map((item) => item.number)).toEqual([
      'INV-2025-100001',
      'INV-2026-99999',
      'INV-2026-100000',
    ]);
  });
});
