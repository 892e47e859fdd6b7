import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { chainHash, GENESIS } from '@billing/shared/event-store';
import { options, type Command, type Io } from '../io';
import { UsageError } from '../store';
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
import { seriesOf } from './export';

export const VERIFY_BUNDLE_USAGE = `auditor verify-bundle DIR [--expect MANIFEST_SHA256]
  offline (no store): every file against the manifest, every event's hash over the one before it, the chain heads and counts,
  and the number series recomputed from the events (each number with its document and status); names each altered event`;

export interface BundleReport {
  manifestDigest: string;
  manifest?: Manifest;
  events: number;
  verified: number;
  unhashed: number;
  series: NumberSeriesFile['series'];
  /** In file order; each names the file, the line and the event where it can. */
  problems: string[];
}

/**
 * npm run auditor -- verify-bundle DIR: exit 0 when the bundle is intact, 1 with each problem
 * named.
 */
export const verifyBundleCommand: Command = async (args, io) => {
  const { values, positionals } = options(args, { expect: { type: 'string' } }, 1);
  if (!positionals[0]) throw new UsageError(VERIFY_BUNDLE_USAGE);
  const report = verifyBundle(positionals[0]);
  if (values.expect && values.expect !== report.manifestDigest)
    report.problems.unshift(
      `manifest.json: SHA-256 ${report.manifestDigest}, not the ${values.expect} expected`,
    );
  printBundleReport(io, positionals[0], report);
  return report.problems.length === 0 ? 0 : 1;
};

export function verifyBundle(dir: string): BundleReport {
  const manifestFile = join(dir, FILES.manifest);
  if (!existsSync(manifestFile)) throw new UsageError(`no ${FILES.manifest} in ${dir}`);
  const manifestText = readFileSync(manifestFile);
  const report: BundleReport = {
    manifestDigest: sha256(manifestText),
    events: 0,
    verified: 0,
    unhashed: 0,
    series: [],
    problems: [],
  };
  const manifest = parse<Manifest>(manifestText.toString('utf8'));
  if (manifest?.format !== FORMAT) {
    report.problems.push(`${FILES.manifest}: not a ${FORMAT} manifest`);
    return report;
  }
  report.manifest = manifest;
  for (const [name, digest] of Object.entries(manifest.files)) {
    const file = join(dir, name);
    const actual = existsSync(file) ? sha256(readFileSync(file)) : 'missing';
    if (actual !== digest)
      report.problems.push(`${name}: SHA-256 ${actual}, the manifest says ${digest}`);
  }
  const complete = new Set(
    manifest.streams.filter((stream) => stream.complete).map((stream) => stream.streamId),
  );
  const events = checkEvents(dir, report, complete);
  if (
    !isDeepStrictEqual(
      headsOf(events, (streamId) => complete.has(streamId)),
      manifest.streams,
    )
  )
    report.problems.push(`${FILES.manifest}: its chain heads differ from the events'`);
  if (!isDeepStrictEqual(countsOf(events), manifest.counts))
    report.problems.push(`${FILES.manifest}: its counts differ from the events'`);
  report.series = seriesOf(events, { complete });
  const listed = parse<NumberSeriesFile>(readText(dir, FILES.numbers));
  if (!isDeepStrictEqual(listed?.series, report.series))
    report.problems.push(`${FILES.numbers}: differs from the number series the events give`);
  report.series.forEach((series) => report.problems.push(...series.problems));
  return report;
}

/**
 * Line by line: the line's digest, its identity, its hash over its previous hash, the link to the
 * event before it in the bundle, and no revision missing from a stream held whole.
 */
