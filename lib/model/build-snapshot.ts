/**
 * Build the snapshot (the wire format of GET /api/snapshot) from facts. Pure: the
 * adapters read the engine, procfs and cgroupfs (the last through the CgroupDirReader it
 * is given); this only combines what they read.
 *
 * The containers are the engine's plus those found in /proc alone (a cgroup naming a
 * container id the engine does not know: containerd, CRI-O, podman, or any container when
 * the engine is unreachable).
 */
import { buildCgroupTree, primaryCgroupPath, type CgroupDirReader, type CgroupProblem } from "./cgroup-tree";
import { discoverProcfsContainers, initProcesses, isPauseCommand } from "./discover-containers";
import { groupPods, type KernelHints } from "./group-pods";
import { parseKubepodsPath } from "./kube-cgroups";
import type { KubeletPodName } from "./kubelet-pod-logs";
import { isRuntimeFault } from "./runtime-status";
import { containerIdFromCgroups } from "./parse-proc";
import {
  LABEL_IMAGE_SOURCE,
  NAMESPACE_TYPES,
  type Container,
  type ContainerFacts,
  type EngineStatus,
  type HostFacts,
  type ImageSource,
  type Link,
  type Namespace,
  type NamespaceType,
  type Process,
  type ProcessFacts,
  type ProcScan,
  type RuntimeStatus,
  type Snapshot,
  type Warning,
} from "./types";

export interface SnapshotInput {
  takenAt: string;
  host: HostFacts;
  /** The Docker engine's status (also among `runtimes`). */
  engine: EngineStatus;
  /** Every runtime looked for, reachable or not. */
  runtimes: RuntimeStatus[];
  /** The containers every reachable runtime reported. */
  containers: ContainerFacts[];
  scan: ProcScan;
  /** Reads one cgroup (lib/server/cgroupfs.ts): called once per cgroup drawn. */
  readCgroup: CgroupDirReader;
  /** On a kubelet node: pod names by uid, from /var/log/pods (lib/server/kubelet-pod-logs.ts). */
  podNames?: ReadonlyMap<string, KubeletPodName>;
}

