import { Query } from 'mingo';
import {
  sortedAfter,
  type Doc,
  type FindOptions,
  type ReadModelStore,
  type Update,
} from '@billing/shared/read-models';
import { generated } from './read-models.generated';

interface Invoice {
  number: string;
  customer: { id: string };
  open: number;
}

/**
 * Scalars of every kind: strings (ISO dates among them), numbers, a number as a string, booleans,
 * null and missing.
 */
const BILLS: Record<string, Record<string, unknown>> = {
  b1: {
    status: 'open',
    dueDate: '2026-01-15',
    paid: false,
    amount: 100,
    note: null,
    customer: { id: 'c1' },
  },
  b2: { status: 'paid', dueDate: '2026-02-10', paid: true, amount: 250, customer: { id: 'c2' } },
  b3: {
    status: 'open',
    dueDate: '2026-03-01',
    paid: false,
    amount: 0,
    note: 'call',
    customer: { id: 'c1' },
  },
  b4: { status: 'void', dueDate: '2026-03-20', paid: false, amount: 75, note: null },
  b5: {
    status: 'open',
    dueDate: '2025-12-31',
    paid: true,
    amount: '75',
    note: 'late',
    customer: { id: null },
  },
};

/** The read-model contract (ARCHITECTURE.md "Read models"); every adapter runs it. */
export function readModelConformance(name: string, open: () => Promise<ReadModelStore>): void {
  describe(`ReadModelStore conformance: ${name}`, () => {
    let store: ReadModelStore;
    beforeEach(async () => (store = await open()));
    afterEach(() => store.close());

    const ids = async (
      query: Record<string, unknown>,
      options: FindOptions = { sort: { _id: 1 } },
    ) => (await store.find('bills', query, options)).map((doc) => doc._id);
    const billed = async () => {
      for (const [id, bill] of Object.entries(BILLS)) await store.apply('bills', id, 1, () => bill);
    };

    it('applies an event once per document: a position already applied changes nothing', async () => {
      await store.apply<Invoice>('invoices', 'i1', 5, () => ({
        number: 'INV-1',
        customer: { id: 'c1' },
        open: 100,
      }));
      await store.apply<Invoice>('invoices', 'i1', 5, (current) => ({
        ...current!,
        open: current!.open - 40,
      }));
      await store.apply<Invoice>('invoices', 'i1', 4, (current) => ({ ...current!, open: 0 }));
      expect(await store.get('invoices', 'i1')).toEqual({
        _id: 'i1',
        _position: 5,
        number: 'INV-1',
        customer: { id: 'c1' },
        open: 100,
      });
      await store.apply<Invoice>('invoices', 'i1', 9, (current) => ({
        ...current!,
        open: current!.open - 40,
      }));
      expect(await store.get<Invoice>('invoices', 'i1')).toMatchObject({ _position: 9, open: 60 });
    });

    it('finds with the Mongo query language, sorted and limited', async () => {
      for (const [id, customer, open] of [
        ['i1', 'c1', 0],
        ['i2', 'c1', 50],
        ['i3', 'c2', 70],
        ['i4', 'c1', 20],
      ] as const) {
        await store.apply<Invoice>('invoices', id, 1, () => ({
          number: `INV-${id}`,
          customer: { id: customer },
          open,
        }));
      }
      const found = await store.find<Invoice>(
        'invoices',
        { 'customer.id': 'c1', open: { $gt: 0 } },
        { sort: { open: -1 } },
      );
      expect(found.map((doc) => doc._id)).toEqual(['i2', 'i4']);
      expect(
        (await store.find('invoices', {}, { sort: { number: 1 }, limit: 2 })).map((doc) => doc._id),
      ).toEqual(['i1', 'i2']);
      expect(await store.find('nothing_here')).toEqual([]);
      expect(await store.get('invoices', 'missing')).toBeUndefined();
    });

    it('hands out copies, and drops a collection', async () => {
      await store.apply<Invoice>('invoices', 'i1', 1, () => ({
        number: 'INV-1',
        customer: { id: 'c1' },
        open: 100,
      }));
      const copy = (await store.get<Invoice>('invoices', 'i1'))!;
      copy.open = 0;
      expect((await store.get<Invoice>('invoices', 'i1'))!.open).toBe(100);
      await store.drop('invoices');
      expect(await store.find('invoices')).toEqual([]);
      expect(
        await store.apply<Invoice>('invoices', 'i1', 1, () => ({
          number: 'INV-1',
          customer: { id: 'c1' },
          open: 5,
        })),
      ).toBe(true);
      expect(await store.get<Invoice>('invoices', 'i1')).toMatchObject({ open: 5 });
    });

    it('tells whether an apply applied', async () => {
      expect(await store.apply('bills', 'b1', 3, () => ({ n: 1 }))).toBe(true);
      expect(await store.apply('bills', 'b1', 3, () => ({ n: 2 }))).toBe(false);
      expect(await store.apply('bills', 'b1', 2, () => ({ n: 3 }))).toBe(false);
      expect(
        await store.apply('bills', 'b1', 4, (current: { n: number } | undefined) => ({
          n: current!.n + 10,
        })),
      ).toBe(true);
      expect(await store.get('bills', 'b1')).toEqual({ _id: 'b1', _position: 4, n: 11 });
    });

    it('applies a batch as its updates one after the other: once per document and position, again or not', async () => {
      const seen = (position: number) => (current: Doc<unknown> | undefined) => ({
        seen: [...((current as Doc<{ seen: number[] }> | undefined)?.seen ?? []), position],
        before: current?._position ?? null,
      });
      await store.apply('invoices', 'i1', 5, seen(5));
      const batch: Update[] = [
        { collection: 'invoices', id: 'i1', position: 4, update: seen(4) },
        { collection: 'invoices', id: 'i1', position: 5, update: seen(5) },
        { collection: 'invoices', id: 'i2', position: 6, update: seen(6) },
        { collection: 'invoices', id: 'i1', position: 7, update: seen(7) },
        { collection: 'invoices', id: 'i1', position: 7, update: seen(7) },
        { collection: 'ledgers', id: 'l1', position: 8, update: seen(8) },
        { collection: 'invoices', id: 'i2', position: 8, update: seen(8) },
        { collection: 'invoices', id: 'i1', position: 9, update: seen(9) },
      ];
      const expected = [
        { _id: 'i1', _position: 9, seen: [5, 7, 9], before: 7 },
        { _id: 'i2', _position: 8, seen: [6, 8], before: 6 },
      ];
      await store.applyBatch(batch);
      expect(await store.find('invoices', {}, { sort: { _id: 1 } })).toEqual(expected);
      expect(await store.get('ledgers', 'l1')).toEqual({
        _id: 'l1',
        _position: 8,
        seen: [8],
        before: null,
      });
      await store.applyBatch(batch);
      await store.applyBatch([]);
      expect(await store.find('invoices', {}, { sort: { _id: 1 } })).toEqual(expected);
      expect((await store.collections()).sort()).toEqual(['invoices', 'ledgers']);
    });

    it('writes nothing of a batch an update of which throws', async () => {
      const failing: Update[] = [
        { collection: 'ledgers', id: 'l0', position: 1, update: () => ({ open: 0 }) },
        { collection: 'invoices', id: 'i1', position: 1, update: () => ({ open: 1 }) },
        { collection: 'invoices', id: 'i2', position: 2, update: () => ({ open: 2 }) },
        {
          collection: 'invoices',
          id: 'i1',
          position: 3,
          update: () => {
            throw new Error('cannot apply');
          },
        },
        { collection: 'ledgers', id: 'l1', position: 3, update: () => ({ open: 3 }) },
      ];
      await expect(store.applyBatch(failing)).rejects.toThrow('cannot apply');
      expect(await store.find('invoices')).toEqual([]);
      expect(await store.find('ledgers')).toEqual([]);
      await store.applyBatch(failing.slice(0, 3));
      expect(await store.count('invoices')).toBe(2);
    });

    it('counts the documents a query matches', async () => {
      await billed();
      expect(await store.count('bills')).toBe(5);
      expect(await store.count('bills', { status: 'open' })).toBe(3);
      expect(await store.count('bills', { note: { $regex: 'a' } })).toBe(2);
      expect(await store.count('nothing_here', { status: 'open' })).toBe(0);
    });

    it('pages with skip and limit through a sort whose ties are broken by _id', async () => {
      for (const [id, rank] of [
        ['p5', 2],
        ['p1', 1],
        ['p4', 2],
        ['p2', 1],
        ['p6', 3],
        ['p3', 2],
        ['p7', 1],
      ] as const) {
        await store.apply('pages', id, 1, () => ({ rank }));
      }
      const page = (skip: number) => store.find('pages', {}, { sort: { rank: 1 }, skip, limit: 3 });
      const pages = [
        ...(await page(0)),
        ...(await page(3)),
        ...(await page(6)),
        ...(await page(9)),
      ];
      expect(pages.map((doc) => doc._id)).toEqual(['p1', 'p2', 'p7', 'p3', 'p4', 'p5', 'p6']);
      expect(
        (await store.find('pages', {}, { sort: { rank: -1 }, skip: 1, limit: 2 })).map(
          (doc) => doc._id,
        ),
      ).toEqual(['p3', 'p4']);
      expect(
        (await store.find('pages', {}, { sort: { rank: 1 }, skip: 5 })).map((doc) => doc._id),
      ).toEqual(['p5', 'p6']);
    });

    it('pages by keyset after a document: ties by _id, nulls and missing fields first', async () => {
      const ranks: [string, number | string | null | undefined][] = [
        ['p5', 2],
        ['p1', null],
        ['p4', 2],
        ['p2', undefined],
        ['p6', 3],
        ['p3', 2],
        ['p7', 1],
        ['p8', null],
      ];
      for (const [id, rank] of ranks)
        await store.apply('pages', id, 1, () => (rank === undefined ? {} : { rank, group: 'a' }));
      const sort = { rank: 1, _id: 1 } as const;
      const seen: string[] = [];
      let last: Doc<{ rank?: number | null }> | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const query = last ? sortedAfter(['rank', '_id'], [last.rank ?? null, last._id]) : {};
        const found = await store.find<{ rank?: number | null }>('pages', query, {
          sort,
          limit: 3,
        });
        if (found.length === 0) break;
        seen.push(...found.map((doc) => doc._id));
        last = found.at(-1);
      }
      expect(seen).toEqual(['p1', 'p2', 'p8', 'p7', 'p3', 'p4', 'p5', 'p6']);
      // Beside another filter, as a list's page asks it.
      expect(
        (
          await store.find(
            'pages',
            { $and: [{ group: 'a' }, sortedAfter(['rank', '_id'], [2, 'p3'])] },
            { sort },
          )
        ).map((doc) => doc._id),
      ).toEqual(['p4', 'p5', 'p6']);
    });

    it('removes a document', async () => {
      await billed();
      await store.remove('bills', 'b2');
      await store.remove('bills', 'missing');
      await store.remove('nothing_here', 'b2');
      expect(await store.get('bills', 'b2')).toBeUndefined();
      expect(await ids({})).toEqual(['b1', 'b3', 'b4', 'b5']);
      expect(await store.apply('bills', 'b2', 1, () => ({ status: 'again' }))).toBe(true);
    });

    it('lists the collections that hold documents', async () => {
      expect(await store.collections()).toEqual([]);
      await billed();
      await store.apply('pages', 'p1', 1, () => ({ rank: 1 }));
      await store.apply('gone', 'g1', 1, () => ({}));
      await store.remove('gone', 'g1');
      expect((await store.collections()).sort()).toEqual(['bills', 'pages']);
      await store.drop('bills');
      expect(await store.collections()).toEqual(['pages']);
    });

    it('answers $in, $nin, $ne and $exists, telling null from missing', async () => {
      await billed();
      expect(await ids({ status: { $in: ['open', 'void'] } })).toEqual(['b1', 'b3', 'b4', 'b5']);
      expect(await ids({ status: { $nin: ['open'] } })).toEqual(['b2', 'b4']);
      expect(await ids({ status: { $ne: 'open' } })).toEqual(['b2', 'b4']);
      expect(await ids({ note: { $exists: true } })).toEqual(['b1', 'b3', 'b4', 'b5']);
      expect(await ids({ note: { $exists: false } })).toEqual(['b2']);
      expect(await ids({ note: null })).toEqual(['b1', 'b2', 'b4']);
      expect(await ids({ note: { $ne: null } })).toEqual(['b3', 'b5']);
      expect(await ids({ 'customer.id': { $in: ['c2', null] } })).toEqual(['b2', 'b4', 'b5']);
      expect(await ids({ 'customer.id': { $nin: ['c1'] } })).toEqual(['b2', 'b4', 'b5']);
    });

    it('answers $or and $and', async () => {
      await billed();
      expect(await ids({ $or: [{ status: 'void' }, { amount: { $gte: 250 } }] })).toEqual([
        'b2',
        'b4',
      ]);
      expect(await ids({ $and: [{ status: 'open' }, { paid: false }] })).toEqual(['b1', 'b3']);
      expect(await ids({ status: 'open', $or: [{ note: 'late' }, { amount: 0 }] })).toEqual([
        'b3',
        'b5',
      ]);
    });

    it('compares ISO dates as strings, booleans as booleans, numbers apart from strings', async () => {
      await billed();
      expect(await ids({ dueDate: { $gte: '2026-01-01', $lt: '2026-03-01' } })).toEqual([
        'b1',
        'b2',
      ]);
      expect(await ids({ dueDate: { $lte: '2026-03-01' } }, { sort: { dueDate: -1 } })).toEqual([
        'b3',
        'b2',
        'b1',
        'b5',
      ]);
      expect(await ids({ paid: true })).toEqual(['b2', 'b5']);
      expect(await ids({ paid: { $ne: true } })).toEqual(['b1', 'b3', 'b4']);
      expect(await ids({ paid: { $gt: false } })).toEqual(['b2', 'b5']);
      expect(await ids({ amount: 75 })).toEqual(['b4']);
      expect(await ids({ amount: { $gt: 50 } })).toEqual(['b1', 'b2', 'b4']);
      expect(await ids({ amount: { $in: ['75', 0] } })).toEqual(['b3', 'b5']);
      expect(await ids({ amount: { $lt: 1 } }, { sort: { amount: 1 } })).toEqual(['b3']);
      expect(await ids({}, { sort: { amount: 1 } })).toEqual(['b3', 'b4', 'b1', 'b2', 'b5']);
    });

    it('answers a query outside the indexed subset ($regex) too, sorted and paged', async () => {
      await billed();
      expect(await ids({ note: { $regex: '^l' } })).toEqual(['b5']);
      expect(await ids({ status: 'open', note: { $regex: 'a' } })).toEqual(['b3', 'b5']);
      expect(await ids({ note: { $regex: 'a' } }, { sort: { dueDate: -1 }, limit: 1 })).toEqual([
        'b3',
      ]);
      expect(await ids({ $or: [{ note: { $regex: 'l$' } }, { paid: true }] })).toEqual([
        'b2',
        'b3',
        'b5',
      ]);
    });

    it('answers generated queries as mingo does', async () => {
      const { docs, queries } = generated(20261128);
      for (const { _id, _position, ...doc } of docs)
        await store.apply('generated', _id as string, _position as number, () => doc);
      for (const { query, options } of queries) {
        let expected = new Query(query).find<{ _id: string }>(docs);
        if (options.sort) expected = expected.sort({ ...options.sort, _id: 1 });
        if (options.skip) expected = expected.skip(options.skip);
        if (options.limit) expected = expected.limit(options.limit);
        const found = (await store.find<object>('generated', query, options)).map((doc) => doc._id);
        const expectedIds = expected.all().map((doc) => doc._id);
        expect({ query, options, ids: options.sort ? found : found.sort() }).toEqual({
          query,
          options,
          ids: options.sort ? expectedIds : expectedIds.sort(),
        });
        expect({ query, count: await store.count('generated', query) }).toEqual({
          query,
          count: new Query(query).find(docs).all().length,
        });
      }
      // Some hundred queries: a few seconds on a server, more on a loaded machine.
    }, 30_000);
  });
}
