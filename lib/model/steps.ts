/**
 * Step by step: a pod's plan (lib/model/pod-plan.ts, what `docker run` is told) cut into
 * steps a trainer runs one at a time in front of the class — each one real command shown
 * before it runs, one line saying what it will change, and the effect the snapshot will
 * show once it has run, whoever ran it and whatever names they chose where names don't
 * matter. The observations of the training material come as probe steps: `ps` in a member
 * (pause is PID 1), fetching the published port.
 *
 * Docker only for now (the CRI and Podman plans are not cut into steps yet). Pure: no I/O.
 */
import { isPidNsInit } from "./pid-namespaces";
import { probeArgv } from "./pod-probes";
import { dockerRunScript, shellQuote } from "./docker-run-script";
import type { PlannedContainer } from "./pod-plan";
import { LABEL_POD, type Container, type NamespaceType, type Snapshot } from "./types";

/** What the snapshot shows once a step has run. */
export type StepEffect =
  /** A running container of this image holding namespaces of its own (not the host's); publishing this host port when given. */
  | { type: "sandbox"; image: string; hostPort: number | null }
  /** A running container of this image sharing these namespace types with a running container of the sandbox's image. */
  | { type: "joins"; image: string; sandboxImage: string; shares: NamespaceType[] }
  /** A container of this image that ran to completion (exit 0). */
  | { type: "completed"; image: string }
  /** Nothing the snapshot shows: a probe reads, it changes nothing. */
  | { type: "observation" };

export interface Step {
  /** 0-based, in the order they run. */
  index: number;
  kind: "container" | "probe-ps" | "probe-fetch";
  title: string;
  /** The exact command, as it would be typed in a shell. */
  command: string;
  /** One line: what running it changes (or shows). */
  change: string;
  /** The planned container's name (kind "container"), or the container a probe runs in. */
  container: string;
  /** probe-fetch: the port fetched inside the pod's net namespace. */
  port?: number;
  effect: StepEffect;
}

const SHARED_ORDER: NamespaceType[] = ["net", "ipc", "pid", "uts"];

/** The namespace types a planned container joins (`container:<ref>` modes). */
function joined(c: PlannedContainer): NamespaceType[] {
  const modes: Partial<Record<NamespaceType, string | null>> = { net: c.networkMode, ipc: c.ipcMode, pid: c.pidMode, uts: c.utsMode };
  return SHARED_ORDER.filter((t) => modes[t]?.startsWith("container:"));
}

const command = (args: readonly string[]) => ["docker", ...args].map(shellQuote).join(" ");

function changeOf(c: PlannedContainer, sandbox: PlannedContainer | undefined): string {
  if (c.kind === "sandbox") {
    const port = c.port ? `, publishing ${c.port.hostIp}:${c.port.hostPort} → ${c.port.containerPort}` : "";
    return `New namespaces (net, ipc, pid, uts, mnt) held by ${c.podName}, which will be PID 1 of the new pid namespace${port}.`;
  }
  const shares = joined(c);
  const joins = shares.length > 0 && sandbox ? `joins ${sandbox.name}'s ${shares.join(", ")} namespaces` : "gets namespaces of its own";
  const limit = c.memoryBytes !== null ? `, limited to ${c.memoryBytes / (1024 * 1024)} MiB` : "";
  const cg = c.cgroupParent ? ` under ${c.cgroupParent}` : "";
  if (c.kind === "init") return `${c.podName} ${joins}, runs to completion and exits 0 before the next starts${cg}.`;
  return `${c.podName} ${joins}, with a mnt namespace of its own${limit}${cg}.`;
}

/**
 * The steps of one pod (its plan, in creation order): a container step per planned
 * container, then `ps` in the first member that joined the sandbox's pid namespace, then
 * a fetch of the published port when the sandbox publishes one.
 */
export function planSteps(plan: readonly PlannedContainer[]): Step[] {
  const sandbox = plan.find((c) => c.kind === "sandbox");
  const steps: Omit<Step, "index">[] = plan.map((c) => ({
    kind: "container",
    title: c.kind === "sandbox" ? `Start the sandbox: ${c.podName}` : c.kind === "init" ? `Run init container ${c.podName}` : `Start ${c.podName}`,
    command: dockerRunScript([c]),
    change: changeOf(c, sandbox),
    container: c.name,
    effect:
      c.kind === "sandbox"
        ? { type: "sandbox", image: c.image, hostPort: c.port?.hostPort ?? null }
        : c.kind === "init"
          ? { type: "completed", image: c.image }
          : sandbox && joined(c).length > 0
            ? { type: "joins", image: c.image, sandboxImage: sandbox.image, shares: joined(c) }
            : { type: "sandbox", image: c.image, hostPort: null },
  }));
  const pidMember = plan.find((c) => c.kind === "app" && c.pidMode?.startsWith("container:"));
  if (pidMember && sandbox) {
    steps.push({
      kind: "probe-ps",
      title: `ps in ${pidMember.podName}`,
      command: command(["exec", pidMember.name, ...probeArgv({ probe: "ps", container: pidMember.name })]),
      change: `Changes nothing: shows every process of the shared pid namespace, ${sandbox.podName} as PID 1.`,
      container: pidMember.name,
      effect: { type: "observation" },
    });
  }
  if (sandbox?.port) {
    const member = plan.find((c) => c.kind === "app" && c.networkMode?.startsWith("container:"));
    if (member) {
      steps.push({
        kind: "probe-fetch",
        title: `Fetch :${sandbox.port.containerPort} from inside the pod`,
        command: command(["exec", member.name, ...probeArgv({ probe: "fetch", container: member.name, port: sandbox.port.containerPort })]),
        change: `Changes nothing: the page answers on :${sandbox.port.containerPort} of the pod's net namespace, published on ${sandbox.port.hostIp}:${sandbox.port.hostPort}.`,
        container: member.name,
        port: sandbox.port.containerPort,
        effect: { type: "observation" },
      });
    }
  }
  return steps.map((s, index) => ({ ...s, index }));
}

