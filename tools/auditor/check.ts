import { decodeLedgerEvent } from '@billing/invoicing/feature';
import { ledgerDecider, payApplicationOf, type Ledger } from '@billing/invoicing/domain';
import { allEvents } from '@billing/shared/audit';
import {
  InvalidEvent,
  verifyChains,
  type EventStore,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { fold } from '@billing/shared/kernel';
import { byStream, decodeStream, ledgersOf, numberSeries } from './number-series';

export interface BooksReport {
  events: number;
  series: number;
  numbersChecked: number;
  applicationsRecomputed: number;
  problems: string[];
}

/**
 * What an auditor checks from the events alone: every stream's hash chain holds (an event edited,
 * added or removed by hand breaks it); every number series runs 1, 2, 3… without a gap, each number
 * on exactly one issued document; and every pay application the ledgers hold is what the G702/G703
 * rules give when recomputed from the ledger as it stood when it was drafted.
 */
export async function checkBooks(
  store: EventStore,
  onProgress?: (position: number, head: number) => void,
): Promise<BooksReport> {
  const events: RecordedEvent[] = [];
  for await (const event of allEvents(store, undefined, onProgress)) events.push(event);
  const chains = await verifyChains(store);
  const series = numberSeries(events, ledgersOf(events));
  const problems = [
    ...chains.breaks.map(
      (broken) =>
        `hash chain broken (${broken.kind}) at ${broken.streamId}@${broken.revision} (position ${broken.position}): expected ${broken.expected}, found ${broken.found}`,
    ),
    ...(chains.breakCount > chains.breaks.length
      ? [
          `${chains.breakCount - chains.breaks.length} more hash chain breaks: npm run auditor -- verify`,
        ]
      : []),
    ...series.flatMap((one) => one.problems),
  ];
  let applicationsRecomputed = 0;
  for (const [stream, history] of byStream(events, 'billing-')) {
    const ledger = decodeStream(history, decodeLedgerEvent);
    if (ledger instanceof InvalidEvent) {
      problems.push(`${ledger.message}; its ledger is not checked`);
      continue;
    }
    ledger.forEach((event, index) => {
      if (event.type !== 'PayApplicationDrafted') return;
      const before = fold(ledgerDecider, ledger.slice(0, index)) as Ledger;
      const { g702, g703, amount, tax, total } = event.data;
      applicationsRecomputed++;
      if (
        JSON.stringify(payApplicationOf(before)) !==
        JSON.stringify({ g702, g703, amount, tax, total })
      )
        problems.push(
          `${stream}@${history[index].revision}: the pay application drafted differs from its recomputation`,
        );
    });
  }
  const numbersChecked = series.reduce((count, one) => count + one.numbers.length, 0);
  return {
    events: events.length,
    series: series.length,
    numbersChecked,
    applicationsRecomputed,
    problems,
  };
}
