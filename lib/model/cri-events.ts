/**
 * The CRI has no event stream: Pod Anatomy polls ListPodSandbox + ListContainers every
 * second (lib/server/runtimes/cri/adapter.ts). This is the pure part of that poll: what two
 * polls differ by (a sandbox or container new, changed state, gone), and the ContainerEvents
 * that tells for the pods' timelines, timed by the CRI itself wherever it says when:
 *
 *   - a container: created_at (ListContainers), started_at, finished_at and exit_code
 *     (ContainerStatus, asked once for a container that changed);
 *   - a sandbox: created_at (ListPodSandbox). RunPodSandbox creates and starts the sandbox
 *     in one call: its `create` and `start` both carry created_at.
 *
 * What the CRI gives no time for (a sandbox stopping, anything removed, a container that
 * went before its status could be asked) is timed by the poll that saw it, and says so.
 *
 * Pure: no I/O.
 */
import { nanosToMillis, type ContainerAction, type ContainerEvent } from "./engine-events";
import { criModes, sandboxName, type CriContainer, type CriContainerStatusResponse, type CriNamespaceOption, type CriPodSandbox } from "./cri-facts";
import type { JoinModes } from "./event-history";

/** How often the adapter polls, for the wording of the sources. */
export const CRI_POLL_MS = 1_000;
const POLL = `poll, ${CRI_POLL_MS / 1000} s`;

/** What one poll saw of a sandbox or a container. */
export interface CriSeen {
  kind: "sandbox" | "container";
  id: string;
  /** The CRI's word: SANDBOX_READY, CONTAINER_RUNNING, … */
  state: string;
  /** A sandbox: `<pod>-POD` (as in ContainerFacts); a container: metadata.name. */
  name: string;
  /** Nanoseconds since the epoch, decimal ("0" when unset). */
  createdAt: string;
  labels: Record<string, string>;
  /** A container's image as created (a sandbox's is not in the list). */
  image: string;
  /** A container's sandbox (pod_sandbox_id); a sandbox: its own id. */
  sandboxId: string;
}

/** One poll's sandboxes and containers, by id. */
export function criSeen(sandboxes: readonly CriPodSandbox[], containers: readonly CriContainer[]): Map<string, CriSeen> {
  const out = new Map<string, CriSeen>();
  for (const s of sandboxes) {
    out.set(s.id, {
      kind: "sandbox",
      id: s.id,
      state: s.state,
      name: sandboxName(s.metadata?.name ?? s.id.slice(0, 12)),
      createdAt: s.created_at || "0",
      labels: { ...(s.labels ?? {}) },
      image: "",
      sandboxId: s.id,
    });
  }
  for (const c of containers) {
    out.set(c.id, {
      kind: "container",
      id: c.id,
      state: c.state,
      name: c.metadata?.name ?? c.id.slice(0, 12),
      createdAt: c.created_at || "0",
      labels: { ...(c.labels ?? {}) },
      image: c.image?.image ?? "",
      sandboxId: c.pod_sandbox_id,
    });
  }
  return out;
}

/** One difference between two polls: `before` absent when new, `now` absent when gone. */
export interface CriPollChange {
  id: string;
  /** "create", "destroy", or the new state in a word ("running", "exited", "notready", "ready"). */
  action: string;
  before?: CriSeen;
  now?: CriSeen;
}

/** What changed from one poll to the next: the new, then those whose state changed, then the gone. */
export function criPollChanges(before: ReadonlyMap<string, CriSeen>, now: ReadonlyMap<string, CriSeen>): CriPollChange[] {
  const out: CriPollChange[] = [];
  for (const [id, seen] of now) {
    const was = before.get(id);
    if (was === undefined) out.push({ id, action: "create", now: seen });
    else if (was.state !== seen.state) out.push({ id, action: seen.state.toLowerCase().replace(/^(container|sandbox)_/, ""), before: was, now: seen });
  }
  for (const [id, was] of before) if (!now.has(id)) out.push({ id, action: "destroy", before: was });
  return out;
}

/** What the adapter asked of the CRI about one change (one bounded call): a container's status; a new sandbox's image. */
export interface CriChangeDetail {
  /** ContainerStatus of a container new or changed; null when it was gone by then (NOT_FOUND). */
  status?: CriContainerStatusResponse["status"] | null;
  /** A new sandbox's image (PodSandboxStatus verbose info.image). */
  sandboxImage?: string;
}

