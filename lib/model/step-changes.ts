/**
 * What a step changed, for the graph's highlight: the snapshot just before the step and the
 * one just after, compared — a new namespace (the sandbox's), a container joining the
 * sandbox's namespaces (the spoke it gained), a process becoming PID 1 of its pid namespace,
 * a pod's phase changing, a host port now published. And what a probe step showed (the PID 1
 * `ps` saw, the page that answered), from its output. Pure: no I/O.
 */
import { podContainers, podStatus } from "./catalogue";
import { isPidNsInit } from "./pid-namespaces";
import { diffSnapshots, type Step } from "./steps";
import type { NamespaceType, Snapshot } from "./types";

export type ChangeKind = "namespace" | "joined" | "pid1" | "phase" | "port" | "probe";

/** One change, drawn on a node (a container) or on a spoke (sandbox → member). */
export interface GraphChange {
  kind: ChangeKind;
  /** The container it is drawn on; for "joined", the member (the spoke's end). */
  containerId: string;
  /** A few words, drawn beside the node or on the spoke: "new net ipc pid uts mnt", "PID 1: pause". */
  label: string;
}

export interface StepChanges {
  changes: GraphChange[];
  /** Spokes gained: sandbox → member, the namespace types joined. */
  edges: { sandboxId: string; memberId: string; shares: NamespaceType[] }[];
}

/** The order the pod's story tells them in: what a pod shares first. */
const ORDER: NamespaceType[] = ["net", "ipc", "pid", "uts", "mnt", "cgroup", "user", "time"];
const inOrder = (types: readonly NamespaceType[]) => [...types].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));

const NONE: StepChanges = { changes: [], edges: [] };

/** The changes between two snapshots (every container of `after`: restrict them first, e.g. to one pod, with snapshotOfPod). */
export function stepChanges(before: Snapshot, after: Snapshot): StepChanges {
  const diff = diffSnapshots(before, after);
  const changes: GraphChange[] = [];
  const byId = new Map(after.containers.map((c) => [c.id, c]));

  // New namespaces, on the container that holds them (the first there: the sandbox).
  const newNs = new Map<string, NamespaceType[]>();
  for (const id of diff.newNamespaces) {
    const ns = after.namespaces.find((n) => n.id === id);
    const holder = ns?.containerIds.find((c) => diff.newContainers.includes(c)) ?? ns?.containerIds[0];
    if (ns && holder) newNs.set(holder, [...(newNs.get(holder) ?? []), ns.type]);
  }
  for (const [containerId, types] of newNs) {
    changes.push({ kind: "namespace", containerId, label: `new ${inOrder(types).join(" ")}` });
  }

  const edges = diff.joined.map((j) => ({ sandboxId: j.hubId, memberId: j.containerId, shares: j.shares }));
  for (const j of diff.joined) changes.push({ kind: "joined", containerId: j.containerId, label: `joined ${j.shares.join(" ")}` });

  for (const pid of diff.newPid1) {
    const p = after.processes.find((x) => x.pid === pid);
    if (!p?.containerId || !byId.has(p.containerId)) continue;
    const program = (p.cmdline[0] ?? p.name).split("/").at(-1) || p.name;
    changes.push({ kind: "pid1", containerId: p.containerId, label: `PID 1: ${program}` });
  }

  // A pod's phase (kubectl's words), when it changed: drawn on its sandbox.
  for (const pod of after.pods) {
    const was = before.pods.find((p) => p.id === pod.id);
    const now = podStatus(podContainers(after, pod)).phase;
    const then = was ? podStatus(podContainers(before, was)).phase : null;
    if (now !== then) changes.push({ kind: "phase", containerId: pod.sandboxId, label: then ? `${then} → ${now}` : `phase ${now}` });
  }

  // A host port published now that was not before.
  const oldPorts = new Set(before.containers.flatMap((c) => c.ports.map((p) => `${c.id} ${p.hostIp}:${p.hostPort}`)));
  for (const c of after.containers) {
    for (const p of c.ports) {
      if (!oldPorts.has(`${c.id} ${p.hostIp}:${p.hostPort}`)) changes.push({ kind: "port", containerId: c.id, label: `publishes ${p.hostIp}:${p.hostPort} → ${p.containerPort}` });
    }
  }
  return { changes, edges };
}

/**
 * What a probe step showed, drawn on the graph: `ps` — the container whose init is PID 1 of
 * the member's pid namespace (the sandbox: pause, catatonit) and the first line of `ps` that
 * says so; fetch — the member that fetched, with what answered. Nothing when it showed nothing.
 */
export function probeChanges(step: Pick<Step, "kind" | "port">, ranIn: string | null, output: string | null, snapshot: Snapshot): StepChanges {
  if (!ranIn || output === null) return NONE;
  const member = snapshot.containers.find((c) => c.id === ranIn);
  if (!member) return NONE;
  if (step.kind === "probe-ps") {
    const pid1 = /^\s*1\s+\d+\s+\S+\s+(\S+)\s*$/m.exec(output)?.[1];
    if (!pid1) return NONE;
    const holder = snapshot.containers.find(
      (c) => c.id !== member.id && c.namespaces.pid !== undefined && c.namespaces.pid === member.namespaces.pid && snapshot.processes.some((p) => p.pid === c.pid && isPidNsInit(p)),
    );
    return {
      changes: [
        { kind: "probe", containerId: member.id, label: `ps: PID 1 is ${pid1}` },
        ...(holder ? [{ kind: "probe" as const, containerId: holder.id, label: `PID 1 of ${member.name}'s pid namespace` }] : []),
      ],
      edges: [],
    };
  }
  if (step.kind === "probe-fetch") {
    const title = /<title>([^<]{1,60})<\/title>/i.exec(output)?.[1]?.trim();
    const answered = output.trim().length > 0;
    return answered ? { changes: [{ kind: "probe", containerId: member.id, label: `:${step.port ?? 80} answered${title ? `: ${title}` : ""}` }], edges: [] } : NONE;
  }
  return NONE;
}
