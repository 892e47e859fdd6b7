import type { InvoiceDocument } from '@billing/invoicing/domain';
import {
  blank,
  drawTable,
  FONT,
  line,
  MARGIN,
  money,
  newPage,
  percent,
  type Pdf,
} from '@billing/shared/documents';
import { block, facts, heading, ownerLines, projectLines } from './document-parts';

type PayApplication = Extract<InvoiceDocument, { kind: 'pay-application' }>;

const LEFT = { x: MARGIN, width: 262 };
const RIGHT = { x: MARGIN + 282, width: 258 };

/**
 * One line of the summary: its label (and the rule it follows, in small type) and its amount on the
 * label's baseline.
 */
function summaryLine(doc: Pdf, y: number, label: string, amount: string, rule = ''): number {
  line(doc, label, LEFT.x, y, { size: 7.5, bold: !label.startsWith(' ') });
  line(doc, amount, LEFT.x + LEFT.width - 80, y, { size: 7.5, width: 80, align: 'right' });
  if (rule) line(doc, rule, LEFT.x + 10, y + 9, { size: 6 });
  return y + (rule ? 19 : 12);
}

/** G702 lines 1 to 9, exactly as the pay application holds them. */
function contractorsApplication(doc: Pdf, { invoice, terms }: PayApplication, top: number): number {
  const g702 = invoice.g702!;
  const amount = (value: number) => money(value, terms.currency);
  const step = g702.retainageStep;
  line(doc, "CONTRACTOR'S APPLICATION FOR PAYMENT", LEFT.x, top, { size: 9, bold: true });
  line(
    doc,
    `Amounts in ${terms.currency}. Continuation Sheet (G703 layout) attached.`,
    LEFT.x,
    top + 11,
    { size: 6.5 },
  );
  let y = top + 26;
  y = summaryLine(doc, y, '1. ORIGINAL CONTRACT SUM', amount(g702.originalContractSum));
  y = summaryLine(doc, y, '2. NET CHANGE BY CHANGE ORDERS', amount(g702.netChangeByChangeOrders));
  y = summaryLine(
    doc,
    y,
    '3. CONTRACT SUM TO DATE',
    amount(g702.contractSumToDate),
    '(Line 1 +/- 2)',
  );
  y = summaryLine(
    doc,
    y,
    '4. TOTAL COMPLETED & STORED TO DATE',
    amount(g702.totalCompletedAndStoredToDate),
    '(Column G on G703)',
  );
  y = summaryLine(doc, y, '5. RETAINAGE:', '');
  y = summaryLine(
    doc,
    y,
    `    a. ${percent(step.workRate)} of Completed Work`,
    amount(g702.retainageOnCompletedWork),
    '(Columns D + E on G703)',
  );
  y = summaryLine(
    doc,
    y,
    `    b. ${percent(step.materialsRate)} of Stored Material`,
    amount(g702.retainageOnStoredMaterials),
    '(Column F on G703)',
  );
  const released = g702.retainageReleased ?? 0;
  if (released > 0)
    y = summaryLine(
      doc,
      y,
      '    c. Less Retainage Released',
      amount(-released),
      '(Release invoices issued before this application)',
    );
  y = summaryLine(
    doc,
    y,
    '    Total Retainage',
    amount(g702.totalRetainage),
    released > 0
      ? '(Lines 5a + 5b less 5c, not below zero)'
      : '(Lines 5a + 5b, or Total in Column I of G703)',
  );
  y = summaryLine(
    doc,
    y,
    '6. TOTAL EARNED LESS RETAINAGE',
    amount(g702.totalEarnedLessRetainage),
    '(Line 4 less Line 5 Total)',
  );
  y = summaryLine(
    doc,
    y,
    '7. LESS PREVIOUS CERTIFICATES FOR PAYMENT',
    amount(g702.lessPreviousCertificates),
    released > 0
      ? '(Line 6 from prior Certificate, plus retainage released since)'
      : '(Line 6 from prior Certificate)',
  );
  y = summaryLine(doc, y, '8. CURRENT PAYMENT DUE', amount(g702.currentPaymentDue));
  return summaryLine(
    doc,
    y,
    '9. BALANCE TO FINISH, INCLUDING RETAINAGE',
    amount(g702.balanceToFinishIncludingRetainage),
    '(Line 3 less Line 6)',
  );
}

