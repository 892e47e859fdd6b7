import { join } from 'node:path';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { verify } from './verify';

/** npm run audit [-- DATA_DIR]: check the embedded store's numbering and pay applications from the events alone. */
async function main() {
  const file = join(process.argv[2] ?? process.env.DATA_DIR ?? 'data', 'events.sqlite');
  const store = new SqliteEventStore(file);
  try {
    const report = await verify(store);
    console.log(`${file}: ${report.events} events, ${report.series} number series, ${report.numbersChecked} numbers and ${report.applicationsRecomputed} pay applications checked`);
    report.problems.forEach((problem) => console.log(`PROBLEM ${problem}`));
    console.log(report.problems.length === 0 ? 'no problems found' : `${report.problems.length} problem(s)`);
    process.exitCode = report.problems.length === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
