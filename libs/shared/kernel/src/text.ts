/**
 * Control characters (but tab and line breaks), bidirectional overrides and isolates, lone
 * surrogates (a pair is one code point here, outside the range), noncharacters (U+FDD0 to U+FDEF
 * and the last two code points of every plane: Unicode reserves them for a program's own use, never
 * for text it exchanges) and tag characters (invisible: text hidden in a title that a PDF does not
 * show and a CSV or a log carries): text that documents, CSVs, reminders and the events' actor would
 * carry as is. The marks that only set a direction (U+200E, U+200F, U+061C) are part of right-to-left
 * writing and pass.
 */
const UNPRINTABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{4fffe}\u{4ffff}\u{5fffe}\u{5ffff}\u{6fffe}\u{6ffff}\u{7fffe}\u{7ffff}\u{8fffe}\u{8ffff}\u{9fffe}\u{9ffff}\u{afffe}\u{affff}\u{bfffe}\u{bffff}\u{cfffe}\u{cffff}\u{dfffe}\u{dffff}\u{e0000}-\u{e007f}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/u;
/** A subdivision flag (England's: a black flag, the tags "gbeng", a cancel tag) is an emoji. */
const EMOJI_TAG_SEQUENCE = /\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}/gu;

/**
 * The first control, direction, noncharacter or tag character of `text`, as `U+202E`; undefined
 * when it has none.
 */
export function unprintableIn(text: string): string | undefined {
  const found = UNPRINTABLE.exec(text.replace(EMOJI_TAG_SEQUENCE, ''));
  return found
    ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    : undefined;
}

/**
 * Text in code point order, as the read-model stores sort it (SQLite's BINARY collation on UTF-8,
 * MongoDB's simple collation): a page a store chose keeps its order when sorted again here.
 */
export function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