/** The change order summary: additions and deductions approved before this period and in it. */
function changeOrders(
  doc: Pdf,
  { changeOrders: summary, terms }: PayApplication,
  top: number,
): number {
  const amount = (value: number) => money(value, terms.currency);
  const columns = [
    { header: 'CHANGE ORDER SUMMARY', width: 142 },
    { header: 'ADDITIONS', width: 60, align: 'right' as const },
    { header: 'DEDUCTIONS', width: 60, align: 'right' as const },
  ];
  const rows = [
    [
      'Approved in previous months by Owner',
      amount(summary.previous.additions),
      amount(summary.previous.deductions),
    ],
    [
      'Total approved this month',
      amount(summary.thisPeriod.additions),
      amount(summary.thisPeriod.deductions),
    ],
  ];
  const total = ['TOTALS', amount(summary.totals.additions), amount(summary.totals.deductions)];
  const y = drawTable(
    doc,
    { columns, rows, total },
    { x: LEFT.x, y: top, newPage: () => newPage(doc, 'portrait') },
  );
  return summaryLine(doc, y + 5, 'NET CHANGES by Change Order', amount(summary.netChange));
}

/** What the invoice asks: line 8, its tax and the total, by the due date. */
function amountDue(doc: Pdf, { invoice, terms }: PayApplication, top: number): number {
  const amount = (value: number) => money(value, terms.currency);
  line(doc, 'INVOICE', LEFT.x, top, { size: 9, bold: true });
  let y = summaryLine(doc, top + 14, 'Current payment due (Line 8)', amount(invoice.amount));
  y = summaryLine(doc, y, `Tax at ${percent(terms.taxRate)}`, amount(invoice.tax));
  y = summaryLine(doc, y, `TOTAL DUE ${invoice.dueDate}`, amount(invoice.total));
  return y;
}

/**
 * The contractor's certification and the architect's certificate, their signatures and amounts left
 * blank.
 */
function signatures(doc: Pdf, top: number): void {
  const { x, width } = RIGHT;
  const text = (value: string, y: number, size = 7) =>
    doc.font(FONT.regular).fontSize(size).text(value, x, y, { width });
  line(doc, "CONTRACTOR'S CERTIFICATION", x, top, { size: 9, bold: true });
  text(
    "The undersigned Contractor certifies that to the best of the Contractor's knowledge, information and belief the Work covered by this Application for Payment has been completed in accordance with the Contract Documents, that all amounts have been paid by the Contractor for Work for which previous Certificates for Payment were issued and payments received from the Owner, and that current payment shown herein is now due.",
    top + 14,
  );
  blank(doc, 'CONTRACTOR', x, top + 100, width);
  blank(doc, 'By', x, top + 126, width * 0.6);
  blank(doc, 'Date', x + width * 0.65, top + 126, width * 0.35);
  blank(doc, 'State of', x, top + 152, width * 0.45);
  blank(doc, 'County of', x + width * 0.5, top + 152, width * 0.5);
  blank(doc, 'Subscribed and sworn to before me this day', x, top + 178, width);
  blank(doc, 'Notary Public', x, top + 204, width * 0.6);
  blank(doc, 'My commission expires', x + width * 0.65, top + 204, width * 0.35);
  line(doc, "ARCHITECT'S CERTIFICATE FOR PAYMENT", x, top + 230, { size: 9, bold: true });
  text(
    "In accordance with the Contract Documents, based on on-site observations and the data comprising this application, the Architect certifies to the Owner that to the best of the Architect's knowledge, information and belief the Work has progressed as indicated, the quality of the Work is in accordance with the Contract Documents, and the Contractor is entitled to payment of the AMOUNT CERTIFIED.",
    top + 244,
  );
  blank(doc, 'AMOUNT CERTIFIED', x, top + 330, width);
  blank(doc, 'ARCHITECT', x, top + 356, width);
  blank(doc, 'By', x, top + 382, width * 0.6);
  blank(doc, 'Date', x + width * 0.65, top + 382, width * 0.35);
}

/**
 * The G702 summary page: who, what and which application; lines 1 to 9; change orders; the invoice;
 * signature blocks left blank.
 */
export function g702Page(doc: Pdf, document: PayApplication): void {
  const { invoice } = document;
  newPage(doc, 'portrait');
  const top = heading(doc, 'APPLICATION AND CERTIFICATE FOR PAYMENT', invoice.number, 540);
  line(doc, 'AIA Document G702 layout', MARGIN, top - 6, { size: 6 });
  block(doc, 'TO OWNER', ownerLines(document), MARGIN, top + 6, 170);
  block(doc, 'PROJECT', projectLines(document), MARGIN + 180, top + 6, 170);
  const pairs = [
    ['APPLICATION NO', String(invoice.applicationNo)],
    ['PERIOD TO', invoice.periodEnd ?? ''],
    ['INVOICE NO', invoice.number],
    ['APPLICATION DATE', invoice.issueDate],
    ['DUE DATE', invoice.dueDate],
  ] as const;
  facts(doc, pairs, MARGIN + 360, top + 6, 180);
  const summaryTop = top + 72;
  const afterSummary = contractorsApplication(doc, document, summaryTop);
  const afterChanges = changeOrders(doc, document, afterSummary + 10);
  amountDue(doc, document, afterChanges + 12);
  signatures(doc, summaryTop);
}