const isSet = (nanos: string | undefined): nanos is string => nanos !== undefined && /^[1-9]\d*$/.test(nanos);

/**
 * The events one change tells, oldest first. A container new at this poll may have started
 * and even exited meanwhile: each step its status times is told. `observedAt`: this poll's
 * time (ns), for what the CRI gives no time of.
 */
export function criChangeEvents(change: CriPollChange, detail: CriChangeDetail, observedAt: string): ContainerEvent[] {
  const seen = change.now ?? change.before!;
  const list = seen.kind === "sandbox" ? "ListPodSandbox" : "ListContainers";
  const event = (action: ContainerAction, timeNano: string, source: string, exitCode: number | null = null): ContainerEvent => ({
    timeNano,
    time: nanosToMillis(timeNano),
    action,
    containerId: seen.id,
    name: seen.name,
    // The list's image, as ContainerFacts has it (ContainerStatus gives it normalised, docker.io/…).
    image: seen.kind === "sandbox" ? (detail.sandboxImage ?? "") : seen.image || (status?.image?.image ?? ""),
    exitCode,
    signal: null,
    labels: seen.labels,
    runtime: "cri",
    source,
  });
  const status = detail.status ?? null;

  if (!change.now) {
    const out: ContainerEvent[] = [];
    // Running at the last poll and gone at this one: it ended between the two, unseen.
    if (change.before && (change.before.state === "CONTAINER_RUNNING" || change.before.state === "SANDBOX_READY")) {
      out.push(event("die", observedAt, `CRI ${list} (${POLL}): ${change.before.state} before, no longer listed (its end not seen: timed by this poll, exit code unknown)`));
    }
    out.push(event("destroy", observedAt, `CRI ${list} (${POLL}): no longer listed (the CRI gives no time: timed by this poll)`));
    return out;
  }

  const now = change.now;
  const out: ContainerEvent[] = [];
  const isNew = !change.before;
  if (now.kind === "sandbox") {
    const created = isSet(now.createdAt) ? now.createdAt : observedAt;
    if (isNew) {
      out.push(event("create", created, `CRI ${list} (${POLL}): new sandbox, created_at`));
      out.push(event("start", created, `CRI ${list} (${POLL}): ${now.state}, created_at (RunPodSandbox creates and starts the sandbox in one call)`));
    }
    if (now.state === "SANDBOX_NOTREADY" && (isNew || change.before!.state === "SANDBOX_READY")) {
      out.push(event("die", observedAt, `CRI ${list} (${POLL}): state SANDBOX_NOTREADY (the CRI gives no time: timed by this poll)`));
    }
    return out;
  }

  // A container: its status times each step; without one (gone meanwhile), the list's state and this poll.
  const state = status?.state ?? now.state;
  const from = status ? "ContainerStatus" : list;
  const created = isSet(status?.created_at) ? status.created_at : isSet(now.createdAt) ? now.createdAt : observedAt;
  const wasCreated = !isNew && change.before!.state === "CONTAINER_CREATED";
  if (isNew) out.push(event("create", created, `CRI ${list} (${POLL}): new container ${now.state}, created_at`));
  const started = isSet(status?.started_at) ? status.started_at : null;
  const ran = state === "CONTAINER_RUNNING" || (state === "CONTAINER_EXITED" && started !== null);
  if ((isNew || wasCreated) && ran) {
    out.push(
      started
        ? event("start", started, `CRI ${from} (${POLL}): state ${state}, started_at`)
        : event("start", observedAt, `CRI ${list} (${POLL}): state ${state} (no started_at: timed by this poll)`),
    );
  }
  if (state === "CONTAINER_EXITED" && (isNew || change.before!.state !== "CONTAINER_EXITED")) {
    const finished = isSet(status?.finished_at) ? status.finished_at : null;
    const code = status ? status.exit_code : null;
    out.push(
      finished
        ? event("die", finished, `CRI ${from} (${POLL}): state CONTAINER_EXITED, finished_at, exit_code ${code}`, code)
        : event("die", observedAt, `CRI ${list} (${POLL}): state CONTAINER_EXITED (no finished_at: timed by this poll)`, code),
    );
  }
  return out;
}

/** A container's modes from its sandbox's NamespaceOption (cri-facts.ts criModes), none without one. */
export function criJoinModes(options: CriNamespaceOption | null | undefined): JoinModes | null {
  return options ? criModes(options) : null;
}
