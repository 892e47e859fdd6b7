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
  let lines: { level: string; msg: string; repeated?: number; broker?: string }[];
  let restore: () => void;
  let level: string;
  beforeEach(() => {
    lines = [];
    [restore, level] = [logTo((line) => void lines.push(JSON.parse(line))), logger.level];
    logger.level = 'info';
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
    restore();
    logger.level = level;
  });
  const written = () =>
    lines.map(({ level, msg, repeated, broker }) => ({ level, msg, repeated, broker }));
  const refused = 'Connection error: connect ECONNREFUSED';
  const line = (msg: string, repeated?: number) => ({
    level: 'warn',
    msg,
    repeated,
    broker: '127.0.0.1:9092',
  });

  it('are warnings, and one said again and again while a broker is away is written once per window, then how often it was said again', () => {
    const log = kafkaLogCreator(logLevel.INFO);
    for (let i = 0; i < 50; i++) log(entry(refused));
    log(entry('Response Heartbeat(key: 12, version: 3)'));
    expect(written()).toEqual([line(refused), line('Response Heartbeat(key: 12, version: 3)')]);
    jest.advanceTimersByTime(REPEAT_WINDOW_MS);
    log(entry(refused));
    expect(written()).toEqual([
      line(refused),
      line('Response Heartbeat(key: 12, version: 3)'),
      line(refused, 49),
      line(refused),
    ]);
  });

  it("names Kafka's request number apart from a request's correlation id", () => {
    const log = kafkaLogCreator(logLevel.INFO);
    const withId = entry('Response Metadata');
    log({ ...withId, log: { ...withId.log, correlationId: 2 } });
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'Response Metadata', kafkaCorrelationId: 2 }),
    ]);
    expect(lines[0]).not.toHaveProperty('correlationId');
  });

  it('writes the count of a window that the same line never follows (the broker came back)', () => {
    const log = kafkaLogCreator(logLevel.INFO);
    for (let i = 0; i < 3; i++) log(entry(refused));
    jest.advanceTimersByTime(REPEAT_WINDOW_MS - 1);
    expect(written()).toEqual([line(refused)]);
    jest.advanceTimersByTime(1);
    expect(written()).toEqual([line(refused), line(refused, 2)]);
    jest.advanceTimersByTime(10 * REPEAT_WINDOW_MS);
    expect(written()).toHaveLength(2);
  });
});
