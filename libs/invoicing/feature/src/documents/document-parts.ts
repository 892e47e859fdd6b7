import type { DocumentHeader } from '@billing/invoicing/domain';
import { FONT, line, MARGIN, type Pdf } from '@billing/shared/documents';

/**
 * A document's title on the left and its number on the right, ruled below; answers the y under the
 * rule.
 */
export function heading(doc: Pdf, title: string, number: string, width: number): number {
  line(doc, title, MARGIN, MARGIN, { size: 14, bold: true });
  line(doc, number, MARGIN, MARGIN + 2, { size: 11, bold: true, width, align: 'right' });
  doc
    .moveTo(MARGIN, MARGIN + 20)
    .lineTo(MARGIN + width, MARGIN + 20)
    .lineWidth(1)
    .stroke();
  return MARGIN + 28;
}

/** A caption in bold over its lines; answers the y below the block. */
export function block(
  doc: Pdf,
  caption: string,
  lines: readonly string[],
  x: number,
  y: number,
  width: number,
): number {
  line(doc, caption, x, y, { size: 7, bold: true, width });
  lines.forEach((text, index) => line(doc, text, x, y + 10 + index * 10, { size: 8, width }));
  return y + 10 + lines.length * 10;
}

/** `LABEL: value` pairs, the labels in bold, one per line; answers the y below them. */
export function facts(
  doc: Pdf,
  pairs: readonly (readonly [string, string])[],
  x: number,
  y: number,
  width: number,
): number {
  pairs.forEach(([label, value], index) => {
    line(doc, `${label}:`, x, y + index * 10, { size: 8, bold: true });
    line(doc, value, x + 95, y + index * 10, { size: 8, width: width - 95 });
  });
  return y + pairs.length * 10;
}

/** Who is billed: the customer as the contract names it. */
export const ownerLines = ({ terms }: DocumentHeader) => [
  terms.customer.name,
  terms.customer.address,
  terms.customer.email,
];

/** The contract the document bills: title, PO number, the date it was activated. */
export const projectLines = ({ terms, contractDate }: DocumentHeader) => [
  terms.title,
  ...(terms.poNumber ? [`PO ${terms.poNumber}`] : []),
  `Contract date ${contractDate}`,
];

/**
 * Labelled amounts, the amounts right-aligned on the labels' baselines; `bold` labels print in
 * bold. Answers the y below them.
 */
export function amounts(
  doc: Pdf,
  pairs: readonly (readonly [string, string, boolean?])[],
  x: number,
  y: number,
  width: number,
): number {
  pairs.forEach(([label, amount, bold], index) => {
    line(doc, label, x, y + index * 13, { size: 8.5, bold: bold ?? false });
    line(doc, amount, x + width - 110, y + index * 13, {
      size: 8.5,
      bold: bold ?? false,
      width: 110,
      align: 'right',
    });
  });
  return y + pairs.length * 13;
}

/** A paragraph wrapped to `width`; answers the y below it. */
export function paragraph(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  width: number,
  size = 8,
): number {
  doc.font(FONT.regular).fontSize(size).text(text, x, y, { width });
  return doc.y;
}
