import { logLevel, type logCreator } from 'kafkajs';
import { logger } from '@billing/shared/logging';

/**
 * kafkajs's own lines (lost connections, rebalances) as JSON lines of the process's logger, not its
 * console output.
 */
export const kafkaLogCreator: logCreator = () => (entry) => {
  const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
  const level =
    entry.level <= logLevel.ERROR
      ? 'error'
      : entry.level === logLevel.WARN
        ? 'warn'
        : entry.level === logLevel.INFO
          ? 'info'
          : 'debug';
  logger[level]({ kafkajs: entry.namespace, ...fields }, message);
};
