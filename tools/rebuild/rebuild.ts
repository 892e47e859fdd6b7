import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareReadModels, rebuildInto, switchTo } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { ALL_PROJECTIONS } from './projections';

/**
 * npm run rebuild [-- DATA_DIR] [--switch]: replays every projection from position 0 into a side
 * copy (read-models.rebuild.sqlite), compares it document by document with the live read models,
 * and with --switch (service stopped) makes the live read models the rebuilt ones.
 */
async function main() {
  const args = process.argv.slice(2);
  const dataDir = args.find((arg) => !arg.startsWith('--')) ?? process.env.DATA_DIR ?? 'data';
  const events = join(dataDir, 'events.sqlite');
  if (!existsSync(events)) throw new Error(`no event store at ${events}`);
  const sideFile = join(dataDir, 'read-models.rebuild.sqlite');
  ['', '-wal', '-shm'].forEach((suffix) => rmSync(`${sideFile}${suffix}`, { force: true }));
  const store = new SqliteEventStore(events);
  const live = new SqliteReadModels(join(dataDir, 'read-models.sqlite'));
  const side = new SqliteReadModels(sideFile);
  try {
    const started = Date.now();
    const head = await rebuildInto(store, side, ALL_PROJECTIONS, (position, to) => process.stdout.write(`\rrebuilding: ${position} of ${to} events`));
    console.log(`\rrebuilt ${ALL_PROJECTIONS.length} projections from ${head} events in ${((Date.now() - started) / 1000).toFixed(1)} s into ${sideFile}`);
    const report = await compareReadModels(live, side, ALL_PROJECTIONS, head);
    console.log(`${report.collections.length} collections, ${report.documents} documents compared`);
    if (report.parked > 0) console.log(`the rebuild parked ${report.parked} event(s): they are still unreadable with this version`);
    report.differences
      .slice(0, 20)
      .forEach((difference) =>
        console.log(`DIFFERS ${difference.collection}/${difference.id}\n  live:    ${JSON.stringify(difference.live)}\n  rebuilt: ${JSON.stringify(difference.rebuilt)}`),
      );
    console.log(report.differences.length === 0 ? 'the rebuilt read models equal the live ones' : `${report.differences.length} document(s) differ`);
    if (args.includes('--switch')) {
      await switchTo(live, side, ALL_PROJECTIONS);
      console.log('the live read models are now the rebuilt ones');
    }
    process.exitCode = report.differences.length === 0 || args.includes('--switch') ? 0 : 1;
  } finally {
    await Promise.all([store.close(), live.close(), side.close()]);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
