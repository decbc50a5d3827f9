/**
 * Containers found in /proc alone: pure, process facts in, container facts out.
 *
 * A process whose cgroup path names a container id (see containerIdFromCgroups) runs in
 * that container, whichever runtime made it. When the Docker engine does not know the id
 * (containerd, CRI-O, podman), or cannot be asked at all, the kernel still shows the
 * container: its processes, its namespaces, its cgroup.
 */

import { runtimeFromCgroupPath } from "./kube-cgroups";
import { containerIdFromCgroups } from "./parse-proc";
import { isBeforeInPidNamespace } from "./pid-namespaces";
import type { ContainerFacts, ProcessFacts } from "./types";

/** The pause (sandbox) process, by its command: /pause, or pause (the comm when argv is gone). */
export function isPauseCommand(p: Pick<ProcessFacts, "cmdline" | "name">): boolean {
  const argv0 = p.cmdline[0];
  return argv0 !== undefined ? argv0.split("/").at(-1) === "pause" : p.name === "pause";
}

/**
 * The init process of every container named in the processes' cgroups, by container id:
 * the process whose PID inside its innermost pid namespace is smallest (the lowest host PID
 * on a tie). Also how a nested runtime's container (inside a kind node, whose PIDs are the
 * node's, not the host's) gets its host PID.
 */
export function initProcesses(
  processes: ProcessFacts[],
  containerIdOf: (p: ProcessFacts) => string | null = (p) => containerIdFromCgroups(p.cgroups),
): Map<string, ProcessFacts> {
  const initOf = new Map<string, ProcessFacts>();
  for (const p of processes) {
    const id = containerIdOf(p);
    if (id === null) continue;
    const best = initOf.get(id);
    if (best === undefined || isBeforeInPidNamespace(p, best)) initOf.set(id, p);
  }
  return initOf;
}

/**
 * The containers named in the processes' cgroups that are not in `known`, one per id:
 * its pid is its init (the process whose PID inside its innermost pid namespace — the last
 * NSpid entry — is smallest; the lowest host PID on a tie), its runtime from the cgroup
 * path, its name "<runtime>:<first 12 hex digits of the id>". What only an engine knows is
 * empty: image, image id, creation time, modes, labels, ports. Ordered by init PID.
 */
export function discoverProcfsContainers(
  processes: ProcessFacts[],
  known: ReadonlySet<string>,
  /** The container id in a process's cgroup: pass it when already computed. */
  containerIdOf: (p: ProcessFacts) => string | null = (p) => containerIdFromCgroups(p.cgroups),
): ContainerFacts[] {
  const initOf = initProcesses(processes, containerIdOf);
  for (const id of known) initOf.delete(id);
  return [...initOf.entries()]
    .sort(([, a], [, b]) => a.pid - b.pid)
    .map(([id, init]): ContainerFacts => {
      const path = init.cgroups.find((e) => e.path.includes(id))?.path ?? "";
      const runtime = runtimeFromCgroupPath(path, id);
      return {
        id,
        name: `${runtime === "unknown" ? "container" : runtime}:${id.slice(0, 12)}`,
        image: "",
        imageId: "",
        state: "running",
        pid: init.pid,
        created: "",
        networkMode: "",
        ipcMode: "",
        pidMode: "",
        utsMode: "",
        cgroupParent: "",
        labels: {},
        ports: [],
        discoveredBy: "procfs",
        runtime,
      };
    });
}
