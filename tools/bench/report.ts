import { AGING_AS_OF, AGING_NOW, type AgingFigures } from './aging';
import type { AppendFigures } from './appends';
import type { BootFigures } from './boot';
import type { LoadFigures, LoadProfile } from './load';
import type { Machine } from './machine';
import type { PdfFigures } from './pdf';
import type { StreamCost } from './streams';
import type { WipFigures } from './wip';
import type { Rate, VerifyFigures } from './verify';
import { distributedSection, type DistributedFigures } from './distributed';
import { MIX } from './mix';
import { mib, ms, percent, perSecond, seconds, verdict, type Summary } from './stats';

export const TARGETS = {
  singles: 0.7,
  batches: 0.8,
  loadRate: 500,
  loadP99: 25,
  bootReadyMs: 5_000,
  bootAt: 1_000_000,
  agingP99: 50,
};

export interface Results {
  machine: Machine;
  argv: string[];
  loads: string[];
  appends?: AppendFigures[];
  load?: LoadFigures;
  profile?: LoadProfile;
  boots?: BootFigures[];
  aging?: AgingFigures;
  pdf?: PdfFigures;
  wip?: WipFigures;
  verify?: VerifyFigures;
  distributed?: DistributedFigures;
  streams?: StreamCost[];
  synthCheck?: unknown;
  wallSeconds: number;
}

const table = (head: string[], rows: (string | number)[][]) => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
];
const count = (n: number) => n.toLocaleString('en-US');

export function render(results: Results): string {
  const { machine } = results;
  const lines = [
    `Machine: ${machine.cpus} CPUs "${machine.model}", ${machine.memoryGiB} GiB, ${machine.disk} (temp folder), Node ${machine.node}, better-sqlite3 ${machine.betterSqlite3} (SQLite ${machine.sqlite}), commit ${machine.commit}, ${machine.date}.`,
    `Command: \`npm run bench${results.argv.length ? ` -- ${results.argv.join(' ')}` : ''}\`, ${(results.wallSeconds / 60).toFixed(1)} min. Load average while running: ${results.loads.join('; ')}.`,
    '',
  ];
  if (results.appends) lines.push(...appendsSection(results.appends), '');
  if (results.load) lines.push(...loadSection(results.load, results.profile), '');
  if (results.boots) lines.push(...bootSection(results.boots), '');
  if (results.aging) lines.push(...agingSection(results.aging), '');
  if (results.wip) lines.push(...wipSection(results.wip), '');
  if (results.pdf) lines.push(...pdfSection(results.pdf), '');
  if (results.verify) lines.push(...verifySection(results.verify), '');
  if (results.distributed) lines.push(...distributedSection(results.distributed), '');
  if (results.streams) lines.push(...streamsSection(results.streams), '');
  if (results.synthCheck)
    lines.push(
      '### Synthesised stores against the running app',
      '',
      '```json',
      JSON.stringify(results.synthCheck, null, 2),
      '```',
      '',
    );
  return lines.join('\n');
}

function appendsSection(figures: AppendFigures[]): string[] {
  return [
    '### Appends: SqliteEventStore against a raw better-sqlite3 loop (same file layout, pragmas, rows; alternating rounds)',
    '',
    ...table(
      ['events per append', 'appends', 'SqliteEventStore', 'raw loop', 'store / raw', 'target', ''],
      figures.map((f) => {
        const target = f.size === 1 ? TARGETS.singles : TARGETS.batches;
        return [
          f.size,
          count(f.appends),
          `${perSecond(f.store, 'events')}`,
          `${perSecond(f.raw, 'events')}`,
          percent(f.ratio),
          `>= ${percent(target)}`,
          verdict(f.ratio >= target),
        ];
      }),
    ),
  ];
}