function checkEvents(dir: string, report: BundleReport, complete: Set<string>): BundledEvent[] {
  const [eventLines, hashLines] = [
    lines(readText(dir, FILES.events)),
    lines(readText(dir, FILES.hashes)),
  ];
  if (eventLines.length !== hashLines.length)
    report.problems.push(
      `${FILES.events} has ${eventLines.length} lines, ${FILES.hashes} ${hashLines.length}`,
    );
  const events: BundledEvent[] = [];
  const last = new Map<string, BundledEvent>();
  eventLines.forEach((text, index) => {
    const hashes = parse<HashLine>(hashLines[index] ?? '');
    const event = parse<BundledEvent>(text);
    const name = `${FILES.events} line ${index + 1}, ${describe(hashes ?? event)}`;
    const problem = (what: string) => report.problems.push(`${name}: ${what}`);
    if (!hashes) problem(`${FILES.hashes} has no readable line ${index + 1}`);
    else if (sha256(text) !== hashes.line)
      problem(
        `its bytes changed (SHA-256 ${sha256(text)}, ${FILES.hashes} recorded ${hashes.line})`,
      );
    if (!event) return problem('not a JSON event');
    report.events++;
    events.push(event);
    if (
      hashes &&
      (hashes.streamId !== event.streamId ||
        hashes.revision !== event.revision ||
        hashes.id !== event.id ||
        hashes.hash !== event.hash ||
        hashes.previousHash !== event.previousHash)
    )
      problem(`differs from line ${index + 1} of ${FILES.hashes} (${describe(hashes)})`);
    const before = last.get(event.streamId);
    if (before && event.revision <= before.revision)
      problem(`revision ${event.revision} after ${before.revision}`);
    else if (complete.has(event.streamId) && event.revision !== (before ? before.revision + 1 : 0))
      problem(`revisions missing before it in a stream the bundle holds whole`);
    if (before?.revision === event.revision - 1 && (before.hash ?? GENESIS) !== event.previousHash)
      problem(
        `its previous hash ${event.previousHash} is not the hash of revision ${before.revision}`,
      );
    if (event.hash === undefined) report.unhashed++;
    else if (chainHash(event.previousHash, event) !== event.hash)
      problem(
        `its hash does not hold: expected ${chainHash(event.previousHash, event)}, found ${event.hash}`,
      );
    else report.verified++;
    last.set(event.streamId, event);
  });
  return events;
}

export function printBundleReport(io: Io, dir: string, report: BundleReport): void {
  const manifest = report.manifest;
  io.out(
    `${dir}: ${manifest ? `${manifest.kind} ${manifest.subject}${manifest.tenantId ? ` of tenant ${manifest.tenantId}` : ''}, exported ${manifest.exportedAt} from ${manifest.source}` : 'unreadable manifest'}`,
  );
  io.out(`  manifest SHA-256 ${report.manifestDigest}`);
  io.out(
    `  ${report.events} events: ${report.verified} verified over their previous hash${report.unhashed ? `, ${report.unhashed} NOT verified (appended before hashing began)` : ''}`,
  );
  for (const series of report.series) {
    const gapless =
      series.problems.length === 0
        ? series.complete
          ? 'gapless'
          : 'only the numbers of the documents exported'
        : `${series.problems.length} problem(s)`;
    io.out(`  ${series.streamId}: ${series.numbers.length} number(s), ${gapless}`);
    for (const number of series.numbers)
      io.out(
        `    ${number.number}  ${number.status.padEnd(10)}  ${number.document} ${number.documentId}  issue date ${number.issueDate}  contract ${number.contractId}${number.reason ? `  (${number.reason})` : ''}`,
      );
  }
  report.problems.forEach((problem) => io.out(`PROBLEM ${problem}`));
  io.out(
    report.problems.length === 0
      ? 'the bundle is intact'
      : `${report.problems.length} problem(s): the bundle is not what was exported`,
  );
}

function describe(event: Pick<HashLine, 'streamId' | 'revision' | 'id'> | undefined): string {
  return event ? `${event.streamId}@${event.revision} (event ${event.id})` : 'an unreadable event';
}

const readText = (dir: string, name: string) =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '';
const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
