import { ledgerDecider, payApplicationOf, type Ledger, type LedgerEvent, type NumberingEvent } from '@billing/invoicing/domain';
import type { EventStore, RecordedEvent } from '@billing/shared/event-store';
import { fold } from '@billing/shared/kernel';

export interface AuditReport {
  events: number;
  series: number;
  numbersChecked: number;
  applicationsRecomputed: number;
  problems: string[];
}

async function everyEvent(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = 0; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
    events.push(...page);
    if (page.length < 1000) return events;
    from = page[page.length - 1].position;
  }
}

const byStream = (events: RecordedEvent[], prefix: string) => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events.filter((e) => e.streamId.startsWith(prefix))) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  return streams;
};

/**
 * What an auditor checks from the events alone: every number series runs 1, 2, 3… without a gap,
 * each number on exactly one issued document; and every pay application the ledgers hold is what
 * the G702/G703 rules give when recomputed from the ledger as it stood when it was drafted.
 */
export async function verify(store: EventStore): Promise<AuditReport> {
  const events = await everyEvent(store);
  const problems: string[] = [];
  const ledgers = new Map(
    [...byStream(events, 'billing-')].map(([stream, history]) => [stream.slice('billing-'.length), fold(ledgerDecider, history as unknown as LedgerEvent[]) as Ledger]),
  );
  let numbersChecked = 0;
  const series = byStream(events, 'numbering-');
  for (const [stream, history] of series) {
    history.forEach((event, index) => {
      const { sequence, number, documentId, contractId } = (event as unknown as NumberingEvent).data;
      numbersChecked++;
      if (sequence !== index + 1) problems.push(`${stream}: ${number} has sequence ${sequence} where ${index + 1} was due (a gap or a repeat)`);
      const ledger = ledgers.get(contractId);
      const used = ledger?.invoices.filter((invoice) => invoice.number === number).length ?? 0;
      const credited = ledger?.creditNotes.filter((note) => note.number === number).length ?? 0;
      const documentHolds =
        ledger?.invoices.find((invoice) => invoice.invoiceId === documentId)?.number ?? ledger?.creditNotes.find((note) => note.creditNoteId === documentId)?.number;
      if (used + credited !== 1 || documentHolds !== number)
        problems.push(
          `${stream}: ${number} reserved for ${documentId} is on ${used + credited} document(s) of contract ${contractId}, and that document holds ${documentHolds ?? 'no number'}`,
        );
    });
  }
  let applicationsRecomputed = 0;
  for (const [stream, history] of byStream(events, 'billing-')) {
    history.forEach((event, index) => {
      if (event.type !== 'PayApplicationDrafted') return;
      const before = fold(ledgerDecider, history.slice(0, index) as unknown as LedgerEvent[]) as Ledger;
      const { g702, g703, amount, tax, total } = (event as unknown as Extract<LedgerEvent, { type: 'PayApplicationDrafted' }>).data;
      applicationsRecomputed++;
      if (JSON.stringify(payApplicationOf(before)) !== JSON.stringify({ g702, g703, amount, tax, total }))
        problems.push(`${stream}@${event.revision}: the pay application drafted differs from its recomputation`);
    });
  }
  return { events: events.length, series: series.size, numbersChecked, applicationsRecomputed, problems };
}
