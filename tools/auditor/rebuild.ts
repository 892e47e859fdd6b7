import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareReadModels,
  rebuildInto,
  switchTo,
  type Projection,
  type ReadModelStore,
} from '@billing/shared/read-models';
import { runningOn, SqliteReadModels } from '@billing/shared/sqlite';
import { options, STORE_OPTIONS, type Command } from './io';
import { progress } from './progress';
import { ALL_PROJECTIONS, SERVICE_PROJECTIONS } from './projections';
import { dataDir, mongoServer, openStore, serviceReadModels, UsageError } from './store';

export const REBUILD_USAGE = `auditor rebuild [DATA_DIR] [--projection NAME] [--switch]   (also: npm run rebuild)
auditor rebuild --esdb URL --mongo URL --service NAME [--projection NAME] [--switch]
  replays the projections (all, or one) from position 0 into a side copy, compares it document by document with the live
  read models, and with --switch (service stopped) makes the live read models the rebuilt ones and unparks what they had parked.
  Embedded: the copy is read-models.rebuild.sqlite beside the store. Distributed: the live read models are the service's
  database on the Mongo server at --mongo (the services' MONGO_URL) and the copy is the database <service>_rebuild there,
  emptied at the start of each rebuild and left for inspection afterwards (drop it when done)`;

/** The live read models and the side copy to rebuild into (emptied first). */
interface Copies {
  live: ReadModelStore;
  side: ReadModelStore;
  sideName: string;
}

/**
 * Exit 0 when the side copy equals the live read models (or was switched in), 1 when documents
 * differ.
 */
export const rebuildCommand: Command = async (args, io) => {
  const { values, positionals } = options(
    args,
    {
      ...STORE_OPTIONS,
      mongo: { type: 'string' },
      service: { type: 'string' },
      projection: { type: 'string' },
      switch: { type: 'boolean' },
    },
    1,
  );
  const where = { ...values, data: positionals[0] ?? values.data };
  const mongo = mongoServer(where);
  if (where.esdb && !mongo)
    throw new UsageError(
      "EventStoreDB's read models are each service's database in Mongo: give --mongo URL and --service NAME",
    );
  const available = mongo
    ? projectionsOf(values.service)
    : values.service
      ? mongoNeeded()
      : ALL_PROJECTIONS;
  const projections = values.projection
    ? available.filter((projection) => projection.name === values.projection)
    : available;
  if (projections.length === 0)
    throw new UsageError(
      `no projection ${values.projection}; there are ${available.map((projection) => projection.name).join(', ')}`,
    );
  if (values.switch && !mongo) notRunning(dataDir(where));
  const { store } = openStore(where);
  const bar = progress('rebuilding', io.tty);
  let copies: Copies | undefined;
  try {
    copies = mongo ? mongoCopies(mongo, values.service!) : sqliteCopies(dataDir(where));
    const { live, side, sideName } = copies;
    for (const collection of await side.collections()) await side.drop(collection);
    const started = Date.now();
    const head = await rebuildInto(store, side, projections, bar.update);
    bar.stop();
    io.out(
      `rebuilt ${projections.length} projection(s) from the store's events up to position ${head}${mongo ? " (EventStoreDB's commit position, not a count)" : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s into ${sideName}`,
    );
    const report = await compareReadModels(live, side, projections, head);
    io.out(`${report.collections.length} collections, ${report.documents} documents compared`);
    if (report.parked > 0)
      io.out(
        `the rebuild parked ${report.parked} event(s): they are still unreadable with this version`,
      );
    for (const difference of report.differences.slice(0, 20))
      io.out(
        `DIFFERS ${difference.collection}/${difference.id}\n  live:    ${JSON.stringify(difference.live)}\n  rebuilt: ${JSON.stringify(difference.rebuilt)}`,
      );
    io.out(
      report.differences.length === 0
        ? 'the rebuilt read models equal the live ones'
        : `${report.differences.length} document(s) differ`,
    );
    if (values.switch) {
      if (!mongo) notRunning(dataDir(where));
      await switchTo(live, side, projections);
      io.out('the live read models are now the rebuilt ones');
    }
    return report.differences.length === 0 || values.switch ? 0 : 1;
  } finally {
    bar.stop();
    await Promise.all([store.close(), copies?.live.close(), copies?.side.close()]);
  }
};

/**
 * The app writes its read models as it runs: switching them under it would mix its writes with the
 * rebuilt copy.
 */
function notRunning(dir: string): void {
  const running = runningOn(dir);
  if (running.length > 0)
    throw new UsageError(
      `the app is running on ${dir} (process ${running.join(', ')}): stop it before --switch (a rebuild without --switch only compares, and may run beside it)`,
    );
}

function projectionsOf(service: string | undefined): readonly Projection[] {
  const projections = service === undefined ? undefined : SERVICE_PROJECTIONS[service];
  if (!projections)
    throw new UsageError(
      `--mongo needs --service, one of ${Object.keys(SERVICE_PROJECTIONS).join(', ')}: each service keeps its read models in its own database`,
    );
  return projections;
}

function mongoNeeded(): never {
  throw new UsageError('--service names a database on the Mongo server: give --mongo URL with it');
}

function sqliteCopies(dir: string): Copies {
  const sideName = join(dir, 'read-models.rebuild.sqlite');
  ['', '-wal', '-shm'].forEach((suffix) => rmSync(`${sideName}${suffix}`, { force: true }));
  return {
    live: new SqliteReadModels(join(dir, 'read-models.sqlite')),
    side: new SqliteReadModels(sideName),
    sideName,
  };
}

/** A service's database and its `<service>_rebuild` copy on the services' Mongo server. */
function mongoCopies(url: string, service: string): Copies {
  return {
    live: serviceReadModels(url, service),
    side: serviceReadModels(url, `${service}_rebuild`),
    sideName: `the database ${service}_rebuild`,
  };
}
