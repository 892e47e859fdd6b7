import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize } from 'json-canonicalize';
import { contractStreams, history, streamEvents } from '@billing/shared/audit';
import { GENESIS, type EventStore, type RecordedEvent } from '@billing/shared/event-store';
import { options, STORE_OPTIONS, type Command } from '../io';
import { ledgersOf, numberSeries, type Series } from '../number-series';
import { progress, type Progress } from '../progress';
import { openStore, UsageError } from '../store';
import {
  countsOf,
  FILES,
  FORMAT,
  headsOf,
  sha256,
  type BundledEvent,
  type HashLine,
  type Manifest,
  type NumberSeriesFile,
} from './format';

export const EXPORT_USAGE = `auditor export (--contract ID | --year YYYY) [--tenant default] --out DIR
  one contract's complete history, or one fiscal (calendar) year's, as a self-verifying bundle: events.jsonl, hashes.jsonl,
  number-series.json and manifest.json (counts, chain heads, each file's SHA-256); prints the manifest's SHA-256 to keep apart`;

interface Selection {
  kind: Manifest['kind'];
  subject: string;
  tenantId?: string;
  selection: string;
  events: RecordedEvent[];
  /** Streams held whole; the others only in part. */
  complete: Set<string>;
}

/** npm run auditor -- export …: exit 0 once the bundle is written. */
export const exportCommand: Command = async (args, io) => {
  const { values } = options(args, {
    ...STORE_OPTIONS,
    contract: { type: 'string' },
    year: { type: 'string' },
    tenant: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.out || Boolean(values.contract) === Boolean(values.year))
    throw new UsageError(EXPORT_USAGE);
  if (values.year && !/^\d{4}$/.test(values.year))
    throw new UsageError('--year is a calendar year such as 2026');
  if (existsSync(values.out) && readdirSync(values.out).length > 0)
    throw new UsageError(`${values.out} is not empty: a bundle is written into a new folder`);
  const { store, source } = openStore(values);
  const bar = progress('exporting', io.tty);
  try {
    const chosen = values.contract
      ? await contractSelection(store, values.contract, values.tenant, bar)
      : await yearSelection(store, Number(values.year), values.tenant ?? 'default', bar);
    bar.stop();
    const manifest = await writeBundle(
      values.out,
      await withPreviousHashes(store, chosen.events),
      chosen,
      source,
    );
    io.out(
      `${values.out}: ${manifest.counts.events} events of ${manifest.counts.streams} streams (${manifest.selection})`,
    );
    manifest.numberSeries.forEach((series) =>
      io.out(
        `  ${series.streamId}: ${series.numbers} number(s)${series.complete ? '' : ' (only the numbers of the documents exported)'}`,
      ),
    );
    io.out(
      `manifest SHA-256 ${sha256(JSON.stringify(manifest, null, 2))}: keep it apart from the bundle, then: npm run auditor -- verify-bundle ${values.out} --expect <it>`,
    );
    return 0;
  } finally {
    bar.stop();
    await store.close();
  }
};

async function contractSelection(
  store: EventStore,
  contractId: string,
  tenantId: string | undefined,
  bar: Progress,
): Promise<Selection> {
  const events: RecordedEvent[] = [];
  for await (const event of history(
    store,
    { kind: 'contract', contractId },
    { tenantId, onProgress: bar.update },
  ))
    events.push(event);
  if (events.length === 0)
    throw new UsageError(
      `no event about contract ${contractId}${tenantId ? ` of tenant ${tenantId}` : ''}`,
    );
  const selection =
    "the contract's contract-, schedule- and billing- streams whole, and the account and numbering events naming it";
  return {
    kind: 'contract',
    subject: contractId,
    tenantId,
    selection,
    events,
    complete: new Set(contractStreams(contractId)),
  };
}

/**
 * A fiscal year is the calendar year of DOMAIN.md's number series: the tenant's events recorded in
 * it (UTC), its invoice and credit-note series whole, and the whole billing ledger of every
 * contract numbered in it (a number's status comes from there).
 */
async function yearSelection(
  store: EventStore,
  year: number,
  tenantId: string,
  bar: Progress,
): Promise<Selection> {
  const range = {
    kind: 'range' as const,
    from: new Date(Date.UTC(year, 0, 1)),
    to: new Date(Date.UTC(year + 1, 0, 1)),
  };
  const events = new Map<string, RecordedEvent>();
  const add = (event: RecordedEvent) => events.set(`${event.streamId}@${event.revision}`, event);
  for await (const event of history(store, range, { tenantId, onProgress: bar.update })) add(event);
  const series = [
    `numbering-${tenantId}.invoice.${year}`,
    `numbering-${tenantId}.credit-note.${year}`,
  ];
  const contracts = new Set<string>();
  for (const streamId of series)
    for await (const event of streamEvents(store, streamId)) {
      add(event);
      contracts.add((event.data as { contractId: string }).contractId);
    }
  const ledgers = [...contracts].map((contractId) => `billing-${contractId}`);
  for (const streamId of ledgers)
    for await (const event of streamEvents(store, streamId)) add(event);
  const selection = `tenant ${tenantId}'s events recorded in ${year} (UTC), its ${year} invoice and credit-note number series whole, and the billing ledgers of the contracts numbered in them whole`;
  const ordered = [...events.values()].sort((a, b) => a.position - b.position);
  return {
    kind: 'fiscal-year',
    subject: String(year),
    tenantId,
    selection,
    events: ordered,
    complete: new Set([...series, ...ledgers]),
  };
}

/**
 * Each event with the hash of the one before it in its stream: from the bundle when it holds that
 * one, else read from the store.
 */
async function withPreviousHashes(
  store: EventStore,
  events: RecordedEvent[],
): Promise<BundledEvent[]> {
  const last = new Map<string, RecordedEvent>();
  const bundled: BundledEvent[] = [];
  for (const event of events) {
    const before = last.get(event.streamId);
    const previous =
      event.revision === 0
        ? undefined
        : before?.revision === event.revision - 1
          ? before
          : (
              await store.readStream(event.streamId, {
                fromRevision: event.revision - 1,
                maxCount: 1,
              })
            )[0];
    bundled.push({ ...event, previousHash: previous?.hash ?? GENESIS });
    last.set(event.streamId, event);
  }
  return bundled;
}

async function writeBundle(
  dir: string,
  events: BundledEvent[],
  chosen: Selection,
  source: string,
): Promise<Manifest> {
  mkdirSync(dir, { recursive: true });
  const eventLines = events.map((event) => canonicalize(event));
  const hashLines = events.map((event, index) => {
    const line: HashLine = {
      streamId: event.streamId,
      revision: event.revision,
      id: event.id,
      previousHash: event.previousHash,
      hash: event.hash,
      line: sha256(eventLines[index]),
    };
    return JSON.stringify(line);
  });
  const numbers: NumberSeriesFile = { series: seriesOf(events, chosen) };
  const files: Record<string, string> = {
    [FILES.events]: eventLines.map((line) => `${line}\n`).join(''),
    [FILES.hashes]: hashLines.map((line) => `${line}\n`).join(''),
    [FILES.numbers]: `${JSON.stringify(numbers, null, 2)}\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const manifest: Manifest = {
    format: FORMAT,
    kind: chosen.kind,
    subject: chosen.subject,
    ...(chosen.tenantId ? { tenantId: chosen.tenantId } : {}),
    exportedAt: new Date().toISOString(),
    source,
    selection: chosen.selection,
    counts: countsOf(events),
    streams: headsOf(events, (streamId) => chosen.complete.has(streamId)),
    numberSeries: numbers.series.map((series) => ({
      streamId: series.streamId,
      numbers: series.numbers.length,
      complete: series.complete,
    })),
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256(text)])),
  };
  writeFileSync(join(dir, FILES.manifest), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The number series the bundle shows: from its numbering events and the ledgers it holds whole. */
export function seriesOf(
  events: readonly RecordedEvent[],
  chosen: Pick<Selection, 'complete'>,
): NumberSeriesFile['series'] {
  const ledgers = ledgersOf(
    events.filter(
      (event) => event.streamId.startsWith('billing-') && chosen.complete.has(event.streamId),
    ),
  );
  const numbering = events.filter((event) => event.streamId.startsWith('numbering-'));
  const complete = numberSeries(
    numbering.filter((event) => chosen.complete.has(event.streamId)),
    ledgers,
    true,
  );
  const partial = numberSeries(
    numbering.filter((event) => !chosen.complete.has(event.streamId)),
    ledgers,
    false,
  );
  return [
    ...complete.map((series: Series) => ({ ...series, complete: true })),
    ...partial.map((series: Series) => ({ ...series, complete: false })),
  ];
}
