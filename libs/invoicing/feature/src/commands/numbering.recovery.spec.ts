import { randomUUID } from 'node:crypto';
import {
  completeWith,
  findInvoice,
  ledgerDecider,
  ledgerStream,
  numberingDecider,
  numberingStream,
  type Ledger,
  type LedgerCommand,
  type NumberingCommand,
} from '@billing/invoicing/domain';
import { currentState, handleCommand, InMemoryEventStore } from '@billing/shared/event-store';
import { InMemoryReadModels, readModelSnapshots } from '@billing/shared/read-models';
import { finishReservedIssue } from './numbering.recovery';

const contractId = randomUUID();
const invoiceId = randomUUID();
const issueDate = '2026-02-03';
const series = numberingStream('t', 'invoice', issueDate);
const context = () => ({
  tenantId: 't',
  actor: 'staff',
  correlationId: randomUUID(),
  commandId: randomUUID(),
  now: new Date(`${issueDate}T10:00:00Z`),
});
const open: LedgerCommand = {
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
};
const draft = (periodEnd: string): LedgerCommand => ({
  type: 'DraftPayApplication',
  invoiceId,
  certificationId: randomUUID(),
  periodEnd,
  lines: [{ lineId: 'A', workCompletedToDate: 100_000, storedMaterials: 0 }],
});
const reserve = (on: string): NumberingCommand => ({
  type: 'ReserveNumber',
  series: 'invoice',
  documentId: invoiceId,
  contractId,
  issueDate: on,
  completion: { type: 'IssueInvoice', invoiceId, issueDate: on },
});

/** A contract's ledger with one draft, and the recovery as the invoicing service runs it. */
async function drafted(periodEnd: string) {
  const store = new InMemoryEventStore();
  const snapshots = readModelSnapshots(new InMemoryReadModels());
  for (const command of [open, draft(periodEnd)])
    await handleCommand(store, ledgerStream(contractId), ledgerDecider, command, context());
  const recover = finishReservedIssue(
    store,
    { store: snapshots, version: 'ledger' },
    { store: snapshots, version: 'numbering' },
  );
  const invoice = async () =>
    findInvoice(
      (await currentState(store, ledgerStream(contractId), ledgerDecider, context()))
        .state as Ledger,
      invoiceId,
    );
  return { store, recover, invoice };
}

