import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compilerOptions } from '../../tsconfig.base.json';
import { freePort } from '../services/service-process';

const ROOT = join(__dirname, '..', '..');
const APPS = ['contracts', 'milestones', 'invoicing', 'receivables', 'gateway', 'standalone'];
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

interface Graph {
  nodes: Record<
    string,
    {
      data: {
        root: string;
        targets: Record<string, { executor?: string; options?: { command?: string } }>;
      };
    }
  >;
  dependencies: Record<string, { target: string }[]>;
}

function nx(...args: string[]): string {
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'nx'), args, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`nx ${args.join(' ')} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

describe('Nx targets and graph', () => {
  let graph: Graph;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
    try {
      nx('graph', `--file=${join(dir, 'graph.json')}`);
      graph = (JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')) as { graph: Graph }).graph;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('gives every app serve, build and test, and every lib test', () => {
    for (const app of APPS) {
      const { targets } = graph.nodes[app].data;
      expect({ app, targets: Object.keys(targets).sort() }).toEqual({
        app,
        targets: expect.arrayContaining(['build', 'serve', 'test']),
      });
      expect(targets.serve.options?.command).toBe(
        `node -r ./tools/register.js apps/${app}/src/main.ts`,
      );
    }
    const libs = Object.entries(graph.nodes).filter(([, node]) =>
      node.data.root.startsWith('libs/'),
    );
    expect(libs.filter(([, node]) => !node.data.targets.test).map(([name]) => name)).toEqual([]);
  });

  it('draws the edges the TypeScript imports make, and no other', () => {
    const drawn = Object.entries(graph.dependencies).flatMap(([source, targets]) =>
      targets
        .filter(({ target }) => graph.nodes[target])
        .map(({ target }) => `${source} -> ${target}`),
    );
    expect(drawn).toEqual(
      expect.arrayContaining([
        'invoicing -> invoicing-feature',
        'invoicing-feature -> invoicing-domain',
        'invoicing-feature -> invoicing-messages',
      ]),
    );
    expect(drawn).not.toContain('invoicing -> contracts-feature');
    expect(new Set(drawn)).toEqual(importEdges(graph));
  });

  it('builds an app that starts from dist/ with node alone', async () => {
    nx('build', 'invoicing', '--skip-nx-cache');
    // Loaded by path in a thread of its own (esdb.reader.ts), not required: built all the same,
    // and it starts with node alone.
    const reader = new Worker(
      join(ROOT, 'dist/apps/invoicing/libs/shared/esdb/src/esdb.reader.worker.js'),
      { workerData: { connectionString: 'esdb://127.0.0.1:1?tls=false', logLevel: 'warn' } },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        reader.once('error', reject);
        reader.once('online', () => setTimeout(resolve, 500));
      });
    } finally {
      await reader.terminate();
    }
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/apps/invoicing/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        EVENT_STORE: 'memory',
        AUTH: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      expect(await liveWithin(`http://127.0.0.1:${port}/health/live`, 30_000)).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 90_000);
});

/**
 * project -> project for each `@billing/*` alias or relative path a project's .ts files import from
 * another project.
 */
function importEdges(graph: Graph): Set<string> {
  const roots = Object.entries(graph.nodes).map(([name, node]) => ({
    name,
    root: join(ROOT, node.data.root),
  }));
  const projectOf = (file: string) =>
    roots
      .filter(({ root }) => file.startsWith(`${root}/`))
      .sort((a, b) => b.root.length - a.root.length)[0]?.name;
  const aliases = compilerOptions.paths as Record<string, string[]>;
  const edges = new Set<string>();
  for (const { name, root } of roots) {
    for (const file of sources(root).filter((candidate) => projectOf(candidate) === name)) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
        /(?:from|import|require\(|import\()\s*['"]([^'"]+)['"]/g,
      )) {
        const target = aliases[specifier]
          ? join(ROOT, aliases[specifier][0])
          : specifier.startsWith('.')
            ? resolve(dirname(file), specifier)
            : undefined;
        const project = target && projectOf(target);
        if (project && project !== name) edges.add(`${name} -> ${project}`);
      }
    }
  }
  return edges;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return ['node_modules', 'target'].includes(entry.name) ? [] : sources(join(dir, entry.name));
    return entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [];
  });
}

async function liveWithin(url: string, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
