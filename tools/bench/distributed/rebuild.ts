import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMongo } from '@billing/infra/mongo';
import { contractsProjections } from '@billing/contracts/feature';
import { invoicingProjections } from '@billing/invoicing/feature';
import { milestonesProjections } from '@billing/milestones/feature';
import { receivablesProjections } from '@billing/receivables/feature';
import { MongoReadModels } from '@billing/shared/mongo';
import { rebuildInto, type ReadModelStore } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { dataset, type Dataset } from '../dataset';

/** Every read model of the app, as `npm run rebuild` replays them. */
const PROJECTIONS = [
  ...contractsProjections,
  ...milestonesProjections,
  ...invoicingProjections,
  ...receivablesProjections,
];

export interface RebuildFigures {
  events: number;
  streams: number;
  /**
   * Events in the store over the wall time of `rebuildInto` (every projection from position 0 into
   * an empty store).
   */
  mongo: RebuildRound[];
  sqlite: RebuildRound[];
}

export interface RebuildRound {
  seconds: number;
  eventsPerSecond: number;
  /**
   * CPU time of this process (the projections, the adapter) and, into Mongo, of mongo-java-server,
   * over the round.
   */
  cpu: { node: number; server?: number };
}

/**
 * Rebuilds every projection from a generated store (SQLite events, read by all projections at once)
 * into an empty Mongo database on mongo-java-server (memory backend) and into an empty SQLite
 * read-model file, alternating, `rounds` times each.
 */
export async function measureRebuild(
  targetEvents: number,
  rounds: number,
  fresh: boolean,
  log: (line: string) => void,
): Promise<RebuildFigures> {
  const source: Dataset = await dataset(
    { key: `events-${targetEvents}`, targetEvents },
    fresh,
    log,
  );
  const store = new SqliteEventStore(join(source.dir, 'events.sqlite'));
  const mongo = await startMongo({ javaOptions: ['-Xmx2g'] });
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-rebuild-'));
  const figures: RebuildFigures = {
    events: source.events,
    streams: source.streams,
    mongo: [],
    sqlite: [],
  };
  try {
    for (let round = 1; round <= rounds; round++) {
      figures.mongo.push(
        await timed(
          store,
          new MongoReadModels(`${mongo.uri}/rebuild_${round}`),
          source.events,
          () => mongo.cpuSeconds(),
        ),
      );
      log(
        `  rebuild ${round}/${rounds} into Mongo: ${Math.round(figures.mongo.at(-1)!.eventsPerSecond)} events/s`,
      );
      figures.sqlite.push(
        await timed(
          store,
          new SqliteReadModels(join(dir, `rebuild-${round}.sqlite`)),
          source.events,
        ),
      );
      log(
        `  rebuild ${round}/${rounds} into SQLite: ${Math.round(figures.sqlite.at(-1)!.eventsPerSecond)} events/s`,
      );
    }
    return figures;
  } finally {
    await store.close();
    await mongo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(
  store: SqliteEventStore,
  side: ReadModelStore,
  events: number,
  serverCpu?: () => number,
): Promise<RebuildRound> {
  try {
    const [started, nodeBefore, serverBefore] = [
      performance.now(),
      process.cpuUsage(),
      serverCpu?.(),
    ];
    await rebuildInto(store, side, PROJECTIONS);
    const seconds = (performance.now() - started) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const server = serverCpu && serverBefore !== undefined ? serverCpu() - serverBefore : undefined;
    return {
      seconds,
      eventsPerSecond: events / seconds,
      cpu: { node: (node.user + node.system) / 1e6, server },
    };
  } finally {
    await side.close();
  }
}
