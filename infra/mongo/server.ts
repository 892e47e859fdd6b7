import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const JARS = join(__dirname, 'target', 'jars');
const CLASSES = join(__dirname, 'target', 'classes');
const SOURCE = join(__dirname, 'src', 'MongoMain.java');
const JAVA_HOME_BIN = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin') : undefined;
/**
 * slf4j-simple: warnings and errors only, on stderr (mongo-java-server logs every connection at
 * INFO), and not the "Connection reset" stack trace it logs each time a Node driver closes a
 * socket.
 */
const LOGGING = [
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.logFile=System.err',
  '-Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoExceptionHandler=off',
];

/**
 * mongo-java-server warns at each secondary (non-unique) index declared that it does not keep it:
 * known, and said in the README ("What is tested against real servers"), so not forwarded.
 */
const UNUSED_INDEX = /^adding secondary index .* is not yet implemented\. ignoring$/;

export interface MongoOptions {
  /** 0 (the default) lets the server pick a free port. */
  port?: number;
  /**
   * An H2 MVStore file (created if missing) instead of memory: a server started again on it has the
   * data it had at stop().
   */
  dataFile?: string;
  javaOptions?: readonly string[];
  startTimeoutMs?: number;
}

export interface RunningMongo {
  /** `mongodb://127.0.0.1:<port>`: append `/<database>`. */
  uri: string;
  port: number;
  /**
   * CPU time the server has used (user and system), from /proc: what a benchmark sets beside its
   * own.
   */
  cpuSeconds(): number;
  stop(): Promise<void>;
  /** A crash: SIGKILL, no shutdown hook, nothing written after it. */
  kill(): Promise<void>;
}

/**
 * Starts mongo-java-server (a Java implementation of the Mongo wire protocol, not MongoDB: in
 * memory, or in an H2 MVStore file) on 127.0.0.1 from the jars tools/ensure-infra.sh resolved. It
 * exits with this process: on stop() (SIGTERM, after the store file is written), or when this
 * process dies and its stdin closes.
 */
export async function startMongo(options: MongoOptions = {}): Promise<RunningMongo> {
  const classpath = await launcherClasspath();
  const data = options.dataFile === undefined ? [] : ['--data-file', options.dataFile];
  const args = [
    ...LOGGING,
    ...(options.javaOptions ?? []),
    '-cp',
    classpath,
    'MongoMain',
    String(options.port ?? 0),
    '--exit-with-stdin',
    ...data,
  ];
  const child = spawn(tool('java'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const port = await boundPort(child, options.startTimeoutMs ?? 30_000);
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    port,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: () => stop(child),
    kill: () => stop(child, 'SIGKILL'),
  };
}

async function launcherClasspath(): Promise<string> {
  if (!existsSync(join(JARS, '.resolved')))
    throw new Error(
      `mongo-java-server jars are missing in ${JARS}: run tools/ensure-infra.sh (Maven resolves them from Maven Central)`,
    );
  const classpath = `${CLASSES}${delimiter}${join(JARS, '*')}`;
  const compiled = join(CLASSES, 'MongoMain.class');
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(SOURCE).mtimeMs)
    await compile(classpath, compiled);
  return classpath;
}

/**
 * javac into a scratch folder, then a rename: two test workers starting at once never load half a
 * class file.
 */
async function compile(classpath: string, compiled: string): Promise<void> {
  mkdirSync(CLASSES, { recursive: true });
  const scratch = mkdtempSync(join(CLASSES, '.javac-'));
  try {
    await promisify(execFile)(tool('javac'), ['-nowarn', '-d', scratch, '-cp', classpath, SOURCE]);
    // Its nested classes first: MongoMain.class last, which says the compilation is there.
    for (const nested of readdirSync(scratch).filter((name) => name.startsWith('MongoMain$')))
      renameSync(join(scratch, nested), join(CLASSES, nested));
    renameSync(join(scratch, 'MongoMain.class'), compiled);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function boundPort(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<number> {
  const errors = forwardLogs(child);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(
          `mongo-java-server did not start: ${why}${errors.length ? `\n${errors.join('\n')}` : ''}`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`no port after ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (!/^\d+$/.test(line)) return fail(`printed "${line}" instead of its port`);
      resolve(Number(line));
    });
  });
}

/**
 * Warnings already forwarded, by any server this process started (a restarted one repeats them).
 */
const warned = new Set<string>();

/**
 * Forwards the server's stderr (each warning once, but for the known one above); the last lines, to
 * explain a failed start.
 */
function forwardLogs(child: ChildProcessWithoutNullStreams): string[] {
  const last: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    last.push(line);
    if (last.length > 20) last.shift();
    const warning = /\bWARN .*?- (.*)/.exec(line)?.[1];
    if (warning !== undefined && (warned.has(warning) || UNUSED_INDEX.test(warning))) return;
    if (warning !== undefined) warned.add(warning);
    process.stderr.write(
      `[mongo-java-server] ${warning === undefined ? line : `WARN ${warning}`}\n`,
    );
  });
  return last;
}

function stop(
  child: ChildProcessWithoutNullStreams,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

const tool = (name: string) =>
  JAVA_HOME_BIN && existsSync(join(JAVA_HOME_BIN, name)) ? join(JAVA_HOME_BIN, name) : name;

/**
 * utime + stime of a Linux process (fields 14 and 15 of /proc/<pid>/stat, after the command name),
 * in seconds.
 */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ, the unit of /proc: 100 on Linux. */
const CLOCK_TICKS = 100;
