import { ConsoleLogger } from '@nestjs/common';

export interface CapturedLogs {
  /** The lines logged since the last take. */
  take(): string[];
  restore(): void;
}

const line = (args: unknown[]) =>
  args
    .map((arg) =>
      arg instanceof Error
        ? (arg.stack ?? arg.message)
        : typeof arg === 'string'
          ? arg
          : JSON.stringify(arg),
    )
    .join(' ');

/**
 * Dying processes log what refused them, as they should: those lines are expected, so they are
 * kept out of the jest output (console and Nest's logger) and handed over when a point fails.
 */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(line(args));
  const spies = [
    jest.spyOn(console, 'error').mockImplementation(record),
    jest.spyOn(console, 'warn').mockImplementation(record),
    jest.spyOn(ConsoleLogger.prototype, 'error').mockImplementation(record),
    jest.spyOn(ConsoleLogger.prototype, 'warn').mockImplementation(record),
  ];
  return { take: () => lines.splice(0), restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
