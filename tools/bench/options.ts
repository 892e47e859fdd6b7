export const SECTIONS = [
  'appends',
  'load',
  'boot',
  'aging',
  'wip',
  'pdf',
  'verify',
  'distributed',
  'streams',
  'synth-check',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  only: Section[];
  /** Event counts of the boot stores. */
  sizes: number[];
  rates: number[];
  /** Seconds measured per rate (after the warm-up). */
  duration: number;
  warmup: number;
  agingCustomers: number;
  agingSamples: number;
  /** Lines of the pay application rendered as PDF, and how many renders are timed. */
  pdfLines: number;
  pdfSamples: number;
  /**
   * Events of the store `verify` walks (a boot store, hashed again), and how many of them go to the
   * ESDB emulator.
   */
  verifyEvents: number;
  verifyEsdbEvents: number;
  /**
   * The distributed part: contracts activated one at a time, events relayed, events of the store
   * rebuilt, ESDB appends (0 skips a part).
   */
  lagSamples: number;
  relayEvents: number;
  rebuildEvents: number;
  esdbAppends: number;
  /** Profile the app under the highest rate: 'auto' when the load target is missed. */
  profile: 'auto' | 'always' | 'never';
  /**
   * Generate the stores again / measure the first boot (read-model build) again instead of reusing
   * the cache.
   */
  fresh: boolean;
  rebuild: boolean;
  appendScale: number;
  /** Events of the long streams a command is timed on (beside a short one), and commands timed. */
  streamEvents: number;
  streamCommands: number;
}

export const DEFAULTS: BenchOptions = {
  only: ['appends', 'load', 'boot', 'aging', 'wip', 'pdf', 'verify', 'distributed', 'streams'],
  sizes: [10_000, 100_000, 1_000_000],
  rates: [100, 200, 500],
  duration: 20,
  warmup: 3,
  agingCustomers: 10_000,
  agingSamples: 200,
  pdfLines: 50,
  pdfSamples: 50,
  verifyEvents: 100_000,
  verifyEsdbEvents: 5_000,
  lagSamples: 300,
  relayEvents: 5_000,
  rebuildEvents: 100_000,
  esdbAppends: 2_000,
  profile: 'auto',
  fresh: false,
  rebuild: false,
  appendScale: 1,
  streamEvents: 10_000,
  streamCommands: 500,
};

export const USAGE = `npm run bench -- [options]
  --only appends,load,boot,aging,wip,pdf,verify,distributed,streams  sections to run (also: synth-check, opt-in)
  --sizes 10000,100000,1000000     events in the boot stores
  --rates 100,200,500              open-loop request rates (requests/s)
  --duration 20 --warmup 3         seconds measured per rate, after a warm-up
  --aging-customers 10000          customers of the aging store (10 invoices each)
  --aging-samples 200              GET /aging requests (and of each WIP query: wip runs on the aging store)
  --pdf-lines 50 --pdf-samples 50  G703 lines of the pay application rendered as PDF, renders timed
  --verify-events 100000           events of the store the hash chains are verified on (a boot store, hashed again)
  --verify-esdb-events 5000        of which appended to the in-process ESDB emulator and verified there (0: skip)
  --lag-samples 300                distributed: contracts activated one at a time (lag across services over Kafka)
  --relay-events 5000              distributed: events per relay round (and per plain-producer round)
  --rebuild-events 100000          distributed: events of the store rebuilt into Mongo and into SQLite
  --esdb-appends 2000              distributed: events appended through the ESDB adapter to the emulator
  --profile auto|always|never      --cpu-prof the app at the highest rate (auto: when the load target is missed)
  --append-scale 1                 multiplies the append counts
  --stream-events 10000            streams: events of the long number series and customer account
  --stream-commands 500            streams: commands timed on each stream, short and long
  --fresh                          generate the cached stores again
  --rebuild                        measure the first boot (read-model build) again`;

const numbers = (value: string) => value.split(',').map((part) => Number(part.replace(/_/g, '')));

/** `--name value` pairs and `--flag`s; anything unknown stops with the usage. */
export function parseOptions(argv: string[]): BenchOptions {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], argv[i + 1] ?? ''];
    const take = <T>(parsed: T) => (i++, parsed);
    if (name === '--only') options.only = take(value.split(',').map(section));
    else if (name === '--sizes') options.sizes = take(numbers(value));
    else if (name === '--rates') options.rates = take(numbers(value));
    else if (name === '--duration') options.duration = take(Number(value));
    else if (name === '--warmup') options.warmup = take(Number(value));
    else if (name === '--aging-customers') options.agingCustomers = take(Number(value));
    else if (name === '--aging-samples') options.agingSamples = take(Number(value));
    else if (name === '--pdf-lines') options.pdfLines = take(Number(value));
    else if (name === '--pdf-samples') options.pdfSamples = take(Number(value));
    else if (name === '--verify-events') options.verifyEvents = take(Number(value));
    else if (name === '--verify-esdb-events') options.verifyEsdbEvents = take(Number(value));
    else if (name === '--append-scale') options.appendScale = take(Number(value));
    else if (name === '--lag-samples') options.lagSamples = take(Number(value));
    else if (name === '--relay-events') options.relayEvents = take(Number(value));
    else if (name === '--rebuild-events') options.rebuildEvents = take(Number(value));
    else if (name === '--esdb-appends') options.esdbAppends = take(Number(value));
    else if (name === '--stream-events') options.streamEvents = take(Number(value));
    else if (name === '--stream-commands') options.streamCommands = take(Number(value));
    else if (name === '--profile' && ['auto', 'always', 'never'].includes(value))
      options.profile = take(value as BenchOptions['profile']);
    else if (name === '--fresh') options.fresh = true;
    else if (name === '--rebuild') options.rebuild = true;
    else throw new Error(`unknown option ${name}\n${USAGE}`);
  }
  const all = [
    ...options.sizes,
    ...options.rates,
    options.duration,
    options.warmup,
    options.agingCustomers,
    options.agingSamples,
    options.pdfLines,
    options.pdfSamples,
    options.verifyEvents,
    options.verifyEsdbEvents,
    options.lagSamples,
    options.relayEvents,
    options.rebuildEvents,
    options.esdbAppends,
    options.appendScale,
    options.streamEvents,
    options.streamCommands,
  ];
  if (all.some((n) => !Number.isFinite(n) || n < 0))
    throw new Error(`every number must be a non-negative number\n${USAGE}`);
  return options;
}

function section(name: string): Section {
  if (!(SECTIONS as readonly string[]).includes(name))
    throw new Error(`unknown section ${name}: ${SECTIONS.join(', ')}\n${USAGE}`);
  return name as Section;
}
