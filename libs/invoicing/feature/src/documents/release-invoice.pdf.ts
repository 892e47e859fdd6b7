import type { InvoiceDocument } from '@billing/invoicing/domain';
import {
  drawTable,
  MARGIN,
  markPages,
  money,
  newPage,
  numberPages,
  percent,
  renderPdf,
  type Pdf,
  type PageMark,
} from '@billing/shared/documents';
import {
  amounts,
  block,
  facts,
  heading,
  ownerLines,
  paragraph,
  projectLines,
} from './document-parts';

type Release = Extract<InvoiceDocument, { kind: 'retainage-release' }>;

const WIDTH = 540;

/**
 * The retainage it releases, line by line: column I of the application whose line 5 it bills, less,
 * when releases before that application took part of it (line 5c), what they took from each line
 * (`releasedByLine`, documents.ts).
 */
function releasedByLine(
  doc: Pdf,
  { application, terms, releasedByLine: released }: Release,
  top: number,
): number {
  if (!application?.g703 || !application.g702) return top;
  const { g702, g703 } = application;
  const amount = (value: number) => money(value, terms.currency);
  const earlier = g702.retainageReleased ?? 0;
  const columns = [
    { header: 'ITEM NO.', width: 50 },
    { header: 'DESCRIPTION OF WORK', width: 350 },
    {
      header:
        earlier > 0
          ? 'RETAINAGE RELEASED (OF G703 COLUMN I)'
          : 'RETAINAGE RELEASED (G703 COLUMN I)',
      width: 140,
      align: 'right' as const,
    },
  ];
  const rows = g703.map((row, i) => [row.item, row.description, amount(released[i])]);
  const y = drawTable(
    doc,
    { columns, rows, total: ['', 'TOTAL RETAINAGE (G702 LINE 5)', amount(g702.totalRetainage)] },
    { x: MARGIN, y: top, newPage: () => newPage(doc, 'portrait') },
  );
  const parts = [
    [
      `Line 5a, ${percent(g702.retainageStep.workRate)} of completed work`,
      amount(g702.retainageOnCompletedWork),
    ] as const,
    [
      `Line 5b, ${percent(g702.retainageStep.materialsRate)} of stored material`,
      amount(g702.retainageOnStoredMaterials),
    ] as const,
    ...(earlier > 0
      ? [['Line 5c, less retainage released before', amount(-earlier)] as const]
      : []),
  ];
  return amounts(doc, parts, MARGIN + WIDTH - 300, y + 6, 300);
}

function draw(doc: Pdf, document: Release): void {
  const { invoice, application, terms } = document;
  newPage(doc, 'portrait');
  const top = heading(doc, 'INVOICE: RETAINAGE RELEASE', invoice.number, WIDTH);
  block(doc, 'BILL TO', ownerLines(document), MARGIN, top + 6, 170);
  block(doc, 'PROJECT', projectLines(document), MARGIN + 180, top + 6, 170);
  const pairs = [
    ['INVOICE NO', invoice.number],
    ['INVOICE DATE', invoice.issueDate],
    ['DUE DATE', invoice.dueDate],
    ['RELEASE DATE', invoice.periodEnd ?? ''],
    ['TERMS', `Net ${terms.paymentTermsDays} days`],
  ] as const;
  facts(doc, pairs, MARGIN + 360, top + 6, 180);
  const released = application
    ? `Releases the retainage held on pay application no. ${application.applicationNo} (${application.number ?? ''}, period to ${application.periodEnd ?? ''}): its G702 line 5.`
    : 'Releases the retainage held.';
  let y = paragraph(doc, `${released} Amounts in ${terms.currency}.`, MARGIN, top + 72, WIDTH);
  y = releasedByLine(doc, document, y + 8);
  const amount = (value: number) => money(value, terms.currency);
  const due = [
    ['Retainage released', amount(invoice.amount)],
    [`Tax at ${percent(terms.taxRate)}`, amount(invoice.tax)],
    [`TOTAL DUE ${invoice.dueDate}`, amount(invoice.total), true],
  ] as const;
  amounts(doc, due, MARGIN + WIDTH - 300, y + 14, 300);
}

/** A retainage release invoice as issued. */
export function renderReleaseInvoice(document: Release, mark?: PageMark): Promise<Buffer> {
  const { invoice, terms } = document;
  const info = {
    title: `Invoice ${invoice.number}, retainage release`,
    subject: `${terms.title}: retainage release of ${invoice.periodEnd ?? ''}`,
    keywords: `invoice ${invoice.invoiceId}; contract ${document.contractId}`,
    issueDate: invoice.issueDate,
  };
  return renderPdf(info, (doc) => {
    draw(doc, document);
    if (mark) markPages(doc, mark);
    numberPages(doc, invoice.number);
  });
}
