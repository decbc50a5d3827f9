/**
 * The Docker engine's `/events` stream, reshaped into Pod Anatomy's own types, and what is
 * built from it: the live messages sent to the browser (server-sent events) and a pod's
 * timeline. Pure: text and facts in, data out; no I/O.
 *
 * A raw engine message (API 1.41) looks like
 *   {"status":"die","id":"d3a7…","from":"pause","Type":"container","Action":"die",
 *    "Actor":{"ID":"d3a7…","Attributes":{"exitCode":"137","image":"…","name":"web", <labels>}},
 *    "scope":"local","time":1795323345,"timeNano":1795323345240333098}
 * `Attributes` mixes the container's labels with name, image, exitCode (die) and signal (kill).
 */
import { z } from "zod";
import { LABEL_POD, type Container, type NamespaceType, type Pod } from "./types";

// ---------------------------------------------------------------------------------------
// Container events
// ---------------------------------------------------------------------------------------

/** The container actions Pod Anatomy follows: every change of a container's existence or state (no exec_*, no health). */
export const CONTAINER_ACTIONS = ["create", "start", "restart", "pause", "unpause", "kill", "die", "oom", "stop", "rename", "destroy"] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** One container event, as Pod Anatomy carries it (server → browser, and into the timeline). */
export interface ContainerEvent {
  /**
   * The engine's `timeNano`, exactly, as decimal digits: nanoseconds since the epoch do not
   * fit a JavaScript number's 53 bits, and `since` on reconnect must be exact.
   */
  timeNano: string;
  /** Milliseconds since the epoch, from timeNano (microsecond precision): for display and arithmetic. */
  time: number;
  action: ContainerAction;
  /** Full 64-hex container id (Actor.ID). */
  containerId: string;
  /** The container's name at the time of the event, without the leading slash. */
  name: string;
  /** The image reference the container was created from. */
  image: string;
  /** The exit code of the container's init process, on `die`; otherwise null. */
  exitCode: number | null;
  /** The signal sent, on `kill` (e.g. "9", "15"); otherwise null. */
  signal: string | null;
  /** The container's labels (Attributes minus name, image, exitCode, signal, oldName). */
  labels: Record<string, string>;
}

const DIGITS = /^\d{1,20}$/;

const ContainerEventSchema: z.ZodType<ContainerEvent> = z.object({
  timeNano: z.string().regex(DIGITS),
  time: z.number(),
  action: z.enum(CONTAINER_ACTIONS),
  containerId: z.string().min(1),
  name: z.string(),
  image: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
});

/** The fields of a raw engine message Pod Anatomy reads; everything else is ignored. */
const RawEngineMessage = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string().min(1), Attributes: z.record(z.string(), z.string()).nullish() }),
  // Not .int(): zod's int() means a safe integer, and nanoseconds since the epoch are beyond 2^53.
  timeNano: z.number().nonnegative().refine(Number.isInteger, "an integer"),
});

/** Attribute keys that are facts about the event, not labels. */
const NOT_LABELS = new Set(["name", "image", "exitCode", "signal", "oldName"]);

export type ParsedEngineLine =
  | { kind: "event"; event: ContainerEvent }
  /** A well-formed message Pod Anatomy does not follow (another Type, an exec_* or health action). */
  | { kind: "ignored" }
  /** Not JSON, or not an engine event: worth a counted warning. */
  | { kind: "invalid"; reason: string };

/** Milliseconds (with microseconds as the fraction) from exact nanoseconds. */
function nanosToMillis(timeNano: string): number {
  return timeNano.length <= 3 ? 0 : Number(timeNano.slice(0, -3)) / 1000;
}

/**
 * The exact digits of the top-level `timeNano`: JSON.parse rounds a 19-digit integer to the
 * nearest representable double (±128 ns). A quote inside a JSON string is always escaped, so
 * `"timeNano":` with bare quotes can only be a key; the parsed value cross-checks it.
 */
function exactTimeNano(line: string, parsed: number): string {
  for (const m of line.matchAll(/"timeNano":(\d{1,20})(?=[,}\s])/g)) {
    if (Math.abs(Number(m[1]) - parsed) <= 1024) return m[1]!;
  }
  return BigInt(parsed).toString();
}