function loadSection(load: LoadFigures, profile?: LoadProfile): string[] {
  const lines = [
    `### Mixed load, open loop (latency from the scheduled send time), app in its own process; ${count(load.eventsAtEnd)} events in the store at the end`,
    '',
    ...table(
      [
        'rate',
        'sent',
        'achieved',
        'p50',
        'p99',
        'max',
        'errors',
        'not ready (404, retried)',
        'no answer',
        'generator lag',
        `target: p99 <= ${TARGETS.loadP99} ms at ${TARGETS.loadRate}/s`,
      ],
      load.steps.map((s) => [
        `${s.rate}/s`,
        count(s.scheduled),
        perSecond(s.achieved),
        ms(s.latency.p50),
        ms(s.latency.p99),
        ms(s.latency.max),
        s.errors,
        s.notReady,
        s.timeouts,
        ms(s.sendLagMs),
        s.rate === TARGETS.loadRate
          ? verdict(s.latency.p99 <= TARGETS.loadP99 && s.errors === 0 && s.timeouts === 0)
          : '',
      ]),
    ),
    '',
    'Requests sent, by kind (nominal share; a step that waits for a reaction falls back to another kind when no contract is ready):',
    '',
    ...table(
      ['kind', 'nominal', ...load.steps.map((s) => `${s.rate}/s`)],
      Object.entries(MIX).map(([kind, share]) => [
        kind,
        `${share}%`,
        ...load.steps.map((s) => percent((s.mix[kind] ?? 0) / s.scheduled)),
      ]),
    ),
    '',
    'Latency by kind, p50 / p99 (from the due time, as above):',
    '',
    ...table(
      ['kind', ...load.steps.map((s) => `${s.rate}/s`)],
      Object.keys(MIX).map((kind) => [
        kind,
        ...load.steps.map((s) =>
          s.byKind?.[kind] ? `${ms(s.byKind[kind].p50)} / ${ms(s.byKind[kind].p99)}` : '',
        ),
      ]),
    ),
  ];
  const failures = load.steps.filter((s) => Object.keys(s.failures).length > 0);
  if (failures.length)
    lines.push(
      '',
      'Answers other than 2xx (warm-up included):',
      ...failures.map(
        (s) =>
          `- ${s.rate}/s: ${Object.entries(s.failures)
            .map(([k, n]) => `${k} x${n}`)
            .join('; ')}`,
      ),
    );
  if (profile) {
    lines.push(
      '',
      `CPU profile of the app at ${profile.rate}/s (achieved ${perSecond(profile.result.achieved)}, p99 ${ms(profile.result.latency.p99)}), self time over the measured ${profile.result.scheduled / profile.rate} s:`,
      '',
    );
    lines.push(
      ...table(
        ['where', 'share'],
        profile.areas.slice(0, 12).map((h) => [h.name, percent(h.share)]),
      ),
    );
    lines.push(
      '',
      ...table(
        ['function', 'share'],
        profile.functions.slice(0, 15).map((h) => [`\`${h.name}\``, percent(h.share)]),
      ),
    );
    lines.push(
      '',
      'Of which SQLite transactions (BEGIN…COMMIT, the fsync included), by the code that ran them:',
      '',
    );
    lines.push(
      ...table(
        ['caller', 'share'],
        profile.transactions.slice(0, 6).map((h) => [`\`${h.name}\``, percent(h.share)]),
      ),
    );
    lines.push('', `The profile (Chrome DevTools, Performance): ${profile.file}`);
  }
  return lines;
}

function bootSection(boots: BootFigures[]): string[] {
  return [
    '### Boot on a built store (read models persisted), and the first boot that builds them',
    '',
    ...table(
      [
        'events',
        'customers / invoices',
        'spawn -> port open',
        'spawn -> /health/ready',
        'RSS after boot',
        'boots (ready)',
        `target: <= ${TARGETS.bootReadyMs / 1000} s at 1M`,
      ],
      boots.map((b) => [
        count(b.built.dataset.events),
        `${count(b.built.dataset.customers)} / ${count(b.built.dataset.invoices)}`,
        ms(b.median.portOpenMs),
        ms(b.median.readyMs),
        mib(b.median.rssBytes),
        b.samples.map((s) => seconds(s.readyMs / 1000)).join(', '),
        b.built.dataset.events >= TARGETS.bootAt
          ? verdict(b.median.readyMs <= TARGETS.bootReadyMs)
          : '',
      ]),
    ),
    '',
    'The first boot on each store, on the events alone (what `npm run rebuild` also pays):',
    '',
    ...table(
      [
        'events',
        'spawn -> ready (projections built)',
        'spawn -> settled (consumer groups too)',
        'appended meanwhile',
        'RSS then',
        'SIGTERM -> exit',
        'measured',
      ],
      boots.map(({ built: { dataset, firstBuild, reused } }) => [
        count(dataset.events),
        `${seconds(firstBuild.seconds)} (${perSecond(firstBuild.eventsPerSecond, 'events')})`,
        seconds(firstBuild.settledSeconds),
        firstBuild.appended,
        mib(firstBuild.rssBytes),
        seconds(firstBuild.stopSeconds),
        reused ? `${firstBuild.measuredOn.slice(0, 16)} (cached)` : 'this run',
      ]),
    ),
  ];
}

