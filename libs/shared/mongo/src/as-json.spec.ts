import { storedOf } from './as-json';

describe('storedOf', () => {
  it('gives the document JSON gives, without the keys the store sets, and those last', () => {
    const doc = {
      _id: 'ignored',
      _position: 1,
      text: 'x',
      n: 3,
      zero: -0,
      infinite: [Infinity, NaN, undefined, () => 1],
      gone: undefined,
      fn: () => 1,
      on: new Date('2026-01-02T03:04:05.000Z'),
      nested: { list: [{ a: 1, b: undefined }, null, 'y', false], empty: {}, boxed: new Number(4) },
    };
    const stored = storedOf(doc, 'd1', 7);
    const { _id, _position, ...json } = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    expect(stored).toStrictEqual({ ...json, _id: 'd1', _position: 7 });
    expect(Object.keys(stored).slice(-2)).toEqual(['_id', '_position']);
    expect(Object.is((stored as unknown as { zero: number }).zero, 0)).toBe(true);
  });

  it('copies: the stored document shares nothing with what it was given', () => {
    const doc = { list: [{ a: 1 }], inner: { b: 2 } };
    const stored = storedOf<{
      _id: string;
      _position: number;
      list: { a: number }[];
      inner: { b: number };
    }>(doc, 'd1', 1);
    doc.list[0].a = 9;
    doc.inner.b = 9;
    expect(stored).toEqual({ _id: 'd1', _position: 1, list: [{ a: 1 }], inner: { b: 2 } });
  });

  it('takes nothing for an empty document, and refuses what is no document', () => {
    expect(storedOf(undefined, 'd1', 1)).toStrictEqual({ _id: 'd1', _position: 1 });
    expect(() => storedOf([1], 'd1', 1)).toThrow(TypeError);
    expect(() => storedOf({ big: 1n }, 'd1', 1)).toThrow(TypeError);
  });

  it('keeps a field named __proto__ (a line id a client chose) as a field, as JSON.parse does', () => {
    const doc = JSON.parse('{"certified":{"__proto__":{"work":5},"A":{"work":7}}}') as object;
    const stored = storedOf(doc, 'd1', 1) as unknown as { certified: object };
    expect(JSON.stringify(stored.certified)).toBe('{"__proto__":{"work":5},"A":{"work":7}}');
    expect(Object.getPrototypeOf(stored.certified)).toBe(Object.prototype);
  });
});
