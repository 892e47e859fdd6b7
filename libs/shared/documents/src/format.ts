import { decimal, formatMoney } from '@billing/shared/kernel';

/**
 * An amount in minor units as a document prints it: `1,234.56`, `-50.00` (the currency is named
 * once per document).
 */
export const money = (amount: number, currency: string) => formatMoney(amount, currency);

/** Hundredths of a percent as printed: 4533 -> `45.33%`. */
export function percent(hundredths: number): string {
  return `${decimal(hundredths)}%`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for HTML element content and quoted attribute values (OWASP XSS prevention, rule 1
 * and 2).
 */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

/** HTML already escaped, that `markup` inserts as it is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * An HTML template whose interpolations are escaped, unless they are SafeHtml (built by `markup`
 * itself). Not named `html`: Prettier would reformat the markup.
 */
export function markup(
  strings: TemplateStringsArray,
  ...values: (string | number | SafeHtml | readonly SafeHtml[])[]
): SafeHtml {
  const text = (value: (typeof values)[number]): string =>
    value instanceof SafeHtml
      ? value.value
      : Array.isArray(value)
        ? value.map(text).join('')
        : escapeHtml(String(value));
  return new SafeHtml(
    strings.reduce(
      (result, part, index) => result + part + (index < values.length ? text(values[index]) : ''),
      '',
    ),
  );
}
