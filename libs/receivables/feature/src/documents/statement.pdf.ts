import {
  drawTable,
  line,
  MARGIN,
  markPages,
  money,
  newPage,
  numberPages,
  renderPdf,
  type Pdf,
} from '@billing/shared/documents';
import type { StatementView } from '../read-models/statement.query';

const WIDTH = 540;

/** How a book entry reads on a statement. */
export const ENTRY_LABELS: Record<string, string> = {
  invoice: 'Invoice',
  void: 'Invoice voided',
  'credit-note': 'Credit note',
  payment: 'Payment',
  reversal: 'Payment reversed',
  'write-off': 'Written off',
};

const COLUMNS = [
  { header: 'DATE', width: 62 },
  { header: 'ENTRY', width: 86 },
  { header: 'REFERENCE', width: 152 },
  { header: 'CHARGES', width: 80, align: 'right' as const },
  { header: 'CREDITS', width: 80, align: 'right' as const },
  { header: 'BALANCE', width: 80, align: 'right' as const },
];

/** The statement's heading on each of its pages; answers where the table starts. */
function heading(doc: Pdf, statement: StatementView): number {
  const top = newPage(doc, 'portrait');
  line(doc, 'STATEMENT OF ACCOUNT', MARGIN, top, { size: 14, bold: true });
  line(doc, `${statement.from} to ${statement.to}`, MARGIN, top + 2, {
    size: 11,
    bold: true,
    width: WIDTH,
    align: 'right',
  });
  doc
    .moveTo(MARGIN, top + 20)
    .lineTo(MARGIN + WIDTH, top + 20)
    .lineWidth(1)
    .stroke();
  line(doc, 'CUSTOMER', MARGIN, top + 28, { size: 7, bold: true });
  line(doc, statement.customerName, MARGIN, top + 38, { size: 9 });
  line(doc, `Customer id ${statement.customerId}`, MARGIN, top + 49, { size: 7 });
  line(
    doc,
    `Amounts in ${statement.currency}. A negative balance is credit in the customer's favour.`,
    MARGIN,
    top + 62,
    { size: 6.5 },
  );
  return top + 76;
}

/**
 * Balance brought forward, the period's entries in date order with the running balance, the closing
 * balance.
 */
function rowsOf(statement: StatementView) {
  const amount = (value: number) => money(value, statement.currency);
  const rows = [
    [statement.from, 'Brought forward', '', '', '', amount(statement.openingBalance)],
    ...statement.lines.map((entry) => [
      entry.date,
      ENTRY_LABELS[entry.kind] ?? entry.kind,
      entry.reference,
      entry.amount > 0 ? amount(entry.amount) : '',
      entry.amount < 0 ? amount(-entry.amount) : '',
      amount(entry.balance),
    ]),
  ];
  const charges = statement.lines
    .filter((entry) => entry.amount > 0)
    .reduce((total, entry) => total + entry.amount, 0);
  const credits = statement.lines
    .filter((entry) => entry.amount < 0)
    .reduce((total, entry) => total - entry.amount, 0);
  return {
    rows,
    total: [
      statement.to,
      'Closing balance',
      '',
      amount(charges),
      amount(credits),
      amount(statement.closingBalance),
    ],
  };
}

/** A customer's statement for a period, as the statement query answers it; dated its last day. */
export function renderStatement(statement: StatementView): Promise<Buffer> {
  const info = {
    title: `Statement of account ${statement.from} to ${statement.to}`,
    subject: `${statement.customerName}: statement of account`,
    keywords: `customer ${statement.customerId}; period ${statement.from} ${statement.to}`,
    issueDate: statement.to,
  };
  return renderPdf(info, (doc) => {
    const start = () => heading(doc, statement);
    drawTable(
      doc,
      { columns: COLUMNS, ...rowsOf(statement) },
      { x: MARGIN, y: start(), newPage: start },
    );
    // A statement sent while events of its account are parked would look complete: it says not.
    const parked = statement._parked?.length ?? 0;
    if (parked > 0)
      markPages(doc, {
        note: `INCOMPLETE: ${parked} event(s) of this account could not be applied yet; figures may lack them`,
      });
    numberPages(doc, `Statement ${statement.from} to ${statement.to}`);
  });
}
