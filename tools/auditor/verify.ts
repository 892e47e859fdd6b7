import { verifyChains, type ChainBreak, type ChainReport } from '@billing/shared/event-store';
import { integer, options, STORE_OPTIONS, type Command, type Io } from './io';
import { progress } from './progress';
import { openStore } from './store';

export const VERIFY_USAGE = `auditor verify [--stream ID] [--tenant T] [--max-breaks 20] [--allow-unhashed]
  walks every stream's hash chain (or one) and names each broken link: stream, revision, event id, expected and found hash;
  exit 0 when every event is verified, 1 at a broken link, 2 when events carry no hash (stored before hashing began,
  or their hashes removed); --allow-unhashed accepts a store known to predate hashing (exit 0 then)`;

/**
 * npm run auditor -- verify: exit 0 when every event is verified, 1 at a broken link, 2 when some
 * carry no hash and --allow-unhashed was not given: a store whose hashes were all removed looks like
 * one written before hashing began, and must not pass as verified (ADR 19).
 */
export const verifyCommand: Command = async (args, io) => {
  const { values } = options(args, {
    ...STORE_OPTIONS,
    stream: { type: 'string' },
    tenant: { type: 'string' },
    'max-breaks': { type: 'string' },
    'allow-unhashed': { type: 'boolean' },
  });
  const { store, source } = openStore(values);
  const bar = progress('verifying', io.tty);
  const started = performance.now();
  let report: ChainReport;
  try {
    report = await verifyChains(store, {
      streamId: values.stream,
      tenantId: values.tenant,
      maxBreaks: integer(values['max-breaks'], 'max-breaks', 20, 1),
      onProgress: (_, position, head) => bar.update(position, head),
    });
  } finally {
    bar.stop();
    await store.close();
  }
  printReport(
    io,
    report,
    `${source}${values.stream ? ` stream ${values.stream}` : ''}${values.tenant ? ` tenant ${values.tenant}` : ''}`,
    (performance.now() - started) / 1000,
  );
  if (!report.intact) return 1;
  if (report.unhashed === 0 || values['allow-unhashed']) return 0;
  io.out(
    `NOT VERIFIED: ${report.unhashed} events carry no hash; if this store predates hashing, compare the chain heads digest with one kept from before and run with --allow-unhashed`,
  );
  return 2;
};

export function printReport(io: Io, report: ChainReport, what: string, seconds: number): void {
  io.out(
    `${what}: ${report.events} events in ${report.streams} streams walked in ${seconds.toFixed(1)} s`,
  );
  io.out(`  verified: ${report.verified} events whose hash holds over the one before`);
  if (report.unhashed > 0)
    io.out(
      `  NOT verified: ${report.unhashed} events in ${report.unhashedStreams} streams were appended before hashing began (no hash; ADR 19)`,
    );
  io.out(
    `  chain heads digest: ${report.headsDigest} (keep it: a later verify of the same history gives the same one)`,
  );
  if (report.intact) {
    io.out(
      report.unhashed === 0
        ? 'every chain holds'
        : 'no broken link among the events that carry a hash; the others are not verified',
    );
    return;
  }
  const [first] = report.breaks;
  io.out(`BROKEN: ${report.breakCount} link(s); the first: ${describeBreak(first)}`);
  report.breaks.slice(1).forEach((one) => io.out(`  also: ${describeBreak(one)}`));
  if (report.breakCount > report.breaks.length)
    io.out(`  … and ${report.breakCount - report.breaks.length} more`);
}

export function describeBreak(one: ChainBreak): string {
  const what = {
    hash: 'the stored hash does not hold',
    unhashed: 'no hash where the chain had begun',
    gap: 'revisions missing before it',
  }[one.kind];
  return `${one.streamId} revision ${one.revision}, event ${one.eventId} (position ${one.position}): ${what}; expected ${one.expected}, found ${one.found}`;
}
