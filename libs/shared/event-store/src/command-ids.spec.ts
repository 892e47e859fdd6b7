import { CommandIds } from './command-ids';

describe('CommandIds', () => {
  it('holds every id it was given, once, in the order given', () => {
    const ids = CommandIds.of(['a', 'b', 'a']).with(['c', 'b']);
    expect(['a', 'b', 'c'].map((id) => ids.has(id))).toEqual([true, true, true]);
    expect(ids.has('d')).toBe(false);
    expect(ids.toArray()).toEqual(['a', 'b', 'c']);
  });

  it('leaves the ids it was made from as they were: states share them', () => {
    const before = CommandIds.of(Array.from({ length: 63 }, (_, i) => `c${i}`));
    const after = before.with(['c63', 'c64']);
    expect(before.has('c63')).toBe(false);
    expect(before.toArray()).toHaveLength(63);
    expect(after.toArray()).toHaveLength(65);
    expect(after.with(['c1'])).toBe(after);
  });

  it('keeps them all across many additions, one at a time', () => {
    let ids = CommandIds.none;
    for (let i = 0; i < 1_000; i++) ids = ids.with([`c${i}`]);
    expect(ids.toArray()).toEqual(Array.from({ length: 1_000 }, (_, i) => `c${i}`));
    expect(ids.has('c0') && ids.has('c999') && !ids.has('c1000')).toBe(true);
  });
});