// ---------------------------------------------------------------------------------------

const runningOf = (s: Snapshot, image: string) => s.containers.filter((c) => c.image === image && c.state === "running" && c.pid !== null);
const ownNs = (s: Snapshot, c: Container, t: NamespaceType) => c.namespaces[t] !== undefined && c.namespaces[t] !== s.host.namespaces[t];

/**
 * Has the snapshot the step's effect, by any container (any name) — "I'll type it": the step
 * counts as done when this says so. `before` (the snapshot when the step was shown) makes
 * it count only what is new since: a container that was already there does not do the step.
 * An observation is never seen: the learner says when they saw it.
 */
export function effectSeen(effect: StepEffect, snapshot: Snapshot, before?: Snapshot): Container | null {
  const old = new Set(before?.containers.map((c) => c.id) ?? []);
  const fresh = (cs: Container[]) => cs.filter((c) => !old.has(c.id));
  switch (effect.type) {
    case "sandbox":
      return (
        fresh(runningOf(snapshot, effect.image)).find(
          (c) => ownNs(snapshot, c, "net") && (effect.hostPort === null || c.ports.some((p) => p.hostPort === effect.hostPort)),
        ) ?? null
      );
    case "joins": {
      const hubs = runningOf(snapshot, effect.sandboxImage);
      return (
        fresh(runningOf(snapshot, effect.image)).find((c) =>
          hubs.some((h) => h.id !== c.id && effect.shares.every((t) => ownNs(snapshot, h, t) && c.namespaces[t] === h.namespaces[t])),
        ) ?? null
      );
    }
    case "completed":
      return fresh(snapshot.containers.filter((c) => c.image === effect.image && c.state === "exited" && c.exitCode === 0))[0] ?? null;
    case "observation":
      return null;
  }
}

/** What a step changed, for the graph's highlight: the containers new since `before`, the namespaces new, who became PID 1. */
export interface StepDiff {
  newContainers: string[];
  /** `type:[inode]` of namespaces no container of `before` was in. */
  newNamespaces: string[];
  /** Containers of `after` that share a namespace with a container that was there before (they joined it). */
  joined: { containerId: string; hubId: string; shares: NamespaceType[] }[];
  /** Host PIDs that are PID 1 of their pid namespace now and were not before. */
  newPid1: number[];
}

export function diffSnapshots(before: Snapshot, after: Snapshot): StepDiff {
  const old = new Set(before.containers.map((c) => c.id));
  const added = after.containers.filter((c) => !old.has(c.id));
  const oldNs = new Set(before.namespaces.map((n) => n.id));
  const previous = after.containers.filter((c) => old.has(c.id) && c.state === "running");
  const joinedList = added.flatMap((c) => {
    const sharing = previous.filter((h) => SHARED_ORDER.some((t) => ownNs(after, h, t) && c.namespaces[t] === h.namespaces[t]));
    // The holder of the namespaces (the sandbox), not another member that joined it too.
    const holds = (h: Container) => (h.role === "sandbox" ? 0 : [h.modes.network, h.modes.ipc, h.modes.pid].some((m) => m.startsWith("container:")) ? 2 : 1);
    const hub = sharing.sort((a, b) => holds(a) - holds(b))[0];
    return hub ? [{ containerId: c.id, hubId: hub.id, shares: SHARED_ORDER.filter((t) => ownNs(after, hub, t) && c.namespaces[t] === hub.namespaces[t]) }] : [];
  });
  const oldPid1 = new Set(before.processes.filter(isPidNsInit).map((p) => p.pid));
  return {
    newContainers: added.map((c) => c.id),
    newNamespaces: after.namespaces.filter((n) => !oldNs.has(n.id) && !n.isHost).map((n) => n.id),
    joined: joinedList,
    newPid1: after.processes.filter((p) => isPidNsInit(p) && p.containerId !== null && !oldPid1.has(p.pid)).map((p) => p.pid),
  };
}

/** The steps of a catalogue entry: those of each of its pods, one pod after the other, numbered throughout. */
export function planEntrySteps(plans: readonly (readonly PlannedContainer[])[]): (Step & { pod: string })[] {
  return plans
    .flatMap((plan) => planSteps(plan).map((s) => ({ ...s, pod: plan[0]?.labels[LABEL_POD] ?? "" })))
    .map((s, index) => ({ ...s, index }));
}

/** The uid of a step-by-step instance, derived from its suffix (steps are run one request at a time: it must not change between them). */
export const stepUid = (suffix: string) => `00000000-0000-4000-8000-${suffix.padStart(12, "0").slice(-12)}`;
