import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConsumerState, parkedProblems } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { verify } from './verify';

/** npm run audit [-- DATA_DIR]: check the embedded store's numbering and pay applications from the events alone, and report parked events. */
async function main() {
  const dataDir = process.argv[2] ?? process.env.DATA_DIR ?? 'data';
  const file = join(dataDir, 'events.sqlite');
  const store = new SqliteEventStore(file);
  const readModelsFile = join(dataDir, 'read-models.sqlite');
  const readModels = existsSync(readModelsFile) ? new SqliteReadModels(readModelsFile) : undefined;
  try {
    const report = await verify(store);
    console.log(`${file}: ${report.events} events, ${report.series} number series, ${report.numbersChecked} numbers and ${report.applicationsRecomputed} pay applications checked`);
    const parked = readModels ? parkedProblems(await new ConsumerState(readModels).parked()) : [];
    const problems = [...report.problems, ...parked];
    problems.forEach((problem) => console.log(`PROBLEM ${problem}`));
    console.log(problems.length === 0 ? 'no problems found' : `${problems.length} problem(s)`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([store.close(), readModels?.close()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
