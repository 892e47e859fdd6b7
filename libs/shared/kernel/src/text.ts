/**
 * Control characters (but tab and line breaks), bidirectional overrides and lone surrogates (a pair
 * is one code point here, outside the range): text that documents, CSVs, reminders and the events'
 * actor would carry as is.
 */
const UNPRINTABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u;

/** The first control or direction character of `text`, as `U+202E`; undefined when it has none. */
export function unprintableIn(text: string): string | undefined {
  const found = UNPRINTABLE.exec(text);
  return found
    ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    : undefined;
}
