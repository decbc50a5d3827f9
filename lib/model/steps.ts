/**
 * Step by step: a pod's plan (lib/model/pod-plan.ts, what `docker run` is told) cut into
 * steps a trainer runs one at a time in front of the class — each one real command shown
 * before it runs, one line saying what it will change, and the effect the snapshot will
 * show once it has run, whoever ran it and whatever names they chose where names don't
 * matter. The observations of the training material come as probe steps: `ps` in a member
 * (pause is PID 1), fetching the published port.
 *
 * Docker's plan is cut here; the CRI's and Podman's in runtime-steps.ts, into the same
 * Step shape with the same effects, checked the same way (effectSeen). Pure: no I/O.
 */
import { isPidNsInit } from "./pid-namespaces";
import { probeArgv } from "./pod-probes";
import { dockerRunScript, shellQuote } from "./docker-run-script";
import type { PlannedContainer } from "./pod-plan";
import { LABEL_POD, type Container, type ContainerRuntime, type NamespaceType, type Snapshot } from "./types";

/**
 * What the snapshot shows once a step has run, on `runtime` (the snapshot's containers carry
 * theirs). A sandbox is a container of the sandbox's image, or one the model recognised as a
 * pod's sandbox (Container.role, per runtime: our labels, Kubernetes', the CRI's or Podman's pods).
 */
export type StepEffect =
  /**
   * A running sandbox (see above) holding a net namespace of its own (not the host's) —
   * or, with hostNetwork, in the host's (a pod of hostNetwork: true); publishing this host
   * port when given.
   */
  | { type: "sandbox"; runtime: ContainerRuntime; image: string; hostPort: number | null; hostNetwork?: boolean }
  /** A running container of this image sharing these namespace types with a running sandbox. */
  | { type: "joins"; runtime: ContainerRuntime; image: string; sandboxImage: string; shares: NamespaceType[] }
  /** A container of this image that ran to completion (exit 0). */
  | { type: "completed"; runtime: ContainerRuntime; image: string }
  /** Nothing the snapshot shows: a probe reads, it changes nothing. */
  | { type: "observation" };

/** The effect of a container that holds namespaces of its own, or (hostNetwork) is in the host's network. */
export function sandboxEffect(runtime: ContainerRuntime, image: string, hostPort: number | null, hostNetwork: boolean): StepEffect {
  return { type: "sandbox", runtime, image, hostPort, ...(hostNetwork ? { hostNetwork: true } : {}) };
}

/** A file a step's command reads (crictl's JSON configs): written before the command, when typed. */
export interface StepFile {
  name: string;
  content: string;
}

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
  /** Files the command reads (the CRI's JSON configs), shown beside it; none for Docker and Podman. */
  files?: StepFile[];
}

/** A step of a catalogue entry: with the pod it belongs to. */
export type EntryStep = Step & { pod: string };

/** What running one step returned (POST /api/steps). */
export interface StepRun {
  step: EntryStep;
  /** The container (or CRI sandbox) created (container steps). */
  containerId: string | null;
  /** What a probe printed. */
  output: string | null;
  exitCode: number | null;
}

/** What to paste into a terminal for a step: its files written with here-documents, then its command. */
export function stepScript(step: Pick<Step, "command" | "files">): string {
  const files = (step.files ?? []).map((f) => `cat > ${shellQuote(f.name)} <<'EOF'\n${f.content}\nEOF`);
  return [...files, step.command].join("\n");
}

export const SHARED_ORDER: NamespaceType[] = ["net", "ipc", "pid", "uts"];

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

/** A member a probe runs in: the name the runtime knows it by, and its name within the pod. */
export interface ProbeMember {
  name: string;
  podName: string;
}

/**
 * The observations of the training material, as probe steps: `ps` in the first member that
 * joined the sandbox's pid namespace (the sandbox is PID 1 there), and a fetch of the
 * published port from inside the pod's net namespace. `exec` writes the runtime's command.
 */
