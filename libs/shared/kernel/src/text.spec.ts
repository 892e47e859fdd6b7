import { byCodePoint, unprintableIn } from './text';

describe('unprintableIn', () => {
  it.each([
    ['a control character', 'a\u0007b', 'U+0007'],
    ['a right-to-left override', 'Invoice \u202egnp.exe', 'U+202E'],
    ['a lone surrogate', 'x\ud800', 'U+D800'],
    ['a noncharacter of the BMP', 'x\uffff', 'U+FFFF'],
    ['a noncharacter of the Arabic block', 'x\ufdd0', 'U+FDD0'],
    ['a noncharacter of a supplementary plane', 'x\u{10ffff}', 'U+10FFFF'],
    ['text hidden in tag characters', 'Pay\u{e0070}\u{e0061}\u{e0079}', 'U+E0070'],
    [
      'a tag outside a flag, after one',
      '\u{1f3f4}\u{e0067}\u{e0062}\u{e007f} \u{e0041}',
      'U+E0041',
    ],
  ])('names %s', (_, text, named) => expect(unprintableIn(text)).toBe(named));

  it.each([
    ['plain text with tabs and line breaks', 'Line 1\tA\r\nLine 2'],
    ['accents and CJK', 'Café 東京 Ωμέγα'],
    [
      "England's flag (a tag sequence)",
      'Team \u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}',
    ],
    ['Arabic with its letter mark', 'فاتورة\u061c 12'],
    ['Hebrew with a right-to-left mark', 'חשבונית\u200f 12'],
    ['an emoji beyond the BMP', 'Done \u{1f44d}'],
  ])('passes %s', (_, text) => expect(unprintableIn(text)).toBeUndefined());
});

describe('byCodePoint', () => {
  it('orders text as the stores do: by code point, not by locale', () => {
    const names = [
      'Euro Kunde',
      '+1+2',
      '\tTabbed Co',
      '-2+3',
      '東京建設',
      'a',
      'Z',
      '\u{1f600}',
      '\uffee',
    ];
    expect([...names].sort(byCodePoint)).toEqual([
      '\tTabbed Co',
      '+1+2',
      '-2+3',
      'Euro Kunde',
      'Z',
      'a',
      '東京建設',
      '\uffee',
      '\u{1f600}',
    ]);
  });
});
