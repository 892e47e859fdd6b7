import { logLevel, type LogEntry } from 'kafkajs';
import { logger, logTo } from '@billing/shared/logging';
import { kafkaLogCreator, REPEAT_WINDOW_MS } from './log';

describe("kafkajs's lines", () => {
  const entry = (message: string, level = logLevel.ERROR): LogEntry => ({
    namespace: 'Connection',
    level,
    label: 'ERROR',
    log: { timestamp: 'now', logger: 'kafkajs', message, broker: '127.0.0.1:9092' },
  });

  it('are warnings, and one said again and again while a broker is away is written once per window, with how often it was said', () => {
    const lines: { level: string; msg: string; repeated?: number; broker?: string }[] = [];
    const [restore, level] = [logTo((line) => void lines.push(JSON.parse(line))), logger.level];
    logger.level = 'info';
    const clock = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const log = kafkaLogCreator(logLevel.INFO);
      for (let i = 0; i < 50; i++) log(entry('Connection error: connect ECONNREFUSED'));
      log(entry('Response Heartbeat(key: 12, version: 3)'));
      clock.mockReturnValue(1_000_000 + REPEAT_WINDOW_MS);
      log(entry('Connection error: connect ECONNREFUSED'));
      expect(
        lines.map(({ level, msg, repeated, broker }) => ({ level, msg, repeated, broker })),
      ).toEqual([
        {
          level: 'warn',
          msg: 'Connection error: connect ECONNREFUSED',
          repeated: undefined,
          broker: '127.0.0.1:9092',
        },
        {
          level: 'warn',
          msg: 'Response Heartbeat(key: 12, version: 3)',
          repeated: undefined,
          broker: '127.0.0.1:9092',
        },
        {
          level: 'warn',
          msg: 'Connection error: connect ECONNREFUSED',
          repeated: 49,
          broker: '127.0.0.1:9092',
        },
      ]);
    } finally {
      clock.mockRestore();
      restore();
      logger.level = level;
    }
  });
});
