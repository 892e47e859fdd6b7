import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync, type Options } from '@swc/core';
import { compilerOptions } from '../../tsconfig.base.json';

const ROOT = join(__dirname, '..', '..');

/**
 * What tools/register.js does at run time, done ahead: decorator metadata for Nest's DI, and the
 * path aliases rewritten to relative requires.
 */
const SWC: Options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    baseUrl: ROOT,
    paths: compilerOptions.paths,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

/**
 * `nx build <app>`: compiles apps/<app>/src/main.ts and every file it reaches into
 * dist/apps/<app>/ (same layout as the sources, so the rewritten relative requires hold), and
 * writes dist/apps/<app>/main.js to start it. Packages still come from the workspace's
 * node_modules. Type checking is `npm run lint`'s job (tsc --noEmit), not the build's.
 */
export function build(app: string): { outDir: string; files: number } {
  const outDir = join(ROOT, 'dist', 'apps', app);
  const entry = join(ROOT, 'apps', app, 'src', 'main.ts');
  if (!existsSync(entry))
    throw new Error(`no app named "${app}" (expected ${relative(ROOT, entry)})`);
  rmSync(outDir, { recursive: true, force: true });
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { code, map } = transformFileSync(file, {
      ...SWC,
      filename: file,
      sourceFileName: relative(dirname(target), file),
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    queue.push(...localRequires(code, file));
  }
  writeFileSync(join(outDir, 'main.js'), `require('./apps/${app}/src/main.js');\n`);
  return { outDir, files: seen.size };
}

/**
 * The workspace files a compiled module requires (or resolves, to load in a thread of its own):
 * relative specifiers, resolved as TypeScript would.
 */
function localRequires(code: string, from: string): string[] {
  return [...code.matchAll(/require(?:\.resolve)?\((["'])(\.{1,2}\/[^"']*)\1\)/g)].map(
    ([, , specifier]) => {
      const base = resolve(dirname(from), specifier);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) =>
        existsSync(candidate),
      );
      if (!found) throw new Error(`${relative(ROOT, from)}: cannot resolve "${specifier}"`);
      return found;
    },
  );
}

if (require.main === module) {
  const app = process.argv[2];
  if (!app) {
    console.error('usage: node -r ./tools/register.js tools/nx/build.ts <app>');
    process.exit(2);
  }
  const { outDir, files } = build(app);
  console.log(
    `built ${app}: ${files} files into ${relative(ROOT, outDir)}/ (run: node ${relative(ROOT, join(outDir, 'main.js'))})`,
  );
}
