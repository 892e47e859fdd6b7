import { AS_OF_USAGE, asOfCommand } from './as-of';
import { EXPORT_USAGE, exportCommand } from './bundle/export';
import { VERIFY_BUNDLE_USAGE, verifyBundleCommand } from './bundle/verify-bundle';
import { CHECK_USAGE, checkCommand } from './check-command';
import { HISTORY_USAGE, historyCommand } from './history';
import { processIo, type Command, type Io } from './io';
import { REBUILD_USAGE, rebuildCommand } from './rebuild';
import { UsageError } from './store';
import { VERIFY_USAGE, verifyCommand } from './verify';

const COMMANDS: Record<string, Command> = {
  history: historyCommand,
  'as-of': asOfCommand,
  verify: verifyCommand,
  rebuild: rebuildCommand,
  export: exportCommand,
  'verify-bundle': verifyBundleCommand,
  check: checkCommand,
};

export const USAGE = `npm run auditor -- <command> [options]
Every command but verify-bundle reads the embedded store in --data DIR (DATA_DIR, ./data by default) or EventStoreDB at --esdb URL.
Exit codes: 0 nothing found, 1 something found (a broken link, a difference, a problem, an altered bundle), 2 a usage or store error.

${[HISTORY_USAGE, AS_OF_USAGE, VERIFY_USAGE, REBUILD_USAGE, EXPORT_USAGE, VERIFY_BUNDLE_USAGE, CHECK_USAGE].join('\n\n')}`;

/**
 * The auditor CLI (tools/auditor, README "Auditors"): the command's exit code, 2 for a usage or
 * store error.
 */
export async function auditor(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    (name === undefined || name === 'help' || name === '--help' ? io.out : io.err)(
      name && !['help', '--help'].includes(name) ? `unknown command ${name}\n\n${USAGE}` : USAGE,
    );
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    io.err(
      error instanceof UsageError
        ? error.message
        : `auditor ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 2;
  }
}

if (require.main === module)
  void auditor(process.argv.slice(2)).then((code) => (process.exitCode = code));
