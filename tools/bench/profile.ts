import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

/**
 * Which samples to count: those of the `lengthMs` that ended `endsBeforeExitMs` before the profile
 * ended (the process exited).
 */
export interface ProfileWindow {
  lengthMs: number;
  endsBeforeExitMs: number;
}

export interface Hotspot {
  name: string;
  share: number;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Where a frame lives, coarse enough to read: our lib or app folder, a package, or node/V8 itself.
 */
function area(url: string): string {
  if (!url) return '(native/V8)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  if (path.startsWith('node:')) return 'node core';
  const local = relative(ROOT, path);
  return local.startsWith('..') ? path : local;
}

/**
 * Self time per function and per area of a .cpuprofile (the newest one in dir), as shares of the
 * samples.
 */
export function summarizeProfile(
  dir: string,
  top = 15,
  window?: ProfileWindow,
): { functions: Hotspot[]; areas: Hotspot[]; transactions: Hotspot[]; file: string } {
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  // Sample i was taken at endTime minus the deltas after it (microseconds).
  const end = profile.endTime - (window?.endsBeforeExitMs ?? 0) * 1000;
  const start = window ? end - window.lengthMs * 1000 : -Infinity;
  let at = profile.endTime - profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    if (at >= start && at <= end)
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  const transactions = new Map<string, number>();
  const parent = new Map<number, number>();
  profile.nodes.forEach((node) => node.children?.forEach((child) => parent.set(child, node.id)));
  for (const [id, time] of self) {
    // better-sqlite3 runs BEGIN ... COMMIT (and so the fsync) in sqliteTransaction: charge it to
    // our code that asked for it.
    if (byId.get(id)!.callFrame.functionName === 'sqliteTransaction') {
      const caller = ourCaller(id, parent, byId);
      transactions.set(caller, (transactions.get(caller) ?? 0) + time);
    }
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = area(url);
    const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + time);
    areas.set(where, (areas.get(where) ?? 0) + time);
  }
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: time / total }));
  return {
    functions: rank(functions),
    areas: rank(areas),
    transactions: rank(transactions),
    file: join(dir, file),
  };
}

function ourCaller(
  id: number,
  parent: Map<number, number>,
  byId: Map<number, ProfileNode>,
): string {
  for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
    const { functionName, url } = byId.get(at)!.callFrame;
    if (url && !url.includes('node_modules'))
      return `${functionName || '(anonymous)'} ${area(url)}`;
  }
  return '(unknown)';
}
