/**
 * Cut one pod out of a snapshot: its containers, their processes, the namespaces and cgroups
 * they are in, its links, the network and uts namespaces read of them. The host facts, the engine status and the warnings stay as they
 * were. Used to record the built-in sample from a busy machine without the rest of it.
 *
 * Pure: no I/O; the snapshot given is not changed.
 */
import type { Snapshot } from "./types";

export function snapshotOfPod(snapshot: Snapshot, podId: string): Snapshot {
  const pod = snapshot.pods.find((p) => p.id === podId);
  if (!pod) throw new Error(`no pod ${podId} in the snapshot`);
  const ids = new Set([pod.sandboxId, ...pod.memberIds]);
  const containers = snapshot.containers.filter((c) => ids.has(c.id));
  const pids = new Set(containers.flatMap((c) => c.processIds));
  // The cgroup tree of the pod: its containers' cgroups and every ancestor of them.
  const cgroupsByPath = new Map(snapshot.cgroups.map((node) => [node.path, node]));
  const keptPaths = new Set<string>();
  for (const node of snapshot.cgroups) {
    if (node.containerId === null || !ids.has(node.containerId)) continue;
    for (let at: string | null = node.path; at !== null && !keptPaths.has(at); at = cgroupsByPath.get(at)?.parentPath ?? null) {
      keptPaths.add(at);
    }
  }
  const netInodes = new Set(containers.map((c) => c.namespaces.net));
  const utsInodes = new Set(containers.map((c) => c.namespaces.uts));
  return {
    ...snapshot,
    pods: [pod],
    containers,
    processes: snapshot.processes.filter((p) => pids.has(p.pid)),
    namespaces: snapshot.namespaces
      .map((ns) => ({ ...ns, containerIds: ns.containerIds.filter((id) => ids.has(id)) }))
      .filter((ns) => ns.containerIds.length > 0),
    links: snapshot.links.filter((l) => l.podId === podId),
    cgroups: snapshot.cgroups.filter((node) => keptPaths.has(node.path)),
    networks: snapshot.networks.filter((n) => netInodes.has(n.inode)),
    hostnames: snapshot.hostnames.filter((h) => utsInodes.has(h.inode)),
  };
}
