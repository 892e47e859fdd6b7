import { writeSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './store';

/**
 * Where a command writes: lines for people or programs on `out`, diagnostics on `err`; `tty`
 * carries the progress bars.
 */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  tty?: NodeJS.WriteStream;
}

export const processIo: Io = {
  // Synchronous writes: a long JSON lines export is never held in memory waiting for a slow pipe.
  out: (line) => void writeSync(1, `${line}\n`),
  err: (line) => void writeSync(2, `${line}\n`),
  tty: process.stderr,
};

/**
 * A command's exit code: 0 nothing found, 1 something found (a break, a difference, a problem), 2 a
 * usage or store error.
 */
export type Command = (args: string[], io: Io) => Promise<number>;

export const STORE_OPTIONS = { data: { type: 'string' }, esdb: { type: 'string' } } as const;

/**
 * `--name value` options, strict: an unknown option or a stray value is a usage error, not ignored.
 */
export function options<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  spec: T,
  positionals = 0,
) {
  try {
    const parsed = parseArgs({
      args,
      options: spec,
      strict: true,
      allowPositionals: positionals > 0,
    });
    if (parsed.positionals.length > positionals)
      throw new UsageError(`unexpected ${parsed.positionals.slice(positionals).join(' ')}`);
    return parsed;
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

export function integer(text: string | undefined, name: string, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,15}$/.test(text) || Number(text) < min)
    throw new UsageError(`--${name} must be an integer of at least ${min}`);
  return Number(text);
}

/** An ISO 8601 instant; a date alone is its midnight UTC. */
export function instant(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw new UsageError(`--${name} must be an ISO 8601 instant, such as 2026-03-01T00:00:00Z`);
  return date;
}
