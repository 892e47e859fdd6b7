import type { InvoiceDocument } from '@billing/invoicing/domain';
import { markPages, numberPages, renderPdf, type PageMark } from '@billing/shared/documents';
import { g702Page } from './g702.page';
import { g703Sheet } from './g703.sheet';

type PayApplication = Extract<InvoiceDocument, { kind: 'pay-application' }>;

/**
 * A pay application as issued, in the AIA G702/G703 layout: the summary page, then the continuation
 * sheet(s).
 */
export function renderPayApplication(document: PayApplication, mark?: PageMark): Promise<Buffer> {
  const { invoice, terms } = document;
  const info = {
    title: `Application and Certificate for Payment ${invoice.applicationNo}, ${invoice.number}`,
    subject: `${terms.title}: pay application ${invoice.applicationNo}, period to ${invoice.periodEnd ?? ''}`,
    keywords: `invoice ${invoice.invoiceId}; contract ${document.contractId}`,
    issueDate: invoice.issueDate,
  };
  return renderPdf(info, (doc) => {
    g702Page(doc, document);
    g703Sheet(doc, document);
    if (mark) markPages(doc, mark);
    numberPages(doc, `${invoice.number}, application ${invoice.applicationNo}`);
  });
}
