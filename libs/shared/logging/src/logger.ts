import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What every line written while one request or one message is handled says about it. */
export interface LogContext {
  correlationId?: string;
  tenantId?: string;
  /** The consumer group, projection or relay handling a message. */
  consumer?: string;
  messageId?: string;
  messageType?: string;
}

const current = new AsyncLocalStorage<LogContext>();
// process.stdout is synchronous on Linux for files and pipes: a line written just before exit(1) is
// not lost.
let write = (line: string): void => void process.stdout.write(line);

/**
 * The process's logger: one JSON line per call on stdout, with the log context of the request or
 * message being handled (mixin), so nothing needs the correlation id passed to it by hand.
 */
export const logger: Logger = pino(
  {
    level: 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: (_object, _level, instance) => withoutBound(current.getStore(), instance),
  },
  { write: (line: string) => write(line) },
);

const definedFields = (context: LogContext) =>
  Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));

/**
 * Runs `work` with `context` added to the current log context (undefined fields leave what is
 * there).
 */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return current.run({ ...current.getStore(), ...definedFields(context) }, work);
}

/**
 * Adds what was learnt after the handling started (the verified tenant, the command's id) to its
 * log context.
 */
export function addToLogContext(context: LogContext): void {
  const store = current.getStore();
  if (store) Object.assign(store, definedFields(context));
}

/**
 * LOG_LEVEL (default info), the least severe level written; a wrong value is added to `problems`
 * (the app's config errors).
 */
export function logLevelOf(env: NodeJS.ProcessEnv, problems: string[]): LogLevel | undefined {
  const level = env.LOG_LEVEL ?? 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
}

export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

/** Writes a line another thread's logger made (an event-store reader's) where this thread's go. */
export function writeLogLine(line: string): void {
  write(line);
}

/** Sends the JSON lines somewhere else (a test's capture, jest's console); returns the way back. */
export function logTo(destination: (line: string) => void): () => void {
  const previous = write;
  write = destination;
  return () => void (write = previous);
}

// A child logger that already binds a field (pino-http's request logger) would otherwise print it
// twice.
function withoutBound(context: LogContext | undefined, instance: Logger): object {
  if (!context) return {};
  const bound = instance === logger ? undefined : instance.bindings();
  // pino merges the call's fields into what this returns: never hand it the store itself.
  if (!bound) return { ...context };
  return Object.fromEntries(Object.entries(context).filter(([key]) => !(key in bound)));
}
