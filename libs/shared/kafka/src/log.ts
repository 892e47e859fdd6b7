import { logLevel, type logCreator } from 'kafkajs';
import { logger } from '@billing/shared/logging';

/** A kafkajs line said again within this long is counted, not written. */
export const REPEAT_WINDOW_MS = 10_000;

/**
 * kafkajs's own lines (lost connections, rebalances) as JSON lines of the process's logger, not its
 * console output. kafkajs retries on its own and says so at error, line after line, while a broker
 * is away (80 to 170 lines a service in 45 s): its errors are warnings here (the relays and consumer
 * groups say at error when they cannot go on), and a line it repeats within REPEAT_WINDOW_MS is
 * counted and written once the window has passed, with `repeated`.
 */
export const kafkaLogCreator: logCreator = () => {
  const seen = new Map<string, { at: number; repeated: number }>();
  return (entry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
    const level =
      entry.level <= logLevel.WARN ? 'warn' : entry.level === logLevel.INFO ? 'info' : 'debug';
    const key = `${entry.namespace} ${entry.level} ${message}`;
    const now = Date.now();
    const last = seen.get(key);
    if (last && now - last.at < REPEAT_WINDOW_MS) {
      last.repeated++;
      return;
    }
    seen.set(key, { at: now, repeated: 0 });
    if (seen.size > 1_000) seen.delete(seen.keys().next().value!);
    const repeated = last?.repeated ? { repeated: last.repeated } : {};
    logger[level]({ kafkajs: entry.namespace, ...fields, ...repeated }, message);
  };
};
