import type { CreditNoteDocument } from '@billing/invoicing/domain';
import {
  line,
  MARGIN,
  money,
  newPage,
  numberPages,
  percent,
  renderPdf,
  type Pdf,
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

const WIDTH = 540;

function draw(doc: Pdf, document: CreditNoteDocument): void {
  const { creditNote, invoice, terms } = document;
  const amount = (value: number) => money(value, terms.currency);
  newPage(doc, 'portrait');
  const top = heading(doc, 'CREDIT NOTE', creditNote.number, WIDTH);
  block(doc, 'CUSTOMER', ownerLines(document), MARGIN, top + 6, 170);
  block(doc, 'PROJECT', projectLines(document), MARGIN + 180, top + 6, 170);
  const pairs = [
    ['CREDIT NOTE NO', creditNote.number],
    ['DATE', creditNote.issueDate],
    ['CREDITS INVOICE', invoice.number ?? ''],
    ['INVOICE DATE', invoice.issueDate ?? ''],
    ...(invoice.applicationNo ? [['APPLICATION NO', String(invoice.applicationNo)] as const] : []),
  ] as const;
  facts(doc, pairs, MARGIN + 360, top + 6, 180);
  line(doc, 'REASON', MARGIN, top + 72, { size: 7, bold: true });
  let y = paragraph(doc, creditNote.reason, MARGIN, top + 82, WIDTH, 9);
  line(doc, `Amounts in ${terms.currency}; tax at the invoice's rate.`, MARGIN, y + 10, {
    size: 6.5,
  });
  const credit = [
    ['Net credit', amount(creditNote.amount)],
    [`Tax at ${percent(terms.taxRate)}`, amount(creditNote.tax)],
    ['TOTAL CREDIT', amount(creditNote.total), true],
  ] as const;
  y = amounts(doc, credit, MARGIN + WIDTH - 300, y + 26, 300);
  line(doc, `INVOICE ${invoice.number ?? ''}`, MARGIN + WIDTH - 300, y + 16, {
    size: 7,
    bold: true,
  });
  const onInvoice = [
    ['Invoice total', amount(invoice.total)],
    ['Credited by earlier credit notes', amount(invoice.credited)],
    ['Credited by this credit note', amount(creditNote.total)],
    ['Credited in all', amount(invoice.credited + creditNote.total), true],
  ] as const;
  amounts(doc, onInvoice, MARGIN + WIDTH - 300, y + 28, 300);
}

/** A credit note as issued, with the invoice it credits. */
export function renderCreditNote(document: CreditNoteDocument): Promise<Buffer> {
  const { creditNote, invoice, terms } = document;
  const info = {
    title: `Credit note ${creditNote.number}`,
    subject: `${terms.title}: credit note on invoice ${invoice.number ?? ''}`,
    keywords: `credit note ${creditNote.creditNoteId}; invoice ${invoice.invoiceId}; contract ${document.contractId}`,
    issueDate: creditNote.issueDate,
  };
  return renderPdf(info, (doc) => {
    draw(doc, document);
    numberPages(doc, creditNote.number);
  });
}
