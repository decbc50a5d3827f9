/**
 * Who holds which socket: the links of /proc/PID/fd/N read `socket:[inode]` for a socket,
 * and that inode is the `inode` column of /proc/PID/net/tcp (udp, tcp6, udp6). A socket
 * inherited across fork (a pre-forking server, `nc -ll`) is held by several processes.
 * Pure: the adapter reads the links; this only matches them.
 */

/** `socket:[123]` → 123; anything else (a file, a pipe, `anon_inode:…`) → null. */
export function socketInodeOfLink(target: string): number | null {
  const m = /^socket:\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : null;
}

/** The fd links read of one process. */
export interface FdLinks {
  pid: number;
  /** readlink of each /proc/PID/fd/N that could be read. */
  targets: string[];
}

/** Socket inode → the PIDs holding it, ascending, each once. */
export function socketHolders(processes: readonly FdLinks[]): Map<number, number[]> {
  const holders = new Map<number, number[]>();
  for (const { pid, targets } of processes) {
    for (const target of targets) {
      const inode = socketInodeOfLink(target);
      if (inode === null) continue;
      const pids = holders.get(inode);
      if (!pids) holders.set(inode, [pid]);
      else if (!pids.includes(pid)) pids.push(pid);
    }
  }
  for (const pids of holders.values()) pids.sort((a, b) => a - b);
  return holders;
}

/** The owners of one socket: its PIDs, and the containers those PIDs are in (each once, in PID order). */
export function ownersOf(
  inode: number,
  holders: ReadonlyMap<number, readonly number[]>,
  containerOf: (pid: number) => string | null,
): { pids: number[]; containerIds: string[] } {
  const pids = [...(holders.get(inode) ?? [])];
  const containerIds = [...new Set(pids.map(containerOf).filter((id): id is string => id !== null))];
  return { pids, containerIds };
}
