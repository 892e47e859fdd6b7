import { logLevel, type logCreator } from 'kafkajs';
import { logger } from '@billing/shared/logging';

/** A kafkajs line said again within this long is counted, not written. */
export const REPEAT_WINDOW_MS = 10_000;
/** Lines counted at once at most; past that, lines are written as they come. */
const COUNTED_LINES = 1_000;

/**
 * kafkajs's own lines (lost connections, rebalances) as JSON lines of the process's logger, not its
 * console output. kafkajs retries on its own and says so at error, line after line, while a broker
 * is away (80 to 170 lines a service in 45 s): its errors are warnings here (the relays and consumer
 * groups say at error when they cannot go on), and a line is written once per REPEAT_WINDOW_MS:
 * how often it was said again meanwhile is written, with `repeated`, when the window closes.
 * Kafka's own `correlationId` (its protocol's request number) is written as `kafkaCorrelationId`.
 */
export const kafkaLogCreator: logCreator = () => {
  const windows = new Map<string, { repeated: number }>();
  return (entry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
    // Kafka's request number, not a request's correlation id (the field every line of a request
    // carries): named apart, so a search by correlation id finds only the request's own lines.
    if ('correlationId' in fields) {
      fields.kafkaCorrelationId = fields.correlationId as unknown;
      delete fields.correlationId;
    }
    const level =
      entry.level <= logLevel.WARN ? 'warn' : entry.level === logLevel.INFO ? 'info' : 'debug';
    const write = (more: object = {}) =>
      logger[level]({ kafkajs: entry.namespace, ...fields, ...more }, message);
    const key = `${entry.namespace} ${entry.level} ${message}`;
    const open = windows.get(key);
    if (open) return void open.repeated++;
    if (windows.size < COUNTED_LINES) {
      const window = { repeated: 0 };
      windows.set(key, window);
      setTimeout(() => {
        windows.delete(key);
        if (window.repeated > 0) write({ repeated: window.repeated });
      }, REPEAT_WINDOW_MS).unref();
    }
    write();
  };
};
