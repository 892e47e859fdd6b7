import type { G703Line, InvoiceDocument } from '@billing/invoicing/domain';
import { sum } from '@billing/shared/kernel';
import {
  drawTable,
  line,
  MARGIN,
  money,
  newPage,
  percent,
  type Column,
  type Pdf,
} from '@billing/shared/documents';

type PayApplication = Extract<InvoiceDocument, { kind: 'pay-application' }>;

/** Columns A to I of the continuation sheet, landscape (720 points wide). */
export const G703_COLUMNS: readonly Column[] = [
  { header: 'A\nITEM NO.', width: 34 },
  { header: 'B\nDESCRIPTION OF WORK', width: 196 },
  { header: 'C\nSCHEDULED VALUE', width: 62, align: 'right' },
  { header: 'D\nFROM PREVIOUS APPLICATION (D + E)', width: 62, align: 'right' },
  { header: 'E\nTHIS PERIOD', width: 62, align: 'right' },
  { header: 'F\nMATERIALS PRESENTLY STORED (NOT IN D OR E)', width: 64, align: 'right' },
  { header: 'G\nTOTAL COMPLETED AND STORED TO DATE (D + E + F)', width: 66, align: 'right' },
  { header: '%\n(G / C)', width: 36, align: 'right' },
  { header: 'H\nBALANCE TO FINISH (C - G)', width: 62, align: 'right' },
  { header: 'I\nRETAINAGE', width: 76, align: 'right' },
];

/** One G703 row, every column as the pay application holds it. */
export function g703Cells(row: G703Line, currency: string): string[] {
  const amount = (value: number) => money(value, currency);
  return [
    row.item,
    row.description,
    amount(row.scheduledValue),
    amount(row.fromPreviousApplication),
    amount(row.thisPeriod),
    amount(row.materialsPresentlyStored),
    amount(row.completedAndStoredToDate),
    percent(row.percentComplete),
    amount(row.balanceToFinish),
    amount(row.retainage),
  ];
}

/**
 * The grand total: each money column summed as printed (a document's total is the sum of its lines,
 * DOMAIN.md "Money").
 */
function grandTotal(rows: readonly G703Line[], currency: string): string[] {
  const total = (pick: (row: G703Line) => number) => money(sum(rows.map(pick)), currency);
  return [
    '',
    'GRAND TOTAL',
    total((row) => row.scheduledValue),
    total((row) => row.fromPreviousApplication),
    total((row) => row.thisPeriod),
    total((row) => row.materialsPresentlyStored),
    total((row) => row.completedAndStoredToDate),
    '',
    total((row) => row.balanceToFinish),
    total((row) => row.retainage),
  ];
}

/**
 * The sheet's heading on each of its pages: which application, for which contract; answers where
 * the table starts.
 */
function sheetHeading(doc: Pdf, { invoice, terms }: PayApplication): number {
  const top = newPage(doc, 'landscape');
  line(doc, 'CONTINUATION SHEET', MARGIN, top, { size: 12, bold: true });
  line(doc, 'AIA Document G703 layout', MARGIN, top + 15, { size: 6 });
  line(doc, `${terms.title} - ${terms.customer.name}`, MARGIN, top + 26, { size: 8 });
  line(
    doc,
    `Amounts in ${terms.currency}. Application and Certificate for Payment (G702 layout) attached.`,
    MARGIN,
    top + 37,
    { size: 6.5 },
  );
  const facts = [
    `APPLICATION NO: ${invoice.applicationNo}`,
    `APPLICATION DATE: ${invoice.issueDate}`,
    `PERIOD TO: ${invoice.periodEnd ?? ''}`,
    `INVOICE NO: ${invoice.number}`,
  ];
  facts.forEach((text, index) =>
    line(doc, text, MARGIN + 520, top + index * 10, { size: 8, bold: index === 0, width: 200 }),
  );
  return top + 50;
}

/**
 * The G703 continuation sheet: every line and column, paginated with the heading and column titles
 * repeated.
 */
export function g703Sheet(doc: Pdf, document: PayApplication): void {
  const rows = document.invoice.g703 ?? [];
  const currency = document.terms.currency;
  const heading = () => sheetHeading(doc, document);
  const table = {
    columns: G703_COLUMNS,
    rows: rows.map((row) => g703Cells(row, currency)),
    total: grandTotal(rows, currency),
  };
  drawTable(doc, table, { x: MARGIN, y: heading(), newPage: heading });
}