/** Parse one line of the engine's `/events` stream. */
export function parseEngineEventLine(line: string): ParsedEngineLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "invalid", reason: `not JSON: ${line.slice(0, 80)}` };
  }
  const raw = RawEngineMessage.safeParse(json);
  if (!raw.success) {
    return { kind: "invalid", reason: `not an engine event: ${raw.error.issues[0]?.path.join(".")} ${raw.error.issues[0]?.message}` };
  }
  const { Type, Action, Actor, timeNano } = raw.data;
  if (Type !== "container" || !(CONTAINER_ACTIONS as readonly string[]).includes(Action)) return { kind: "ignored" };
  const attributes = Actor.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!NOT_LABELS.has(k)) labels[k] = v;
  const exact = exactTimeNano(line, timeNano);
  const exit = attributes.exitCode !== undefined && /^-?\d+$/.test(attributes.exitCode) ? Number(attributes.exitCode) : null;
  return {
    kind: "event",
    event: {
      timeNano: exact,
      time: nanosToMillis(exact),
      action: Action as ContainerAction,
      containerId: Actor.ID,
      name: (attributes.name ?? "").replace(/^\//, ""),
      image: attributes.image ?? "",
      exitCode: Action === "die" ? exit : null,
      signal: Action === "kill" ? (attributes.signal ?? null) : null,
      labels,
    },
  };
}

