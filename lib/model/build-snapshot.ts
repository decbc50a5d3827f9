/**
 * Build the snapshot (the wire format of GET /api/snapshot) from facts. Pure: the
 * adapters read the engine and procfs; this only combines what they read.
 */
import { groupPods } from "./group-pods";
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
  type ProcScan,
  type Snapshot,
  type Warning,
} from "./types";

export interface SnapshotInput {
  takenAt: string;
  host: HostFacts;
  engine: EngineStatus;
  /** Empty when the engine is unreachable. */
  containers: ContainerFacts[];
  scan: ProcScan;
}

function imageSourceOf(c: ContainerFacts): ImageSource {
  const label = c.labels[LABEL_IMAGE_SOURCE];
  return label === "real" || label === "stand-in" ? label : "other";
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { host, scan } = input;
  const warnings: Warning[] = [];
  const factsByPid = new Map(scan.processes.map((p) => [p.pid, p]));
  const knownIds = new Set(input.containers.map((c) => c.id));

  const namespacesOf = (c: ContainerFacts): Partial<Record<NamespaceType, number>> =>
    (c.pid !== null ? factsByPid.get(c.pid)?.namespaces : undefined) ?? {};

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

  const byId = new Map(input.containers.map((c) => [c.id, c]));
  const { pods, podOf } = groupPods(input.containers, (id) => namespacesOf(byId.get(id)!), host.namespaces);
  const sandboxOf = (id: string): ContainerFacts | undefined => {
    const podId = podOf.get(id);
    return podId !== undefined && podId !== id ? byId.get(podId) : undefined;
  };

  const processes: Process[] = scan.processes.map((p) => {
    const id = containerIdFromCgroups(p.cgroups);
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
    if (p.containerId) pidsByContainer.set(p.containerId, [...(pidsByContainer.get(p.containerId) ?? []), p.pid]);
  }

  const containers: Container[] = input.containers.map((c) => {
    const ns = namespacesOf(c);
    const sandboxNs = (() => {
      const s = sandboxOf(c.id);
      return s ? namespacesOf(s) : {};
    })();
    const present = NAMESPACE_TYPES.filter((t) => ns[t] !== undefined);
    const sharedWithHost = present.filter((t) => ns[t] === host.namespaces[t]);
    const sharedWithSandbox = present.filter((t) => !sharedWithHost.includes(t) && ns[t] === sandboxNs[t]);
    const podId = podOf.get(c.id) ?? null;
    return {
      id: c.id,
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
      cgroups: (c.pid !== null ? factsByPid.get(c.pid)?.cgroups : undefined) ?? [],
      cgroupPath: null,
      limits: null,
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
    pods,
    containers,
    processes,
    namespaces: collectNamespaces(containers, host),
    links,
    cgroups: [],
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