export function probeSteps(opts: {
  exec: (container: string, argv: string[]) => string;
  /** The sandbox's name within the pod ("pause", Podman's "infra"). */
  sandbox: string;
  pidMember: ProbeMember | null | undefined;
  netMember: ProbeMember | null | undefined;
  port: { containerPort: number; hostIp: string; hostPort: number } | null;
}): Omit<Step, "index">[] {
  const steps: Omit<Step, "index">[] = [];
  const { pidMember, netMember, port } = opts;
  if (pidMember) {
    steps.push({
      kind: "probe-ps",
      title: `ps in ${pidMember.podName}`,
      command: opts.exec(pidMember.name, probeArgv({ probe: "ps", container: pidMember.name })),
      change: `Changes nothing: shows every process of the shared pid namespace, ${opts.sandbox} as PID 1.`,
      container: pidMember.name,
      effect: { type: "observation" },
    });
  }
  if (port && netMember) {
    steps.push({
      kind: "probe-fetch",
      title: `Fetch :${port.containerPort} from inside the pod`,
      command: opts.exec(netMember.name, probeArgv({ probe: "fetch", container: netMember.name, port: port.containerPort })),
      change: `Changes nothing: the page answers on :${port.containerPort} of the pod's net namespace, published on ${port.hostIp}:${port.hostPort}.`,
      container: netMember.name,
      port: port.containerPort,
      effect: { type: "observation" },
    });
  }
  return steps;
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
        ? sandboxEffect("docker", c.image, c.port?.hostPort ?? null, c.networkMode === "host")
        : c.kind === "init"
          ? { type: "completed", runtime: "docker", image: c.image }
          : sandbox && joined(c).length > 0
            ? { type: "joins", runtime: "docker", image: c.image, sandboxImage: sandbox.image, shares: joined(c) }
            : sandboxEffect("docker", c.image, null, c.networkMode === "host"),
  }));
  const pidMember = plan.find((c) => c.kind === "app" && c.pidMode?.startsWith("container:"));
  const netMember = plan.find((c) => c.kind === "app" && c.networkMode?.startsWith("container:"));
  if (sandbox) {
    steps.push(
      ...probeSteps({
        exec: (name, argv) => command(["exec", name, ...argv]),
        sandbox: sandbox.podName,
        pidMember: pidMember && { name: pidMember.name, podName: pidMember.podName },
        netMember: netMember && { name: netMember.name, podName: netMember.podName },
        port: sandbox.port,
      }),
    );
  }
  return steps.map((s, index) => ({ ...s, index }));
}

// ---------------------------------------------------------------------------------------

const runningOn = (s: Snapshot, runtime: ContainerRuntime) => s.containers.filter((c) => c.runtime === runtime && c.state === "running" && c.pid !== null);
/**
 * One image under the names runtimes give it: Podman reports an image loaded from Docker as
 * `localhost/<name>`, containerd may report the registry's full name (`docker.io/library/…`).
 */
export function sameImage(a: string, b: string): boolean {
  const bare = (ref: string) => ref.replace(/^(localhost|docker\.io)\//, "").replace(/^library\//, "");
  return bare(a) === bare(b);
}
/** The sandbox of a pod: of the sandbox's image, or recognised as one by the model (per runtime, see Container.role). */
const isSandbox = (c: Container, image: string) => sameImage(c.image, image) || c.role === "sandbox";
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
        fresh(runningOn(snapshot, effect.runtime)).find(
          (c) =>
            isSandbox(c, effect.image) &&
            (effect.hostNetwork ? c.namespaces.net === snapshot.host.namespaces.net : ownNs(snapshot, c, "net")) &&
            (effect.hostPort === null || c.ports.some((p) => p.hostPort === effect.hostPort)),
        ) ?? null
      );
    case "joins": {
      const hubs = runningOn(snapshot, effect.runtime).filter((c) => isSandbox(c, effect.sandboxImage));
      return (
        fresh(runningOn(snapshot, effect.runtime).filter((c) => sameImage(c.image, effect.image))).find((c) =>
          hubs.some((h) => h.id !== c.id && effect.shares.every((t) => ownNs(snapshot, h, t) && c.namespaces[t] === h.namespaces[t])),
        ) ?? null
      );
    }
    case "completed":
      return fresh(snapshot.containers.filter((c) => c.runtime === effect.runtime && sameImage(c.image, effect.image) && c.state === "exited" && c.exitCode === 0))[0] ?? null;
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
export function planEntrySteps(plans: readonly (readonly PlannedContainer[])[]): EntryStep[] {
  return plans
    .flatMap((plan) => planSteps(plan).map((s) => ({ ...s, pod: plan[0]?.labels[LABEL_POD] ?? "" })))
    .map((s, index) => ({ ...s, index }));
}

/** The uid of a step-by-step instance, derived from its suffix (steps are run one request at a time: it must not change between them). */
export const stepUid = (suffix: string) => `00000000-0000-4000-8000-${suffix.padStart(12, "0").slice(-12)}`;
