import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConsumerState, parkedProblems, type ReadModelStore } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';
import { checkBooks } from './check';
import { options, STORE_OPTIONS, type Command } from './io';
import { progress } from './progress';
import { SERVICE_PROJECTIONS } from './projections';
import { dataDir, mongoServer, openStore, serviceReadModels } from './store';

export const CHECK_USAGE = `auditor check [DATA_DIR]   (also: npm run audit [-- DATA_DIR])
auditor check --esdb URL --mongo URL
  every hash chain intact, every number series gapless with each number on one document, every pay application equal to its recomputation, every parked
  event: of the embedded read models beside the store, or (--mongo, the services' MONGO_URL) of each service's database`;

/**
 * The books from the events alone, and the events the read models parked (the embedded store's
 * beside it, or each service's database in Mongo).
 */
export const checkCommand: Command = async (args, io) => {
  const { values, positionals } = options(args, { ...STORE_OPTIONS, mongo: { type: 'string' } }, 1);
  const where = { ...values, data: positionals[0] ?? values.data };
  const mongo = mongoServer(where);
  const { store, source } = openStore(where);
  const readModelsFile = join(dataDir(where), 'read-models.sqlite');
  const readModels: ReadModelStore[] = [];
  const bar = progress('reading', io.tty);
  try {
    if (mongo)
      readModels.push(
        ...Object.keys(SERVICE_PROJECTIONS).map((service) => serviceReadModels(mongo, service)),
      );
    else if (!where.esdb && existsSync(readModelsFile))
      readModels.push(new SqliteReadModels(readModelsFile, 'read-only'));
    const report = await checkBooks(store, bar.update);
    bar.stop();
    io.out(
      `${source}: ${report.events} events, ${report.series} number series, ${report.numbersChecked} numbers and ${report.applicationsRecomputed} pay applications checked`,
    );
    if (readModels.length === 0)
      io.out(
        `parked events not checked: ${where.esdb ? "give --mongo URL for the services' read models" : `no read models at ${readModelsFile}`}`,
      );
    const parked = parkedProblems(
      (await Promise.all(readModels.map((models) => new ConsumerState(models).parked()))).flat(),
    );
    const problems = [...report.problems, ...parked];
    problems.forEach((problem) => io.out(`PROBLEM ${problem}`));
    io.out(problems.length === 0 ? 'no problems found' : `${problems.length} problem(s)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    bar.stop();
    await Promise.all([store.close(), ...readModels.map((models) => models.close())]);
  }
};