function agingSection(a: AgingFigures): string[] {
  const { dataset } = a.built;
  return [
    `### AR aging over HTTP: ${count(dataset.customers)} customers, ${count(dataset.invoices)} invoices (${count(dataset.events)} events), GET /aging?asOf=… x ${a.samples}, one at a time`,
    '',
    ...table(
      ['measure', 'p50', 'p99', 'max', `target: p99 <= ${TARGETS.agingP99} ms`],
      [
        [
          `GET /aging?asOf=${AGING_NOW} (now: after the last business date)`,
          ms(a.now.p50),
          ms(a.now.p99),
          ms(a.now.max),
          verdict(a.now.p99 <= TARGETS.agingP99),
        ],
        [
          `GET /aging?asOf=${AGING_AS_OF} (a past date)`,
          ms(a.http.p50),
          ms(a.http.p99),
          ms(a.http.max),
          verdict(a.http.p99 <= TARGETS.agingP99),
        ],
        [
          `reference, in process, ${a.reads.count} runs: every item and retainage row open on ${AGING_AS_OF} read`,
          ms(a.reads.p50),
          ms(a.reads.p99),
          ms(a.reads.max),
          '',
        ],
        [
          `reference, in process: the same and agingByCustomer over them`,
          ms(a.readsAndAging.p50),
          ms(a.readsAndAging.p99),
          ms(a.readsAndAging.max),
          '',
        ],
      ],
    ),
    '',
    `The store's first boot built its read models in ${seconds(a.built.firstBuild.seconds)} and settled in ${seconds(a.built.firstBuild.settledSeconds)}. Each answer is a page of ${count(a.answer.customers)} customers with the tenant's totals; the past date's page holds ${count(a.answer.openInvoices)} invoices open on the date (${count(a.answer.overdueInvoices)} overdue), ${(a.answer.bytes / 2 ** 20).toFixed(1)} MiB of JSON; the reference (what a past date read before ADR 23) reads ${count(a.answer.candidates)} item and ${count(a.answer.retainageRows)} retainage documents.`,
  ];
}

function wipSection(w: WipFigures): string[] {
  const { dataset } = w.built;
  const row = (what: string, s: Summary) => [
    what,
    ms(s.p50),
    ms(s.p99),
    ms(s.max),
    verdict(s.p99 <= TARGETS.agingP99),
  ];
  return [
    `### Over/under billing (WIP) over HTTP: ${count(dataset.customers)} customers, ${count(dataset.invoices)} invoices, a cost report per contract and month (${count(dataset.events)} events), x ${w.samples} each, one at a time`,
    '',
    ...table(
      ['measure', 'p50', 'p99', 'max', `target (as aging): p99 <= ${TARGETS.agingP99} ms`],
      [
        row('GET /wip?periodEnd=2026-10-31 (a page of 100 contracts and the totals)', w.page),
        row('GET /wip?periodEnd=2026-10-31&limit=1000', w.largestPage),
        row("GET /contracts/:id/wip (one contract's periods)", w.contract),
      ],
    ),
    '',
    `The schedule of the period holds ${count(w.answer.contracts)} contracts in ${w.answer.currencies} currency (overbilled ${count(w.answer.overbilled)}, underbilled ${count(w.answer.underbilled)} cents in total); a page of 100 is ${(w.answer.bytes / 1024).toFixed(0)} KiB of JSON, of 1,000 ${(w.answer.largestBytes / 1024).toFixed(0)} KiB. The totals are one kept document per period, so the answer reads the page and that document only.`,
  ];
}

