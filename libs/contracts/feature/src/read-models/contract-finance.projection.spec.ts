import type { ContractEvent } from '@billing/contracts/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import { InMemoryReadModels, stampedWith, type ReadModelStore } from '@billing/shared/read-models';
import { contractFinanceProjection } from './contract-finance.projection';
import { WIP_TOTALS } from './wip-schedule';

const contractId = '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b01';
const [first, second] = [
  '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b02',
  '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b03',
];
const terms = {
  customer: {
    id: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
    name: 'Owner',
    email: 'ap@owner.example',
    address: 'Main St',
  },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  basis: 'progress' as const,
  retainage: [{ threshold: 0, workRate: 1000, materialsRate: 1000 }],
  taxRate: 0,
  paymentTermsDays: 30,
  poNumber: '',
  startDate: '2026-01-05',
};
const lines = [{ lineId: 'A', item: '1', description: 'Work', scheduledValue: 1_000_000 }];
const figures = (completedAndStoredToDate: number) => ({
  completedAndStoredToDate,
  retainageHeld: completedAndStoredToDate / 10,
  billedNet: (completedAndStoredToDate * 9) / 10,
  billedTax: 0,
});

/**
 * A contract's life as the projection reads it: costs before and after a back-dated change order, a
 * pay application issued, voided and issued again.
 */
const life: ContractEvent[] = [
  { type: 'ContractCreated', data: { contractId, terms, lines, createdOn: '2026-01-02' } },
  { type: 'ContractActivated', data: { contractId, activatedOn: '2026-01-05', terms, lines } },
  {
    type: 'CostsReported',
    data: {
      contractId,
      periodEnd: '2026-01-31',
      costToDate: 100_000,
      estimatedTotalCost: 800_000,
      reportedOn: '2026-02-04',
    },
  },
  {
    type: 'BillingFiguresRecorded',
    data: {
      contractId,
      documentId: first,
      figures: figures(200_000),
      document: { change: 'issued', kind: 'progress', on: '2026-01-31', amount: 180_000, tax: 0 },
    },
  },
  {
    type: 'CostsReported',
    data: {
      contractId,
      periodEnd: '2026-02-28',
      costToDate: 300_000,
      estimatedTotalCost: 810_000,
      reportedOn: '2026-03-04',
    },
  },
  {
    type: 'ChangeOrderApproved',
    data: {
      contractId,
      changeOrderId: second,
      number: 'CO-1',
      description: 'More',
      amount: 30_000,
      approvedOn: '2026-01-20',
      lines: [{ lineId: 'B', item: '2', description: 'More', scheduledValue: 30_000 }],
    },
  },
  {
    type: 'BillingFiguresRecorded',
    data: {
      contractId,
      documentId: first,
      figures: figures(0),
      document: { change: 'voided', on: '2026-02-10' },
    },
  },
  {
    type: 'BillingFiguresRecorded',
    data: {
      contractId,
      documentId: second,
      figures: figures(200_000),
      document: { change: 'issued', kind: 'progress', on: '2026-02-12', amount: 180_000, tax: 0 },
    },
  },
];

const recorded = (event: ContractEvent, index: number): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  type: event.type,
  data: event.data,
  metadata: {
    tenantId: 'acme',
    correlationId: 'c',
    causationId: `command-${index}`,
    actor: 'spec',
    occurredAt: '2026-03-01T00:00:00Z',
    schemaVersion: 1,
  },
  streamId: `contract-${contractId}`,
  revision: index,
  position: index + 1,
  recordedAt: '2026-03-01T00:00:00Z',
});

const handle = (store: ReadModelStore, event: RecordedEvent) =>
  contractFinanceProjection.handle(event, stampedWith(store, event.metadata.tenantId));

async function documents(store: ReadModelStore) {
  const all: Record<string, unknown> = {};
  for (const collection of contractFinanceProjection.collections)
    for (const doc of await store.find(collection)) all[`${collection}/${doc._id}`] = doc;
  return all;
}

/**
 * A store that loses the writes to one collection (a partial batch written to Mongo without a
 * transaction).
 */
function losing(store: ReadModelStore, collection: string): ReadModelStore {
  return {
    ...store,
    apply: (name, id, position, update) =>
      name === collection
        ? Promise.reject(new Error('lost'))
        : store.apply(name, id, position, update),
  };
}

describe('the contract finance projection (ADR 20)', () => {
  it('keeps the WIP lines as of each period end, and the totals equal to their sums', async () => {
    const store = new InMemoryReadModels();
    for (const [index, event] of life.entries()) await handle(store, recorded(event, index));
    const rows = await store.find<any>('wip_rows_v1', {}, { sort: { periodEnd: 1 } });
    // January: the change order approved on 01-20 counts, the application issued on 01-31 too (then
    // voided on 02-10).
    expect(
      rows.map(({ periodEnd, contractSum, earnedToDate, billedToDate }) => ({
        periodEnd,
        contractSum,
        earnedToDate,
        billedToDate,
      })),
    ).toEqual([
      {
        periodEnd: '2026-01-31',
        contractSum: 1_030_000,
        earnedToDate: 128_750,
        billedToDate: 200_000,
      },
      {
        periodEnd: '2026-02-28',
        contractSum: 1_030_000,
        earnedToDate: 381_481,
        billedToDate: 200_000,
      },
    ]);
    const totals = await store.find<any>(WIP_TOTALS);
    expect(
      totals.map((doc) => [
        doc.periodEnd,
        doc.currencies.USD.earnedToDate,
        doc.currencies.USD.overbilled,
        doc.currencies.USD.underbilled,
        doc.currencies.USD.contracts,
      ]),
    ).toEqual([
      ['2026-01-31', 128_750, 71_250, 0, 1],
      ['2026-02-28', 381_481, 0, 181_481, 1],
    ]);
    expect(await store.get('contract_ledgers_v1', contractId)).toMatchObject({
      contractSumToDate: 1_030_000,
      billedNet: 180_000,
      remainingToBill: 850_000,
      retainageReleased: 0,
    });
  });

  it('gives the same documents when every event comes twice, or again after its totals were lost', async () => {
    const once = new InMemoryReadModels();
    for (const [index, event] of life.entries()) await handle(once, recorded(event, index));
    const twice = new InMemoryReadModels();
    for (const [index, event] of life.entries())
      for (let i = 0; i < 2; i++) await handle(twice, recorded(event, index));
    const partial = new InMemoryReadModels();
    for (const [index, event] of life.entries()) {
      await handle(losing(partial, WIP_TOTALS), recorded(event, index)).catch(() => undefined);
      await handle(partial, recorded(event, index));
    }
    const expected = await documents(once);
    expect(await documents(twice)).toEqual(expected);
    expect(await documents(partial)).toEqual(expected);
  });
});
