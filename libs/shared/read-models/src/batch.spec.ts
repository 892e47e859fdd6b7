import { ReadModelBatch } from './batch';
import { InMemoryReadModels } from './in-memory.read-models';
import type { Doc, ReadModelStore, Update } from './read-model.port';

type Counter = { n: number };
const plusOne = (calls: { n: number }) => (current: Doc<Counter> | undefined) => (
  calls.n++,
  { n: (current?.n ?? 0) + 1 }
);

describe('ReadModelBatch', () => {
  let store: InMemoryReadModels;
  let batch: ReadModelBatch;
  beforeEach(async () => {
    store = new InMemoryReadModels();
    await store.apply('docs', 'a', 1, () => ({ n: 1 }));
    batch = new ReadModelBatch(store);
  });

  it('reads its own unwritten updates; the store has them once flushed', async () => {
    const calls = { n: 0 };
    expect(await batch.apply('docs', 'a', 2, plusOne(calls))).toBe(true);
    expect(await batch.apply('docs', 'b', 3, plusOne(calls))).toBe(true);
    expect(calls.n).toBe(0);
    expect(await batch.get('docs', 'a')).toEqual({ _id: 'a', _position: 2, n: 2 });
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', _position: 1, n: 1 });
    expect(await store.get('docs', 'b')).toBeUndefined();
    expect(batch.size).toBe(2);
    await batch.flush();
    expect(batch.size).toBe(0);
    expect(await store.find('docs')).toEqual([
      { _id: 'a', _position: 2, n: 2 },
      { _id: 'b', _position: 3, n: 1 },
    ]);
  });

  it('runs an update once if the store still has the document it ran on, and again on the one it has if not', async () => {
    const calls = { n: 0 };
    await batch.get('docs', 'a');
    expect(await batch.apply('docs', 'a', 2, plusOne(calls))).toBe(true);
    expect(await batch.apply('docs', 'a', 2, plusOne(calls))).toBe(false);
    await batch.flush();
    expect(calls.n).toBe(1);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', _position: 2, n: 2 });

    await batch.get('docs', 'a');
    await batch.apply('docs', 'a', 4, plusOne(calls));
    // Another writer applies position 3 in between: the update runs again, on that document.
    await store.apply<Counter>('docs', 'a', 3, (current) => ({ n: current!.n + 100 }));
    await batch.flush();
    expect(calls.n).toBe(3);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', _position: 4, n: 103 });
  });

  it('hands out its documents frozen, so a handler cannot change them', async () => {
    await batch.apply('docs', 'c', 2, () => ({ n: 1, lines: [{ amount: 5 }] }));
    const held = (await batch.get<{ n: number; lines: { amount: number }[] }>('docs', 'c'))!;
    expect(() => (held.n = 99)).toThrow(TypeError);
    expect(() => held.lines.push({ amount: 1 })).toThrow(TypeError);
    expect(() => (held.lines[0].amount = 1)).toThrow(TypeError);
    // The next version shares what did not change and is frozen in turn.
    await batch.apply<{ n: number; lines: { amount: number }[] }>('docs', 'c', 3, (current) => ({
      ...current!,
      n: 2,
    }));
    const next = (await batch.get<{ n: number; lines: { amount: number }[] }>('docs', 'c'))!;
    expect(next).toEqual({ _id: 'c', _position: 3, n: 2, lines: [{ amount: 5 }] });
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('writes what it holds before a find, a count or a remove', async () => {
    await batch.apply('docs', 'b', 2, () => ({ n: 5 }));
    expect(await batch.find('docs', { n: 5 })).toEqual([{ _id: 'b', _position: 2, n: 5 }]);
    await batch.apply('docs', 'c', 3, () => ({ n: 5 }));
    expect(await batch.count('docs', { n: 5 })).toBe(2);
    await batch.apply('docs', 'd', 4, () => ({ n: 5 }));
    await batch.remove('docs', 'd');
    expect(await store.get('docs', 'd')).toBeUndefined();
    expect(batch.size).toBe(0);
  });

  it('throws what an update throws: at once on a document it has read, at the flush otherwise', async () => {
    const failing = () => {
      throw new Error('cannot apply');
    };
    await batch.get('docs', 'a');
    await expect(batch.apply('docs', 'a', 2, failing)).rejects.toThrow('cannot apply');
    expect(batch.size).toBe(0);
    expect(await batch.apply('docs', 'b', 2, failing)).toBe(true);
    await expect(batch.flush()).rejects.toThrow('cannot apply');
    expect(batch.size).toBe(0);
    expect(await store.get('docs', 'b')).toBeUndefined();
  });

  it('takes what is queued when a flush starts, goes on taking updates, and writes flushes in the order they started', async () => {
    const calls: number[][] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: ReadModelStore = Object.assign(Object.create(store) as ReadModelStore, {
      applyBatch: async (updates: readonly Update[]) => {
        calls.push(updates.map((update) => update.position));
        if (calls.length === 1) await held;
        await store.applyBatch(updates);
      },
    });
    const calls2 = { n: 0 };
    batch = new ReadModelBatch(slow);
    await batch.apply('docs', 'a', 2, plusOne(calls2));
    const first = batch.flush();
    await batch.apply('docs', 'a', 3, plusOne(calls2));
    expect(await batch.get('docs', 'a')).toEqual({ _id: 'a', _position: 3, n: 3 });
    const second = batch.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[2]]);
    release();
    await Promise.all([first, second]);
    expect(calls).toEqual([[2], [3]]);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', _position: 3, n: 3 });
  });

  it('forgets what it holds when discarded', async () => {
    await batch.apply('docs', 'a', 2, () => ({ n: 7 }));
    batch.discard();
    await batch.flush();
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', _position: 1, n: 1 });
  });

  describe('keeping what it wrote (a store only it writes to)', () => {
    /** The store, counting the documents read from it. */
    const reading = (inner: ReadModelStore) => {
      const reads: string[] = [];
      const store: ReadModelStore = Object.assign(Object.create(inner) as ReadModelStore, {
        get: (collection: string, id: string) => (reads.push(id), inner.get(collection, id)),
      });
      return { store, reads };
    };

    it('answers from the documents it wrote, without reading them again, up to `keep` of them', async () => {
      const { store: counted, reads } = reading(store);
      const keeping = new ReadModelBatch(counted, { keep: 1 });
      await keeping.apply('docs', 'a', 2, plusOne({ n: 0 }));
      await keeping.get('docs', 'a');
      await keeping.apply('docs', 'b', 3, () => ({ n: 1 }));
      await keeping.get('docs', 'b');
      await keeping.flush();
      expect(await keeping.get('docs', 'b')).toEqual({ _id: 'b', _position: 3, n: 1 });
      expect(await keeping.get('docs', 'a')).toEqual({ _id: 'a', _position: 2, n: 2 });
      // a was read, b kept; a, touched less recently, went.
      expect(reads).toEqual(['a', 'b', 'a']);
    });

    it('starting empty, takes a document it never wrote for absent; after a failed flush, reads the ones that flush held', async () => {
      const empty = new InMemoryReadModels();
      let failing = false;
      const { store: counted, reads } = reading(
        Object.assign(Object.create(empty) as ReadModelStore, {
          applyBatch: async (updates: readonly Update[]) => {
            if (failing) {
              await empty.applyBatch(updates.slice(0, 1));
              throw new Error('cut off');
            }
            await empty.applyBatch(updates);
          },
        }),
      );
      const fresh = new ReadModelBatch(counted, { keep: 10, startsEmpty: true });
      expect(await fresh.get('docs', 'a')).toBeUndefined();
      await fresh.apply('docs', 'a', 1, () => ({ n: 1 }));
      await fresh.apply('docs', 'b', 1, () => ({ n: 1 }));
      await fresh.flush();
      expect(reads).toEqual([]);
      failing = true;
      await fresh.apply('docs', 'a', 2, plusOne({ n: 0 }));
      await fresh.apply('docs', 'c', 2, () => ({ n: 1 }));
      await expect(fresh.flush()).rejects.toThrow('cut off');
      fresh.discard();
      // a was written by the cut-off flush, c was not: both are read again, b is still the one it
      // wrote.
      expect(await fresh.get('docs', 'a')).toEqual({ _id: 'a', _position: 2, n: 2 });
      expect(await fresh.get('docs', 'c')).toBeUndefined();
      expect(await fresh.get('docs', 'b')).toEqual({ _id: 'b', _position: 1, n: 1 });
      expect(reads).toEqual(['a', 'c']);
    });
  });
});