export function streamsSection(costs: StreamCost[]): string[] {
  const short = (cost: StreamCost) =>
    costs.find((other) => other.stream === cost.stream && other.events < cost.events);
  return [
    '### Commands on long streams (issue 5 item 6): one command on a stream beside the same on a short one',
    '',
    `handleCommand on SQLite with read-model snapshots, as a service runs it, after ${count(costs[0]?.events ?? 0)} and ${count(costs.at(-1)?.events ?? 0)} events on the stream (written first, in batches); ${count(costs[0]?.commands ?? 0)} commands timed one after another on each, after a warm-up. A number series: each issue reserves a number. A customer account: an invoice opened, then paid, and again (20 contracts). The as-of view: the stream read and folded as of now, as \`GET /accounts/{id}/as-of\` does (mean of 5).`,
    '',
    ...table(
      ['stream', 'events before', 'mean', 'p50', 'p99', 'max', 'mean, long / short', 'as-of view'],
      costs.map((cost) => {
        const base = short(cost);
        return [
          cost.stream,
          count(cost.events),
          ms(cost.meanMs),
          ms(cost.ms.p50),
          ms(cost.ms.p99),
          ms(cost.ms.max),
          base ? `${(cost.meanMs / base.meanMs).toFixed(2)}x` : '',
          cost.asOfMs === undefined ? '' : ms(cost.asOfMs),
        ];
      }),
    ),
  ];
}

function pdfSection(p: PdfFigures): string[] {
  return [
    `### PDF: a pay application of ${p.lines} G703 lines in the G702/G703 layout (${p.pages} pages, ${(p.bytes / 1024).toFixed(0)} KiB), rendered in process x ${p.samples}, one at a time, after ${p.warmups} warm-up renders`,
    '',
    ...table(
      ['measure', 'p50', 'p99', 'max', 'mean', 'per second (one core)'],
      [
        [
          'renderPayApplication, wall clock: layout, font shaping and subsetting, writing',
          ms(p.render.p50),
          ms(p.render.p99),
          ms(p.render.max),
          ms(p.render.mean),
          perSecond(1000 / p.render.mean, 'documents'),
        ],
        [
          'the same renders, CPU time (user + system) of the process',
          ms(p.cpu.p50),
          ms(p.cpu.p99),
          ms(p.cpu.max),
          ms(p.cpu.mean),
          perSecond(1000 / p.cpu.mean, 'documents'),
        ],
      ],
    ),
  ];
}

function verifySection(v: VerifyFigures): string[] {
  const median = (rates: Rate[], key: keyof Rate) =>
    [...rates].sort((a, b) => a[key] - b[key])[Math.floor(rates.length / 2)][key];
  const rounds = (rates: Rate[]) => rates.map((rate) => count(Math.round(rate.wall))).join(', ');
  const row = (measure: string, rates: Rate[]) => [
    measure,
    perSecond(median(rates, 'wall'), 'events'),
    perSecond(median(rates, 'cpu'), 'events'),
    rounds(rates),
  ];
  const rows = [
    row('read every page of `$all` through the port (no hashing)', v.read),
    row('`verifyChains`: the same reads + RFC 8785 canonicalization + SHA-256 per event', v.verify),
    row('`chainHash` alone, 20,000 events already in memory', [v.hashOnly]),
  ];
  if (v.esdb)
    rows.push(
      row(
        `EventStoreDB adapter on the in-process emulator (${count(v.esdb.events)} events; client and server share the process): read \`$all\``,
        v.esdb.read,
      ),
      row('the same: `verifyChains`', v.esdb.verify),
    );
  return [
    `### \`verify\`: the hash chains of ${count(v.events)} events in ${count(v.streams)} streams (a boot store${v.copySeconds > 0 ? `, appended again through SqliteEventStore in ${seconds(v.copySeconds)} to hash it` : ''}, ${mib(v.bytes)}); every chain ${v.intact ? 'held' : '**did not hold**'}`,
    '',
    ...table(
      [
        'measure',
        'median, wall time',
        'median, per CPU-second of the process',
        'rounds (events/s, wall)',
      ],
      rows,
    ),
  ];
}