function imageSourceOf(c: ContainerFacts): ImageSource {
  const label = c.labels[LABEL_IMAGE_SOURCE];
  return label === "real" || label === "stand-in" ? label : "other";
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { host, scan } = input;
  const warnings: Warning[] = [];
  const factsByPid = new Map(scan.processes.map((p) => [p.pid, p]));
  const idInCgroup = new Map(scan.processes.map((p) => [p.pid, containerIdFromCgroups(p.cgroups)]));
  const idOf = (p: ProcessFacts) => idInCgroup.get(p.pid) ?? null;
  const discovered = discoverProcfsContainers(scan.processes, new Set(input.containers.map((c) => c.id)), idOf);
  // A nested runtime (inside a node container) reports PIDs of the node's pid namespace: the
  // host PID is that of the container's init process, found in /proc by the id in its cgroup.
  const inits = input.containers.some((c) => c.node !== undefined) ? initProcesses(scan.processes, idOf) : new Map<string, ProcessFacts>();
  const reported = input.containers.map((c) => (c.node === undefined || c.pid === null ? c : { ...c, pid: inits.get(c.id)?.pid ?? null }));
  const allFacts = [...reported, ...discovered];
  const knownIds = new Set(allFacts.map((c) => c.id));

  const initOf = (c: ContainerFacts) => (c.pid !== null ? factsByPid.get(c.pid) : undefined);
  const namespacesOf = (c: ContainerFacts): Partial<Record<NamespaceType, number>> => initOf(c)?.namespaces ?? {};
  const hintsOf = (c: ContainerFacts): KernelHints => {
    const init = initOf(c);
    if (init === undefined) return { podUid: null, isPause: false };
    const path = primaryCgroupPath(init.cgroups);
    const podUid = path === null ? null : (parseKubepodsPath(path)?.podUid ?? null);
    const podName = podUid === null ? undefined : input.podNames?.get(podUid);
    return { podUid, isPause: isPauseCommand(init), ...(podName ? { podName } : {}) };
  };

  const unreadable = input.containers.filter((c) => c.pid !== null && !factsByPid.has(c.pid));
  if (unreadable.length > 0) {
    warnings.push({
      code: "container-unreadable",
      message: `The init process of ${unreadable.map((c) => c.name).join(", ")} could not be read from /proc (it exited, or Pod Anatomy lacks permission): namespaces not shown.`,
      count: unreadable.length,
    });
  }
  if (scan.skipped.length > 0) {
    const reasons = new Map<string, number[]>();
    for (const s of scan.skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.pid]);
    const detail = [...reasons].map(([reason, pids]) => `${reason}: PID ${pids.slice(0, 5).join(", ")}${pids.length > 5 ? ", …" : ""}`);
    warnings.push({
      code: "proc-skipped",
      message: `${scan.skipped.length} process(es) left out of the /proc scan (${detail.join("; ")}).`,
      count: scan.skipped.length,
    });
  }
  if (input.engine.state === "unreachable") {
    warnings.push({ code: "engine-unreachable", message: `${input.engine.message} ${input.engine.hint}` });
  }
  for (const r of input.runtimes) {
    if (r.kind !== "docker" && isRuntimeFault(r)) warnings.push({ code: "runtime-unreachable", message: `${r.name} at ${r.endpoint}: ${r.message} ${r.hint}` });
  }
  if (discovered.length > 0) {
    const runtimes = [...new Set(discovered.map((c) => c.runtime))].join(", ");
    warnings.push({
      code: "procfs-containers",
      message: `${discovered.length} container(s) no runtime reported were found in /proc by their cgroup (runtime: ${runtimes}): their image, creation time and modes are not known.`,
      count: discovered.length,
    });
  }

  const byId = new Map(allFacts.map((c) => [c.id, c]));
  const { pods, podOf } = groupPods(
    allFacts,
    (id) => namespacesOf(byId.get(id)!),
    host.namespaces,
    (id) => hintsOf(byId.get(id)!),
  );
  const sandboxOf = (id: string): ContainerFacts | undefined => {
    const podId = podOf.get(id);
    return podId !== undefined && podId !== id ? byId.get(podId) : undefined;
  };

  const processes: Process[] = scan.processes.map((p) => {
    const id = idInCgroup.get(p.pid) ?? null;
    return {
      pid: p.pid,
      ppid: p.ppid,
      name: p.name,
      state: p.state,
      nspid: p.nspid,
      uid: p.uid,
      cmdline: p.cmdline,
      containerId: id !== null && knownIds.has(id) ? id : null,
      pidNs: p.namespaces.pid ?? null,
    };
  });
  const pidsByContainer = new Map<string, number[]>();
  for (const p of processes) {
    if (p.containerId === null) continue;
    const pids = pidsByContainer.get(p.containerId);
    if (pids) pids.push(p.pid);
    else pidsByContainer.set(p.containerId, [p.pid]);
  }

  const tree = buildCgroupTree(
    allFacts.map((c) => ({ id: c.id, podId: podOf.get(c.id) ?? null, cgroups: initOf(c)?.cgroups ?? [] })),
    input.readCgroup,
  );
  const problems = [...tree.reads.values()].flatMap((r) => r.problems);
  if (problems.length > 0) warnings.push(cgroupWarning(problems));

  const containers: Container[] = allFacts.map((c) => {
    const ns = namespacesOf(c);
    const sandboxNs = (() => {
      const s = sandboxOf(c.id);
      return s ? namespacesOf(s) : {};
    })();
    const present = NAMESPACE_TYPES.filter((t) => ns[t] !== undefined);
    const sharedWithHost = present.filter((t) => ns[t] === host.namespaces[t]);
    const sharedWithSandbox = present.filter((t) => !sharedWithHost.includes(t) && ns[t] === sandboxNs[t]);
    const podId = podOf.get(c.id) ?? null;
    const cgroupPath = tree.pathOf.get(c.id) ?? null;
    return {
      id: c.id,
      node: c.node ?? null,
      exitCode: c.exitCode ?? null,
      attempt: c.attempt ?? null,
      startedAt: c.startedAt ?? null,
      finishedAt: c.finishedAt ?? null,
      mounts: c.mounts ?? [],
      name: c.name,
      image: c.image,
      imageSource: imageSourceOf(c),
      state: c.state,
      pid: c.pid,
      created: c.created,
      modes: { network: c.networkMode, ipc: c.ipcMode, pid: c.pidMode, uts: c.utsMode, cgroupParent: c.cgroupParent },
      labels: c.labels,
      ports: c.ports,
      podId,
      role: podId === null ? "standalone" : podId === c.id ? "sandbox" : "member",
      namespaces: ns,
      sharedWithSandbox,
      sharedWithHost,
      own: present.filter((t) => !sharedWithHost.includes(t) && !sharedWithSandbox.includes(t)),
      cgroups: initOf(c)?.cgroups ?? [],
      cgroupPath,
      limits: cgroupPath !== null ? (tree.reads.get(cgroupPath)?.limits ?? null) : null,
      discoveredBy: c.discoveredBy,
      runtime: c.runtime,
      processIds: pidsByContainer.get(c.id) ?? [],
    };
  });

  const links: Link[] = containers
    .filter((c) => c.role === "member" && c.podId !== null)
    .map((c) => ({ podId: c.podId!, sandboxId: c.podId!, memberId: c.id, shared: c.sharedWithSandbox }));

  return {
    takenAt: input.takenAt,
    host,
    engine: input.engine,
    runtimes: input.runtimes,
    pods,
    containers,
    processes,
    processesOutsideContainers: scan.outsideContainers,
    namespaces: collectNamespaces(containers, host),
    links,
    cgroups: tree.nodes,
    // Read after the build, from the containers it found (lib/server/snapshot.ts).
    networks: [],
    hostnames: [],
    warnings,
  };
}

/** Every namespace held by a container's init process, plus the host's, with who is in it. */
function collectNamespaces(containers: Container[], host: HostFacts): Namespace[] {
  const byId = new Map<string, Namespace>();
  const entry = (type: NamespaceType, inode: number): Namespace => {
    const id = `${type}:[${inode}]`;
    let ns = byId.get(id);
    if (!ns) {
      ns = { id, type, inode, containerIds: [], isHost: host.namespaces[type] === inode };
      byId.set(id, ns);
    }
    return ns;
  };
  for (const type of NAMESPACE_TYPES) {
    const inode = host.namespaces[type];
    if (inode !== undefined) entry(type, inode);
  }
  for (const c of containers) {
    for (const type of NAMESPACE_TYPES) {
      const inode = c.namespaces[type];
      if (inode !== undefined) entry(type, inode).containerIds.push(c.id);
    }
  }
  return [...byId.values()];
}

/** One warning for every cgroup value left out, counted by file name and reason. */
function cgroupWarning(problems: CgroupProblem[]): Warning {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const key = `${p.file.split("/").at(-1)} ${p.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const detail = [...counts].map(([key, n]) => (n > 1 ? `${key} ×${n}` : key));
  return {
    code: "cgroup-unreadable",
    message: `${problems.length} cgroup file(s) could not be read, their values are not shown (${detail.join("; ")}).`,
    count: problems.length,
  };
}
