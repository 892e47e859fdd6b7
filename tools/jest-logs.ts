import { logTo, setLogLevel } from '@billing/shared/logging';

/**
 * Under jest the JSON lines go through the console instead of stdout: a warning or an error shows
 * beside the spec that caused it (and a spec that expects one silences it by spying on console.warn
 * or console.error), while the routine lines of requests and messages are not even written.
 */
setLogLevel('warn');
logTo((line) => {
  const {
    level,
    msg,
    err,
    time: _time,
    pid: _pid,
    hostname: _hostname,
    ...fields
  } = JSON.parse(line) as Record<string, unknown> & { err?: { stack?: string } };
  if (level !== 'warn' && level !== 'error' && level !== 'fatal') return;
  const text = [
    msg,
    Object.keys(fields).length ? JSON.stringify(fields) : '',
    err?.stack ? `\n${err.stack}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (level === 'warn') console.warn(text);
  else console.error(text);
});