describe('finishing a reserved issue (numbering.recovery.ts)', () => {
  it('issues the document with the number its series still gives it, not with one voided since', async () => {
    const { store, recover, invoice } = await drafted('2026-01-31');
    const number = (command: NumberingCommand) =>
      handleCommand(store, series, numberingDecider, command, context());
    await number(reserve(issueDate));
    await number({
      type: 'VoidNumber',
      series: 'invoice',
      number: 'INV-2026-00001',
      documentId: invoiceId,
      contractId,
      reason: 'withdrawn, then drafted again',
    });
    await number(reserve(issueDate));
    const [first, , again] = await store.readStream(series);

    await recover(first);
    expect(await invoice()).toMatchObject({ status: 'draft' });
    await recover(again);
    expect(await invoice()).toMatchObject({ status: 'issued', number: 'INV-2026-00002' });
  });

  it('finishes the issue as the request that reserved the number would have: the same events, with its command id and fingerprint', async () => {
    const request = { ...context(), request: 'sha256-of-the-request' };
    const issue = completeWith({ type: 'IssueInvoice', invoiceId, issueDate }, 'INV-2026-00001');
    // What the request appends when nothing stops it.
    const uninterrupted = await drafted('2026-01-31');
    const drafts = (await uninterrupted.store.readStream(ledgerStream(contractId))).length;
    await handleCommand(uninterrupted.store, series, numberingDecider, reserve(issueDate), request);
    await handleCommand(
      uninterrupted.store,
      ledgerStream(contractId),
      ledgerDecider,
      issue,
      request,
    );
    // The process died between the reservation and the issue: the recovery finishes it.
    const cut = await drafted('2026-01-31');
    await handleCommand(cut.store, series, numberingDecider, reserve(issueDate), request);
    await cut.recover((await cut.store.readStream(series))[0]);
    const issued = async (store: InMemoryEventStore) =>
      (await store.readStream(ledgerStream(contractId)))
        .slice(drafts)
        .map(({ id, type, data, metadata }) => ({
          id,
          type,
          data,
          causationId: metadata.causationId,
          request: metadata.request,
        }));
    expect(await issued(cut.store)).toEqual(await issued(uninterrupted.store));
    expect(await issued(cut.store)).toEqual([
      expect.objectContaining({
        type: 'InvoiceIssued',
        causationId: request.commandId,
        request: 'sha256-of-the-request',
      }),
    ]);
  });

  it("voids unused a number reserved for a document issued since with another year's number: the series stays gapless", async () => {
    const { store, recover, invoice } = await drafted('2026-01-31');
    // Reserved in 2026, then (the process died) issued by a retry dated in 2027.
    await handleCommand(store, series, numberingDecider, reserve('2026-12-31'), context());
    const nextYear = numberingStream('t', 'invoice', '2027-01-04');
    await handleCommand(store, nextYear, numberingDecider, reserve('2027-01-04'), context());
    const issue = completeWith(
      { type: 'IssueInvoice', invoiceId, issueDate: '2027-01-04' },
      'INV-2027-00001',
    );
    await handleCommand(store, ledgerStream(contractId), ledgerDecider, issue, context());
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await recover((await store.readStream(series))[0]);
    } finally {
      warned.mockRestore();
    }
    expect(await invoice()).toMatchObject({ status: 'issued', number: 'INV-2027-00001' });
    expect(
      (await store.readStream(series)).map(({ type, data }) => [type, (data as any).number]),
    ).toEqual([
      ['NumberReserved', 'INV-2026-00001'],
      ['NumberVoided', 'INV-2026-00001'],
    ]);
  });

  it('keeps the number for the document when the ledger refuses the issue for now (a date before the period end)', async () => {
    const { store, recover, invoice } = await drafted('2026-02-28');
    await handleCommand(store, series, numberingDecider, reserve(issueDate), context());
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const [reserved] = await store.readStream(series);
      await recover(reserved);
      expect(logged).toHaveBeenCalledWith(
        expect.stringMatching(/INV-2026-00001 reserved for .* could not be used: .*period end/),
      );
    } finally {
      logged.mockRestore();
    }
    expect(await invoice()).toMatchObject({ status: 'draft' });
    expect((await store.readStream(series)).map((event) => event.type)).toEqual(['NumberReserved']);
  });
});

describe('a credit note refused once its number was reserved (another instance credited the invoice meanwhile)', () => {
  it('voids its number unused, with the reason: the series stays gapless', async () => {
    const { store, recover, invoice } = await drafted('2026-01-31');
    await handleCommand(store, series, numberingDecider, reserve(issueDate), context());
    const [reservedInvoice] = await store.readStream(series);
    await recover(reservedInvoice);
    expect(await invoice()).toMatchObject({ status: 'issued', number: 'INV-2026-00001' });
    const creditNotes = numberingStream('t', 'credit-note', issueDate);
    const creditNoteId = randomUUID();
    const completion = {
      type: 'IssueCreditNote' as const,
      creditNoteId,
      invoiceId,
      amount: 5_000_000,
      issueDate,
      reason: 'more than the invoice',
    };
    await handleCommand(
      store,
      creditNotes,
      numberingDecider,
      {
        type: 'ReserveNumber',
        series: 'credit-note',
        documentId: creditNoteId,
        contractId,
        issueDate,
        completion,
      },
      context(),
    );
    const logged = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const [reserved] = await store.readStream(creditNotes);
      await recover(reserved);
    } finally {
      logged.mockRestore();
    }
    const events = await store.readStream(creditNotes);
    expect(events.map((event) => [event.type, (event.data as { reason?: string }).reason])).toEqual(
      [
        ['NumberReserved', undefined],
        [
          'NumberVoided',
          expect.stringMatching(
            `credit note ${creditNoteId} was refused once its number was reserved: `,
          ),
        ],
      ],
    );
  });
});