/** Order of two exact timeNano strings (no leading zeros): negative, zero or positive. */
export function compareTimeNano(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The engine's `since` parameter for exact nanoseconds: `seconds.nanoseconds`. */
export function sinceParam(timeNano: string): string {
  const padded = timeNano.padStart(10, "0");
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** How far before the last event a reconnect asks the engine to replay from (see EventCursor). */
const RESUME_OVERLAP_NANOS = 1_000_000_000n;

/**
 * Where to resume the stream after a reconnect, and which replayed events were already seen.
 *
 * The engine timestamps an event before it publishes it, so two events logged at nearly the
 * same moment can arrive in the opposite order of their timeNano. Resuming exactly at the
 * last timeNano could then skip one; so a reconnect asks for a second more than needed and
 * the cursor drops what it has already seen (it remembers the last `memory` events).
 */
export class EventCursor {
  private latest: string | null = null;
  private readonly seen = new Set<string>();

  constructor(private readonly memory = 1024) {}

  /** True when the event is new; false for one replayed after a reconnect. */
  accept(e: ContainerEvent): boolean {
    const key = `${e.timeNano}/${e.containerId}/${e.action}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.memory) this.seen.delete(this.seen.values().next().value!);
    if (this.latest === null || compareTimeNano(e.timeNano, this.latest) > 0) this.latest = e.timeNano;
    return true;
  }

  /** The timeNano to reconnect `since` (the engine includes it), or null before any event. */
  resumeFrom(): string | null {
    if (this.latest === null) return null;
    const from = BigInt(this.latest) - RESUME_OVERLAP_NANOS;
    return (from > 0n ? from : 0n).toString();
  }
}

// ---------------------------------------------------------------------------------------
// The server's bounded history of events, per container
// ---------------------------------------------------------------------------------------

/** How a container joined others' namespaces: HostConfig's modes, e.g. "container:<id>". */
export interface JoinModes {
  network: string;
  ipc: string;
  pid: string;
}

/** What the server remembers about one container, for the timeline. */
export interface ContainerRecord {
  containerId: string;
  /** Name, image and labels from its latest event. */
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Its modes, read from the engine when it was created; null when not read (created before the server followed the engine, or gone too fast). */
  modes: JoinModes | null;
  /** Its events, oldest first. Bounded: when full, the oldest after the first is dropped (the first is usually `create`). */
  events: ContainerEvent[];
}

/**
 * A bounded memory of container events: at most `maxContainers` containers (the least
 * recently changed is forgotten first), at most `maxEvents` events each.
 */
export class EventHistory {
  private readonly byId = new Map<string, ContainerRecord>();

  constructor(
    readonly maxContainers = 512,
    readonly maxEvents = 32,
  ) {}

  add(e: ContainerEvent): void {
    const record = this.byId.get(e.containerId) ?? {
      containerId: e.containerId,
      name: e.name,
      image: e.image,
      labels: e.labels,
      modes: null,
      events: [],
    };
    this.byId.delete(e.containerId); // re-inserted last: Map order is least recently changed first
    if (e.name) record.name = e.name;
    if (e.image) record.image = e.image;
    if (Object.keys(e.labels).length > 0) record.labels = e.labels;
    record.events.push(e);
    if (record.events.length > this.maxEvents) record.events.splice(1, 1);
    this.byId.set(e.containerId, record);
    if (this.byId.size > this.maxContainers) this.byId.delete(this.byId.keys().next().value!);
  }

  setModes(containerId: string, modes: JoinModes): void {
    const record = this.byId.get(containerId);
    if (record) record.modes = modes;
  }

  get(containerId: string): ContainerRecord | undefined {
    return this.byId.get(containerId);
  }

  records(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** Time (ms) of the oldest event still held, or null when none. */
  oldestTime(): number | null {
    let oldest: number | null = null;
    for (const r of this.byId.values()) {
      const t = r.events[0]?.time;
      if (t !== undefined && (oldest === null || t < oldest)) oldest = t;
    }
    return oldest;
  }
}

// ---------------------------------------------------------------------------------------
// Live messages: what GET /api/events sends (server-sent events)
// ---------------------------------------------------------------------------------------

/** Reconnect delays: doubling from initialMs, at most maxMs. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The delay before attempt `failures + 1` (failures ≥ 1). */
export function backoffDelay(failures: number, b: Backoff): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, failures - 1));
}

/** The server's connection to the engine's event stream. */
export type EngineFeed =
  | { state: "connecting" }
  /** Following: events arrive as they happen. */
  | { state: "following" }
  /** The engine is not answering; the next attempt is in retryInMs. reason says why. */
  | { state: "reconnecting"; failures: number; retryInMs: number; reason: string };

export type LiveMessage =
  /** `event: container` — one Docker container changed (the engine's own event). */
  | { type: "container"; event: ContainerEvent }
  /** `event: runtime` — a container or sandbox of another runtime (the CRI, Podman) changed. */
  | { type: "runtime"; runtime: string; containerId: string; action: string }
  /**
   * `event: feed` — sent on connect and whenever the server's feed of one runtime's changes
   * (`runtime`: its id, "docker" for the engine) changes state; subscribers counts the open streams.
   */
  | { type: "feed"; runtime: string; feed: EngineFeed; subscribers: number };

const EngineFeedSchema: z.ZodType<EngineFeed> = z.discriminatedUnion("state", [
  z.object({ state: z.literal("connecting") }),
  z.object({ state: z.literal("following") }),
  z.object({ state: z.literal("reconnecting"), failures: z.number().int(), retryInMs: z.number(), reason: z.string() }),
]);
const FeedPayload = z.object({ runtime: z.string(), feed: EngineFeedSchema, subscribers: z.number().int().nonnegative() });
const RuntimePayload = z.object({ runtime: z.string(), containerId: z.string().min(1), action: z.string() });

/** One server-sent event: `event: <type>` and the message as JSON on one `data:` line. */
export function toSseFrame(message: LiveMessage): string {
  const { type, ...rest } = message;
  const payload = type === "container" ? message.event : rest;
  return `event: ${message.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Parse the data of a server-sent event of the given type (the browser's boundary); null when malformed. */
export function parseLiveMessage(type: string, data: string): LiveMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (type === "container") {
    const parsed = ContainerEventSchema.safeParse(json);
    return parsed.success ? { type: "container", event: parsed.data } : null;
  }
  if (type === "feed") {
    const parsed = FeedPayload.safeParse(json);
    return parsed.success ? { type: "feed", ...parsed.data } : null;
  }
  if (type === "runtime") {
    const parsed = RuntimePayload.safeParse(json);
    return parsed.success ? { type: "runtime", ...parsed.data } : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// A pod's timeline
// ---------------------------------------------------------------------------------------

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
  /** From the engine's event: exact nanoseconds, and milliseconds. */
  timeNano: string;
  time: number;
  title: string;
  /** What happened, in a sentence or two a trainer can read out. */
  detail: string;
  namespaces: TimelineNamespace[];
  /** On `exited`: the exit code; otherwise null. */
  exitCode: number | null;
  /** Where each fact comes from: the engine's event, HostConfig fields, /proc paths. */
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
const JOINABLE: { type: NamespaceType; mode: keyof JoinModes; field: string; what: string }[] = [
  { type: "net", mode: "network", field: "HostConfig.NetworkMode", what: "localhost, interfaces and ports" },
  { type: "ipc", mode: "ipc", field: "HostConfig.IpcMode", what: "System V IPC and POSIX message queues" },
  { type: "pid", mode: "pid", field: "HostConfig.PidMode", what: "the process list (ps shows the sandbox's process as PID 1)" },
];

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

/** Does a `container:<ref>` mode name this container (full id, name, or an id prefix of 12 or more)? */
function joins(mode: string, target: { id: string; name: string }): boolean {
  if (!mode.startsWith("container:")) return false;
  const ref = mode.slice("container:".length);
  return ref === target.id || ref === target.name || (ref.length >= 12 && target.id.startsWith(ref));
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
    (sandboxLabels["io.kubernetes.pod.uid"] !== undefined && labels["io.kubernetes.pod.uid"] === sandboxLabels["io.kubernetes.pod.uid"]);
  const modesOf = (id: string): JoinModes | null => {
    const c = byId.get(id);
    return c ? { network: c.modes.network, ipc: c.modes.ipc, pid: c.modes.pid } : (recordOf.get(id)?.modes ?? null);
  };

  const memberIds = new Set(pod.memberIds);
  for (const r of records) {
    if (r.containerId === pod.sandboxId || memberIds.has(r.containerId)) continue;
    const modes = modesOf(r.containerId);
    const joined = modes !== null && JOINABLE.some((j) => joins(modes[j.mode], sandboxRef));
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
      steps.push(...(id === pod.sandboxId ? sandboxSteps(e, running, byId.get(id)) : memberSteps(e, running, modesOf(id), sandboxRef)));
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
    sources: [`docker events: container ${e.action}`],
    ...rest,
  };
}

function kernelNamespace(c: Container, type: NamespaceType): { ns: TimelineNamespace; source: string } {
  const inode = c.namespaces[type];
  return { ns: { type, id: inode === undefined ? null : `${type}:[${inode}]` }, source: `/proc/${c.pid}/ns/${type}` };
}

const list = (types: NamespaceType[]) => types.join(", ");

/** Exit and removal read the same for sandboxes and members. */
function endSteps(e: ContainerEvent, role: TimelineStep["role"]): TimelineStep[] {
  if (e.action === "die") {
    const after =
      role === "sandbox"
        ? " The pod's namespaces live on only while some process is still in them."
        : " The sandbox and its namespaces are not affected.";
    return [step(e, role, "exited", { title: `${e.name} exited`, detail: `Its init process ended: ${describeExit(e.exitCode)}.${after}`, exitCode: e.exitCode })];
  }
  if (e.action === "destroy") {
    return [step(e, role, "removed", { title: `${e.name} removed`, detail: "The engine deleted the container: its filesystem layer and its record are gone." })];
  }
  return [];
}

function sandboxSteps(e: ContainerEvent, running: Container | undefined, current: Container | undefined): TimelineStep[] {
  if (e.action === "create") {
    return [
      step(e, "sandbox", "sandbox-created", {
        title: `Sandbox ${e.name} created`,
        detail: `The engine created the pod's infra ("pause") container from ${e.image}. Nothing runs yet: no process, no namespaces.`,
      }),
    ];
  }
  if (e.action === "start") {
    let namespaces: TimelineNamespace[];
    const sources = [`docker events: container start`];
    if (running) {
      const types = POD_STORY_TYPES.filter((t) => running.own.includes(t));
      const read = types.map((t) => kernelNamespace(running, t));
      namespaces = read.map((r) => r.ns);
      sources.push(...read.map((r) => r.source));
    } else {
      // No longer running (or restarted since): which namespaces were new follows from its modes.
      const m = current?.modes;
      const isNew = (mode: string) => mode !== "host" && !mode.startsWith("container:");
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
      if (m) sources.push("HostConfig.NetworkMode, IpcMode, PidMode, UTSMode");
    }
    const types = namespaces.map((n) => n.type);
    return [
      step(e, "sandbox", "namespaces-created", {
        title: `${e.name} started: the pod's namespaces are created`,
        detail:
          types.length > 0
            ? `Its process became PID 1 of new namespaces — ${list(types)}. The kernel created them for it; the pod's other containers join its net, ipc and pid.`
            : "Its process started; the kernel created its new namespaces.",
        namespaces,
        sources,
      }),
    ];
  }
  return endSteps(e, "sandbox");
}

function memberSteps(e: ContainerEvent, running: Container | undefined, modes: JoinModes | null, sandbox: { id: string; name: string }): TimelineStep[] {
  const byModes = modes ? JOINABLE.filter((j) => joins(modes[j.mode], sandbox)) : [];
  if (e.action === "create") {
    const how = byModes.map((j) => `${j.field}=container:${sandbox.name}`).join(", ");
    return [
      step(e, "member", "created", {
        title: `${e.name} created`,
        detail: how ? `Created to join ${sandbox.name}: ${how}.` : `Created in the pod of ${sandbox.name}.`,
        sources: [`docker events: container create`, ...(byModes.length > 0 ? byModes.map((j) => j.field) : [])],
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
          sources: [`docker events: container start`, ...(running ? read.map((r) => r.source) : joined.map((j) => j.field))],
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
        sources: [`docker events: container start`, ...read.map((r) => r.source)],
      }),
    );
    return out;
  }
  return endSteps(e, "member");
}
