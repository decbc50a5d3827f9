/**
 * Who is who in a pid namespace: a process's PID inside its innermost pid namespace (the
 * last NSpid entry of /proc/PID/status), and who is PID 1 there. The one home of this rule
 * (discovering containers in /proc, the process tree, a container's details). Pure: no I/O.
 */
import type { Container, Process } from "./types";

/** Its PID inside its innermost pid namespace: the last NSpid entry; the host PID when NSpid is empty (kernels before 4.1). */
export function innermostPid(p: { pid: number; nspid: readonly number[] }): number {
  return p.nspid.at(-1) ?? p.pid;
}

/** True for PID 1 of its innermost pid namespace. An empty NSpid (kernels before 4.1) says nothing: false. */
export function isPidNsInit(p: { nspid: readonly number[] }): boolean {
  return p.nspid.at(-1) === 1;
}

/** Ordering for a container's init: the lower innermost PID first; the lower host PID on a tie. */
export function isBeforeInPidNamespace(p: { pid: number; nspid: readonly number[] }, q: { pid: number; nspid: readonly number[] }): boolean {
  const a = innermostPid(p);
  const b = innermostPid(q);
  return a !== b ? a < b : p.pid < q.pid;
}

/**
 * PID 1 of the pid namespace whose inode is `pidInode`, among the snapshot's containers and
 * processes: the lowest host PID that is PID 1 of its innermost namespace in a container
 * whose pid namespace is that one, with that container; null when none is in the snapshot.
 */
export function pidNamespaceInit(
  snapshot: { containers: readonly Container[]; processes: readonly Process[] },
  pidInode: number | undefined,
): { process: Process; container: Container } | null {
  const inSameNs = new Map(snapshot.containers.filter((c) => c.namespaces.pid === pidInode).map((c) => [c.id, c]));
  const first = snapshot.processes
    .filter((p) => isPidNsInit(p) && p.containerId !== null && inSameNs.has(p.containerId))
    .sort((a, b) => a.pid - b.pid)[0];
  const container = first?.containerId ? inSameNs.get(first.containerId) : undefined;
  return first && container ? { process: first, container } : null;
}
