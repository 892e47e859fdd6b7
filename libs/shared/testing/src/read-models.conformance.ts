import type { ReadModelStore } from '@billing/shared/read-models';

interface Invoice {
  number: string;
  customer: { id: string };
  open: number;
}

/** The read-model contract (ARCHITECTURE.md "Read models"); every adapter runs it. */
export function readModelConformance(name: string, open: () => Promise<ReadModelStore>): void {
  describe(`ReadModelStore conformance: ${name}`, () => {
    let store: ReadModelStore;
    beforeEach(async () => (store = await open()));

    it('applies an event once per document: a position already applied changes nothing', async () => {
      await store.apply<Invoice>('invoices', 'i1', 5, () => ({ number: 'INV-1', customer: { id: 'c1' }, open: 100 }));
      await store.apply<Invoice>('invoices', 'i1', 5, (current) => ({ ...current!, open: current!.open - 40 }));
      await store.apply<Invoice>('invoices', 'i1', 4, (current) => ({ ...current!, open: 0 }));
      expect(await store.get('invoices', 'i1')).toEqual({ _id: 'i1', _position: 5, number: 'INV-1', customer: { id: 'c1' }, open: 100 });
      await store.apply<Invoice>('invoices', 'i1', 9, (current) => ({ ...current!, open: current!.open - 40 }));
      expect(await store.get<Invoice>('invoices', 'i1')).toMatchObject({ _position: 9, open: 60 });
    });

    it('finds with the Mongo query language, sorted and limited', async () => {
      for (const [id, customer, open] of [
        ['i1', 'c1', 0],
        ['i2', 'c1', 50],
        ['i3', 'c2', 70],
        ['i4', 'c1', 20],
      ] as const) {
        await store.apply<Invoice>('invoices', id, 1, () => ({ number: `INV-${id}`, customer: { id: customer }, open }));
      }
      const found = await store.find<Invoice>('invoices', { 'customer.id': 'c1', open: { $gt: 0 } }, { sort: { open: -1 } });
      expect(found.map((doc) => doc._id)).toEqual(['i2', 'i4']);
      expect((await store.find('invoices', {}, { sort: { number: 1 }, limit: 2 })).map((doc) => doc._id)).toEqual(['i1', 'i2']);
      expect(await store.find('nothing-here')).toEqual([]);
      expect(await store.get('invoices', 'missing')).toBeUndefined();
    });

    it('hands out copies, and drops a collection', async () => {
      await store.apply<Invoice>('invoices', 'i1', 1, () => ({ number: 'INV-1', customer: { id: 'c1' }, open: 100 }));
      const copy = (await store.get<Invoice>('invoices', 'i1'))!;
      copy.open = 0;
      expect((await store.get<Invoice>('invoices', 'i1'))!.open).toBe(100);
      await store.drop('invoices');
      expect(await store.find('invoices')).toEqual([]);
    });
  });
}
