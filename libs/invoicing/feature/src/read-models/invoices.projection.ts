import { evolve, type CreditNote, type Invoice, type Ledger } from '@billing/invoicing/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import { aggregateIdOf, type Projection, type ReadModelStore } from '@billing/shared/read-models';
import { decodeLedgerEvent } from '../invoicing.events';

export const LEDGERS = 'billing_ledgers_v2';
export const INVOICES = 'invoices_v2';

export interface LedgerView extends Ledger {
  refusals: { certificationId: string; periodEnd: string; reason: string }[];
}

export interface InvoiceView extends Omit<Invoice, 'status'> {
  status: Invoice['status'] | 'withdrawn';
  /** What receivables last reported open on it (a write-off takes it below what was not paid). */
  openOnAccount?: number;
  contractId: string;
  contractTitle: string;
  customer: { id: string; name: string };
  currency: string;
  creditNotes: CreditNote[];
}

/**
 * The contract's ledger as the domain folds it, and one document per invoice for lists and detail.
 */
export const invoicesProjection: Projection = {
  name: 'invoices',
  // 2: each invoice carries what the account still has open on it (`openOnAccount`).
  version: 2,
  streamPrefixes: ['billing-'],
  collections: [LEDGERS, INVOICES],
  indexes: [
    { collection: INVOICES, fields: { contractId: 1, applicationNo: 1, number: 1 } },
    // A filtered list in the list's order: the filter and the sort from one index (with the
    // filter's field alone, SQLite walked the sort's index through every invoice of the tenant).
    { collection: INVOICES, fields: { status: 1, contractId: 1, applicationNo: 1, number: 1 } },
    {
      collection: INVOICES,
      fields: { 'customer.id': 1, contractId: 1, applicationNo: 1, number: 1 },
    },
  ],
  affected: (recorded) => [
    { collection: LEDGERS, id: aggregateIdOf(recorded.streamId, ['billing-']) },
  ],
  async handle(recorded: RecordedEvent, store: ReadModelStore) {
    const event = decodeLedgerEvent(recorded);
    await store.apply<LedgerView>(LEDGERS, event.data.contractId, recorded.position, (current) => {
      const next = evolve(current ?? { status: 'none' }, event) as Ledger;
      return {
        ...next,
        refusals: [
          ...(current?.refusals ?? []),
          ...(event.type === 'PayApplicationRefused' ? [event.data] : []),
        ],
      };
    });
    if (!('invoiceId' in event.data)) return;
    const invoiceId = event.data.invoiceId;
    if (event.type === 'PayApplicationWithdrawn') {
      await store.apply<InvoiceView>(INVOICES, invoiceId, recorded.position, (current) => ({
        ...(current as InvoiceView),
        status: 'withdrawn',
      }));
      return;
    }
    const ledger = await store.get<LedgerView>(LEDGERS, event.data.contractId);
    const invoice = ledger?.invoices.find((candidate) => candidate.invoiceId === invoiceId);
    if (!ledger || !invoice) return;
    const { terms } = ledger;
    const openOnAccount = ledger.openOnAccount?.[invoiceId];
    const view: InvoiceView = {
      ...invoice,
      ...(openOnAccount === undefined ? {} : { openOnAccount }),
      contractId: ledger.contractId,
      contractTitle: terms.title,
      customer: { id: terms.customer.id, name: terms.customer.name },
      currency: terms.currency,
      creditNotes: ledger.creditNotes.filter((note) => note.invoiceId === invoiceId),
    };
    await store.apply<InvoiceView>(INVOICES, invoiceId, recorded.position, () => view);
  },
};
