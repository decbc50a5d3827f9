/**
 * A pod's timeline: its story step by step, told from its runtime's events (the server's
 * history: Docker's and Podman's event streams, the events the CRI's poll synthesizes) and
 * the kernel's namespaces (the snapshot). Each runtime's facts are told in its own words:
 * Docker's and Podman's HostConfig modes, the CRI's NamespaceMode POD. Pure: no I/O.
 */
import { containerMode, joinedRef, modeJoins } from "./container-ref";
import { compareTimeNano, type ContainerEvent } from "./engine-events";
import type { ContainerRecord, JoinModes } from "./event-history";
import { K8S_POD_UID, LABEL_POD, type Container, type ContainerRuntime, type NamespaceType, type Pod, type RuntimeKind } from "./types";

export type TimelineStepKind = "sandbox-created" | "namespaces-created" | "created" | "joined" | "started" | "exited" | "removed";

/** A namespace a step is about: its type, and `type:[inode]` when the kernel still shows it. */
export interface TimelineNamespace {
  type: NamespaceType;
  /** As readlink /proc/PID/ns/TYPE shows it, e.g. "net:[4026532296]"; null when no longer readable. */
  id: string | null;
}

export interface TimelineStep {
  /** Stable: `<containerId>/<kind>/<timeNano>`. */
  id: string;
  kind: TimelineStepKind;
  containerId: string;
  /** The container's name then (a removed container is no longer in the snapshot). */
  containerName: string;
  role: "sandbox" | "member";
  /** From the runtime's event (the CRI: its created_at, started_at, finished_at): exact nanoseconds, and milliseconds. */
  timeNano: string;
  time: number;
  title: string;
  /** What happened, in a sentence or two a trainer can read out. */
  detail: string;
  namespaces: TimelineNamespace[];
  /** On `exited`: the exit code; otherwise null. */
  exitCode: number | null;
  /** Where each fact comes from: the runtime's event (or poll), its mode fields, /proc paths. */
  sources: string[];
}

/** The wire format of GET /api/pods/ID/timeline. */
export interface PodTimeline {
  podId: string;
  sandboxId: string;
  /** In the order things happened (engine time). */
  steps: TimelineStep[];
  /**
   * False when a container of the pod has no `create` event in the server's history (it was
   * created before the engine's buffer of recent events, or before the history's bound).
   */
  complete: boolean;
  /** Time (ms) of the oldest event the server still holds, or null when none. */
  historyFrom: number | null;
}

/** The namespace types a sandbox brings into being and members join, in the order the story tells. */
const POD_STORY_TYPES: NamespaceType[] = ["net", "ipc", "pid", "uts", "mnt", "cgroup"];
/**
 * The namespaces a member can join its sandbox's: `field` as Docker and Podman name the mode
 * (HostConfig), `cri` as the CRI's NamespaceOption does (uts has none: it follows network).
 * Docker cannot share uts; Podman's pods and the CRI's do.
 */
const JOINABLE: { type: NamespaceType; mode: keyof JoinModes; field: string; cri: string | null; what: string }[] = [
  { type: "net", mode: "network", field: "HostConfig.NetworkMode", cri: "network", what: "localhost, interfaces and ports" },
  { type: "ipc", mode: "ipc", field: "HostConfig.IpcMode", cri: "ipc", what: "System V IPC and POSIX message queues" },
  { type: "pid", mode: "pid", field: "HostConfig.PidMode", cri: "pid", what: "the process list (ps shows the sandbox's process as PID 1)" },
  { type: "uts", mode: "uts", field: "HostConfig.UTSMode", cri: null, what: "the hostname" },
];
type Joinable = (typeof JOINABLE)[number];

/** The API a container's facts come from, by the runtime that runs it (unknown: Docker's words, as before). */
function dialectOf(runtime: ContainerRuntime): RuntimeKind {
  return runtime === "podman" ? "podman" : runtime === "containerd" || runtime === "cri-o" ? "cri" : "docker";
}

/** Does this mode join the sandbox's namespace? Docker, Podman: `container:<sandbox>`; the CRI: POD (its pod's sandbox). */
function joins(kind: RuntimeKind, mode: string | undefined, sandbox: { id: string; name: string }): boolean {
  return kind === "cri" ? mode === "pod" : modeJoins(mode ?? "", sandbox);
}

