import { logger, logTo, setLogLevel, withLogContext } from './logger';

describe('logger', () => {
  let lines: string[];
  let restore: () => void;
  let level: string;
  beforeEach(() => {
    lines = [];
    restore = logTo((line) => void lines.push(line));
    level = logger.level;
    setLogLevel('info');
  });
  afterEach(() => {
    restore();
    logger.level = level;
  });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON line per call, with the level by name and an ISO time', () => {
    logger.info({ position: 3 }, 'caught up');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(parsed()[0]).toMatchObject({
      level: 'info',
      msg: 'caught up',
      position: 3,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('puts the log context on every line written inside it, across awaits and timers, and nowhere else', async () => {
    logger.info('before');
    await withLogContext({ correlationId: 'c-1', tenantId: 'acme' }, async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await withLogContext({ consumer: 'invoicing', tenantId: undefined }, async () =>
        logger.warn('nested'),
      );
      logger.child({ component: 'x' }).error('from a child');
    });
    logger.info('after');
    expect(
      parsed().map(({ msg, correlationId, tenantId, consumer }) => ({
        msg,
        correlationId,
        tenantId,
        consumer,
      })),
    ).toEqual([
      { msg: 'before' },
      { msg: 'inside', correlationId: 'c-1', tenantId: 'acme' },
      { msg: 'nested', correlationId: 'c-1', tenantId: 'acme', consumer: 'invoicing' },
      { msg: 'from a child', correlationId: 'c-1', tenantId: 'acme' },
      { msg: 'after' },
    ]);
  });

  it('writes a field once when a child logger already binds it, and lets a call override the context', () => {
    withLogContext({ correlationId: 'c-2' }, () => {
      logger.child({ correlationId: 'c-2' }).info('bound');
      logger.info({ correlationId: 'other' }, 'overridden');
      logger.info('context untouched');
    });
    expect(lines[0].match(/"correlationId"/g)).toHaveLength(1);
    expect(parsed().map((line) => line.correlationId)).toEqual(['c-2', 'other', 'c-2']);
  });

  it('serializes an error with its stack and honours the level', () => {
    setLogLevel('warn');
    logger.info('dropped');
    logger.error({ err: new Error('store unreachable') }, 'cannot read');
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'cannot read',
        err: expect.objectContaining({ message: 'store unreachable', stack: expect.any(String) }),
      }),
    ]);
  });
});
