import { randomUUID } from 'node:crypto';
import type { StreamableFile } from '@nestjs/common';
import {
  invoiceDocumentOf,
  ledgerDecider,
  ledgerStream,
  type InvoiceDocument,
  type LedgerCommand,
} from '@billing/invoicing/domain';
import {
  handleCommand,
  InMemoryEventStore,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@billing/shared/event-store';
import type { RequestContext } from '@billing/shared/nest';
import { InMemoryReadModels, stampedWith } from '@billing/shared/read-models';
import { decodeLedgerEvent } from '../invoicing.events';
import { INVOICES } from '../read-models/invoices.projection';
import { InvoicingDocuments, LEDGER_PAGE } from './documents.http';
import { renderPayApplication } from './pay-application.pdf';

/** The in-memory store, counting the events its stream reads answer with. */
class CountingStore extends InMemoryEventStore {
  read = 0;

  override async readStream(streamId: string, options?: ReadStreamOptions) {
    const events: RecordedEvent[] = await super.readStream(streamId, options);
    this.read += events.length;
    return events;
  }
}

const [contractId, invoiceId] = [randomUUID(), randomUUID()];
const context = () => ({
  tenantId: 't',
  actor: 'staff',
  correlationId: randomUUID(),
  commandId: randomUUID(),
  now: new Date('2026-02-03T10:00:00Z'),
});
const commands: LedgerCommand[] = [
  {
    type: 'OpenLedger',
    contractId,
    terms: {
      customer: { id: 'cust', name: 'Owner', email: 'ap@owner.example', address: 'Main St' },
      title: 'Clinic',
      currency: 'USD',
      originalSum: 1_000_000,
      retainage: [{ threshold: 0, workRate: 1000, materialsRate: 0 }],
      taxRate: 0,
      paymentTermsDays: 30,
      poNumber: '',
    },
    lines: [{ lineId: 'A', item: '1', description: 'Site', scheduledValue: 1_000_000 }],
    openedOn: '2026-01-05',
  },
  {
    type: 'DraftPayApplication',
    invoiceId,
    certificationId: randomUUID(),
    periodEnd: '2026-01-31',
    lines: [{ lineId: 'A', workCompletedToDate: 100_000, storedMaterials: 0 }],
  },
  { type: 'IssueInvoice', invoiceId, number: 'INV-2026-00001', issueDate: '2026-02-03' },
];

async function bytesOf(file: StreamableFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.getStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('a document as issued (documents.http.ts)', () => {
  it('reads its ledger up to its own issue, a page at a time, not the history after it', async () => {
    const store = new CountingStore();
    const stream = ledgerStream(contractId);
    // The pay application issued, then more than two pages of the ledger after it.
    const payments = Array.from({ length: 2 * LEDGER_PAGE }, (_, i): LedgerCommand => ({
      type: 'RecordInvoicePayments',
      invoiceId,
      paid: i + 1,
    }));
    for (const command of [...commands, ...payments])
      await handleCommand(store, stream, ledgerDecider, command, context());
    const readModels = new InMemoryReadModels();
    await stampedWith(readModels, 't').apply(INVOICES, invoiceId, 1, () => ({ contractId }));
    const documents = new InvoicingDocuments(readModels, store);

    store.read = 0;
    const pdf = await bytesOf(
      await documents.invoice(invoiceId, { tenantId: 't' } as RequestContext),
    );

    expect(store.read).toBeLessThanOrEqual(LEDGER_PAGE);
    const all = (await store.readStream(stream)).map(decodeLedgerEvent);
    expect(all.length).toBeGreaterThan(2 * LEDGER_PAGE);
    const asIssued = invoiceDocumentOf(all, invoiceId) as Extract<
      InvoiceDocument,
      { kind: 'pay-application' }
    >;
    expect(pdf.equals(await renderPayApplication(asIssued))).toBe(true);
  });
});
