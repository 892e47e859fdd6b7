import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP port a process listens on, from its socket inodes in /proc/<pid>/fd and /proc/net/tcp
 * (Linux): a child started with PORT=0 binds a port no other process holds, where a port picked by
 * the parent and handed over could be taken meanwhile by another process, which would then answer
 * for it. Undefined until it listens.
 */
export function listeningPort(pid: number): number | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
  } catch {
    return undefined;
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // st 0A = LISTEN; local_address is HEXIP:HEXPORT; the inode is the tenth field.
      if (fields[3] === '0A' && inodes.has(fields[9])) return parseInt(fields[1].split(':')[1], 16);
    }
  }
  return undefined;
}
