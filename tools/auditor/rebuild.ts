import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareReadModels, rebuildInto, switchTo } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { options, STORE_OPTIONS, type Command } from './io';
import { progress } from './progress';
import { ALL_PROJECTIONS } from './projections';
import { dataDir, UsageError } from './store';

export const REBUILD_USAGE = `auditor rebuild [DATA_DIR] [--projection NAME] [--switch]   (also: npm run rebuild)
  replays the projections (all, or one) from position 0 into a side copy (read-models.rebuild.sqlite), compares it document
  by document with the live read models, and with --switch (service stopped) makes the live read models the rebuilt ones`;

/** Exit 0 when the side copy equals the live read models (or was switched in), 1 when documents differ. */
export const rebuildCommand: Command = async (args, io) => {
  const { values, positionals } = options(args, { data: STORE_OPTIONS.data, projection: { type: 'string' }, switch: { type: 'boolean' } }, 1);
  const dir = positionals[0] ?? dataDir(values);
  const projections = values.projection ? ALL_PROJECTIONS.filter((projection) => projection.name === values.projection) : ALL_PROJECTIONS;
  if (projections.length === 0) throw new UsageError(`no projection ${values.projection}; there are ${ALL_PROJECTIONS.map((projection) => projection.name).join(', ')}`);
  const events = join(dir, 'events.sqlite');
  if (!existsSync(events)) throw new UsageError(`no event store at ${events}`);
  const sideFile = join(dir, 'read-models.rebuild.sqlite');
  ['', '-wal', '-shm'].forEach((suffix) => rmSync(`${sideFile}${suffix}`, { force: true }));
  const store = new SqliteEventStore(events);
  const live = new SqliteReadModels(join(dir, 'read-models.sqlite'));
  const side = new SqliteReadModels(sideFile);
  const bar = progress('rebuilding', io.tty);
  try {
    const started = Date.now();
    const head = await rebuildInto(store, side, projections, bar.update);
    bar.stop();
    io.out(`rebuilt ${projections.length} projection(s) from ${head} events in ${((Date.now() - started) / 1000).toFixed(1)} s into ${sideFile}`);
    const report = await compareReadModels(live, side, projections, head);
    io.out(`${report.collections.length} collections, ${report.documents} documents compared`);
    if (report.parked > 0) io.out(`the rebuild parked ${report.parked} event(s): they are still unreadable with this version`);
    for (const difference of report.differences.slice(0, 20))
      io.out(`DIFFERS ${difference.collection}/${difference.id}\n  live:    ${JSON.stringify(difference.live)}\n  rebuilt: ${JSON.stringify(difference.rebuilt)}`);
    io.out(report.differences.length === 0 ? 'the rebuilt read models equal the live ones' : `${report.differences.length} document(s) differ`);
    if (values.switch) {
      await switchTo(live, side, projections);
      io.out('the live read models are now the rebuilt ones');
    }
    return report.differences.length === 0 || values.switch ? 0 : 1;
  } finally {
    bar.stop();
    await Promise.all([store.close(), live.close(), side.close()]);
  }
};