/** Where a runtime's modes are read, for a step's sources. */
const MODES_SOURCE: Record<RuntimeKind, string> = {
  docker: "HostConfig.NetworkMode, IpcMode, PidMode, UTSMode",
  podman: "podman inspect: HostConfig.NetworkMode, IpcMode, PidMode, UTSMode",
  cri: "CRI PodSandboxStatus: linux.namespaces.options",
};

/** Where one joined mode is read, for a step's sources. */
function joinSource(kind: RuntimeKind, j: Joinable): string {
  if (kind === "cri") return j.cri ? `CRI NamespaceOption.${j.cri}=POD` : "CRI NamespaceOption.network=POD (uts follows network)";
  return kind === "podman" ? `podman inspect: ${j.field}` : j.field;
}

/** What a namespace of its own gives a member, in a few words. */
const OWN_WHAT: Partial<Record<NamespaceType, string>> = {
  net: "its own network",
  ipc: "its own IPC objects",
  pid: "its own process list",
  uts: "its own hostname",
  mnt: "its own filesystem",
  cgroup: "its own view of the cgroup tree",
};

const SIGNALS: Record<number, string> = { 1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM" };

/** What an exit code says, as Docker reports it (128 + n: killed by signal n). */
export function describeExit(code: number | null): string {
  if (code === null) return "exit code unknown";
  if (code === 0) return "exit code 0: it ended normally";
  if (code > 128 && code < 160) {
    const n = code - 128;
    return `exit code ${code} = 128 + ${n}: killed by signal ${n}${SIGNALS[n] ? ` (${SIGNALS[n]})` : ""}`;
  }
  return `exit code ${code}: it failed`;
}

export interface TimelineInput {
  pod: Pod;
  /** The current snapshot's containers: namespace inodes from the kernel, modes from the engine. */
  containers: Container[];
  /** The server's history of events. */
  records: ContainerRecord[];
  historyFrom: number | null;
}

/**
 * A pod's story, step by step, from the engine's events and the kernel: the sandbox created,
 * its start creating the pod's namespaces, each member created, joining the sandbox's
 * net/ipc/pid, started, exited (with its exit code), removed.
 *
 * Members are the snapshot's, plus containers no longer there whose modes joined the sandbox
 * or whose labels name the same pod (so a removed member's last steps are still told).
 * Inodes are only attached to a container's latest start while it still runs: a restart
 * makes new namespaces.
 */
export function buildTimeline({ pod, containers, records, historyFrom }: TimelineInput): PodTimeline {
  const byId = new Map(containers.map((c) => [c.id, c]));
  const recordOf = new Map(records.map((r) => [r.containerId, r]));
  const sandbox = byId.get(pod.sandboxId);
  const sandboxRecord = recordOf.get(pod.sandboxId);
  const sandboxRef = { id: pod.sandboxId, name: sandbox?.name ?? sandboxRecord?.name ?? pod.sandboxId.slice(0, 12) };
  const sandboxLabels = sandbox?.labels ?? sandboxRecord?.labels ?? {};

  const sameLabelledPod = (labels: Record<string, string>) =>
    (sandboxLabels[LABEL_POD] !== undefined && labels[LABEL_POD] === sandboxLabels[LABEL_POD]) ||
    (sandboxLabels[K8S_POD_UID] !== undefined && labels[K8S_POD_UID] === sandboxLabels[K8S_POD_UID]);
  const modesOf = (id: string): JoinModes | null => {
    const c = byId.get(id);
    return c ? { network: c.modes.network, ipc: c.modes.ipc, pid: c.modes.pid, uts: c.modes.uts } : (recordOf.get(id)?.modes ?? null);
  };
  /** Whose words: the snapshot's runtime of it, else its latest event's. */
  const kindOf = (id: string): RuntimeKind => {
    const c = byId.get(id);
    return c ? dialectOf(c.runtime) : (recordOf.get(id)?.events.at(-1)?.runtime ?? "docker");
  };

  const memberIds = new Set(pod.memberIds);
  for (const r of records) {
    if (r.containerId === pod.sandboxId || memberIds.has(r.containerId)) continue;
    const modes = modesOf(r.containerId);
    const joined = modes !== null && JOINABLE.some((j) => modeJoins(modes[j.mode] ?? "", sandboxRef));
    if (joined || sameLabelledPod(r.labels)) memberIds.add(r.containerId);
  }

  const steps: TimelineStep[] = [];
  const ids = [pod.sandboxId, ...memberIds];
  let complete = true;
  for (const id of ids) {
    const events = recordOf.get(id)?.events ?? [];
    if (!events.some((e) => e.action === "create")) complete = false;
    const lastStart = events.findLastIndex((e) => e.action === "start");
    events.forEach((e, i) => {
      const live = i === lastStart ? byId.get(id) : undefined;
      const running = live && live.pid !== null ? live : undefined;
      steps.push(...(id === pod.sandboxId ? sandboxSteps(e, running, byId.get(id), kindOf(id)) : memberSteps(e, running, modesOf(id), sandboxRef, kindOf(id))));
    });
  }

  const order = new Map(steps.map((s, i) => [s, i]));
  steps.sort((a, b) => compareTimeNano(a.timeNano, b.timeNano) || order.get(a)! - order.get(b)!);
  return { podId: pod.id, sandboxId: pod.sandboxId, steps, complete, historyFrom };
}

function step(e: ContainerEvent, role: TimelineStep["role"], kind: TimelineStepKind, rest: Pick<TimelineStep, "title" | "detail"> & Partial<TimelineStep>): TimelineStep {
  return {
    id: `${e.containerId}/${kind}/${e.timeNano}`,
    kind,
    containerId: e.containerId,
    containerName: e.name,
    role,
    timeNano: e.timeNano,
    time: e.time,
    namespaces: [],
    exitCode: null,
    sources: [e.source],
    ...rest,
  };
}

function kernelNamespace(c: Container, type: NamespaceType): { ns: TimelineNamespace; source: string } {
  const inode = c.namespaces[type];
  return { ns: { type, id: inode === undefined ? null : `${type}:[${inode}]` }, source: `/proc/${c.pid}/ns/${type}` };
}

const list = (types: NamespaceType[]) => types.join(", ");

/** The runtime that removes a container, in a few words. */
const REMOVED: Record<RuntimeKind, string> = {
  docker: "The engine deleted the container: its filesystem layer and its record are gone.",
  podman: "Podman removed the container: its filesystem layer and its record are gone.",
  cri: "The runtime removed it (RemoveContainer, or RemovePodSandbox for a sandbox): its record is gone from the CRI's lists.",
};

/** Exit and removal read the same for sandboxes and members. */
function endSteps(e: ContainerEvent, role: TimelineStep["role"], kind: RuntimeKind): TimelineStep[] {
  if (e.action === "die") {
    const after =
      role === "sandbox"
        ? " The pod's namespaces live on only while some process is still in them."
        : " The sandbox and its namespaces are not affected.";
    return [step(e, role, "exited", { title: `${e.name} exited`, detail: `Its init process ended: ${describeExit(e.exitCode)}.${after}`, exitCode: e.exitCode })];
  }
  if (e.action === "destroy") {
    return [step(e, role, "removed", { title: `${e.name} removed`, detail: REMOVED[kind] })];
  }
  return [];
}

function sandboxCreatedDetail(e: ContainerEvent, kind: RuntimeKind): string {
  if (kind === "cri") {
    return `RunPodSandbox made the pod's sandbox: its pause container${e.image ? ` from ${e.image}` : ""}, created and started in that one call (the CRI has no separate start for a sandbox).`;
  }
  if (kind === "podman") return `Podman created the pod's infra container from ${e.image}. Nothing runs yet: no process, no namespaces.`;
  return `The engine created the pod's infra ("pause") container from ${e.image}. Nothing runs yet: no process, no namespaces.`;
}

function sandboxSteps(e: ContainerEvent, running: Container | undefined, current: Container | undefined, kind: RuntimeKind): TimelineStep[] {
  if (e.action === "create") {
    return [step(e, "sandbox", "sandbox-created", { title: `Sandbox ${e.name} created`, detail: sandboxCreatedDetail(e, kind) })];
  }
  if (e.action === "start") {
    let namespaces: TimelineNamespace[];
    const sources = [e.source];
    if (running) {
      const types = POD_STORY_TYPES.filter((t) => running.own.includes(t));
      const read = types.map((t) => kernelNamespace(running, t));
      namespaces = read.map((r) => r.ns);
      sources.push(...read.map((r) => r.source));
    } else {
      // No longer running (or restarted since): which namespaces were new follows from its modes.
      const m = current?.modes;
      const isNew = (mode: string) => mode !== "host" && joinedRef(mode) === null;
      const types: NamespaceType[] = m
        ? [
            ...(isNew(m.network) ? (["net"] as const) : []),
            ...(isNew(m.ipc) ? (["ipc"] as const) : []),
            ...(isNew(m.pid) ? (["pid"] as const) : []),
            ...(m.uts !== "host" ? (["uts"] as const) : []),
            "mnt",
          ]
        : [];
      namespaces = types.map((type) => ({ type, id: null }));
      if (m) sources.push(MODES_SOURCE[kind]);
    }
    const types = namespaces.map((n) => n.type);
    return [
      step(e, "sandbox", "namespaces-created", {
        title: `${e.name} started: the pod's namespaces are created`,
        detail:
          types.length > 0
            ? `Its process became PID 1 of new namespaces — ${list(types)}. The kernel created them for it; the pod's other containers join its ${kind === "docker" ? "net, ipc and pid" : "net, ipc, uts (and pid when the pod shares it)"}.`
            : "Its process started; the kernel created its new namespaces.",
        namespaces,
        sources,
      }),
    ];
  }
  return endSteps(e, "sandbox", kind);
}

/** How a member was made to join, in its runtime's words (null when its modes join nothing). */
function joinHow(kind: RuntimeKind, byModes: Joinable[], sandbox: { id: string; name: string }): string | null {
  if (byModes.length === 0) return null;
  if (kind === "cri") {
    const fields = byModes.filter((j) => j.cri).map((j) => `${j.cri}=POD`);
    return `CreateContainer put it in sandbox ${sandbox.name}, whose NamespaceOption says ${fields.join(", ")}: it shares the sandbox's ${list(byModes.map((j) => j.type))}.`;
  }
  if (kind === "podman") {
    const fields = byModes.map((j, i) => (i === 0 ? j.field : j.field.replace("HostConfig.", "")));
    const named = fields.length > 1 ? `${fields.slice(0, -1).join(", ")} and ${fields.at(-1)}` : fields[0];
    return `Created in ${sandbox.name}'s pod: Podman set its ${named} to ${containerMode(sandbox.id.slice(0, 12))} (the pod's infra container).`;
  }
  return `Created to join ${sandbox.name}: ${byModes.map((j) => `${j.field}=${containerMode(sandbox.name)}`).join(", ")}.`;
}

function memberSteps(e: ContainerEvent, running: Container | undefined, modes: JoinModes | null, sandbox: { id: string; name: string }, kind: RuntimeKind): TimelineStep[] {
  const byModes = modes ? JOINABLE.filter((j) => joins(kind, modes[j.mode], sandbox)) : [];
  if (e.action === "create") {
    return [
      step(e, "member", "created", {
        title: `${e.name} created`,
        detail: joinHow(kind, byModes, sandbox) ?? `Created in the pod of ${sandbox.name}.`,
        sources: [e.source, ...byModes.map((j) => joinSource(kind, j))],
      }),
    ];
  }
  if (e.action === "start") {
    const out: TimelineStep[] = [];
    // Which namespaces it shares: the kernel when it still runs (equal inodes), else its modes.
    const joined = running ? JOINABLE.filter((j) => running.sharedWithSandbox.includes(j.type)) : byModes;
    if (joined.length > 0) {
      const read = running ? joined.map((j) => kernelNamespace(running, j.type)) : [];
      out.push(
        step(e, "member", "joined", {
          title: `${e.name} joined ${sandbox.name}'s ${list(joined.map((j) => j.type))}`,
          detail: `Its process entered the sandbox's namespaces instead of getting new ones: it shares ${joined.map((j) => j.what).join("; ")}.`,
          namespaces: running ? read.map((r) => r.ns) : joined.map((j) => ({ type: j.type, id: null })),
          sources: [e.source, ...(running ? read.map((r) => r.source) : joined.map((j) => joinSource(kind, j)))],
        }),
      );
    }
    const own = running ? POD_STORY_TYPES.filter((t) => running.own.includes(t)) : [];
    const read = running ? own.map((t) => kernelNamespace(running, t)) : [];
    out.push(
      step(e, "member", "started", {
        title: `${e.name} started`,
        detail:
          own.length > 0
            ? `Its process runs (host PID ${running!.pid}) in new namespaces of its own: ${own.map((t) => `${t} (${OWN_WHAT[t]})`).join(", ")}.`
            : "Its process runs.",
        namespaces: read.map((r) => r.ns),
        sources: [e.source, ...read.map((r) => r.source)],
      }),
    );
    return out;
  }
  return endSteps(e, "member", kind);
}
