/**
 * Podman's libpod API answers reshaped into Pod Anatomy's own types, at one edge: the pod
 * and container lists (+ each container's inspect) → ContainerFacts with `pod` set,
 * /libpod/version → RuntimeStatus, and the errors of asking it → RuntimeFailure with what
 * to do. Pure: JSON in, facts out (lib/server/runtimes/podman/ does the asking).
 *
 * Field by field, as Podman 4.3.1 answers (recorded in test/fixtures/podman/*.json by
 * scripts/record-podman-fixtures.ts).
 */
import { exactTimeNano, nanosToMillis, type ContainerAction, type ContainerEvent } from "./engine-events";
import type { JoinModes } from "./event-history";
import type { ContainerFacts, PortBinding, RuntimeFailure, RuntimeStatus } from "./types";

// ---------------------------------------------------------------------------------------
// Wire types: only the fields read
// ---------------------------------------------------------------------------------------

/** One entry of GET /libpod/pods/json. */
export interface LibpodPodListEntry {
  /** The pod's 64-hex id (also the name of its cgroup under the cgroup parent). */
  Id: string;
  Name: string;
  /** "Created", "Running", "Degraded" (some running), "Stopped", "Exited", "Dead", "Paused", "Error". */
  Status: string;
  /** The infra container's id; "" for a pod made with --infra=false. */
  InfraId: string;
  /** The pod's cgroup parent, e.g. "/libpod_parent" or "/pod-web". */
  Cgroup?: string;
  Labels?: Record<string, string> | null;
  Created?: string;
  Containers?: { Id: string; Names: string; Status: string }[] | null;
}

/** A published port of GET /libpod/containers/json: `range` consecutive ports from each start. */
export interface LibpodPortMapping {
  host_ip: string;
  container_port: number;
  host_port: number;
  range?: number;
  protocol: string;
}

/** One entry of GET /libpod/containers/json?all=true. */
export interface LibpodContainerListEntry {
  Id: string;
  /** Names (without slash); the first is the name. */
  Names: string[];
  /** The image as given at creation, e.g. "localhost/podman-pause:4.3.1-0". */
  Image: string;
  /** The image id, 64 hex without "sha256:". */
  ImageID: string;
  /** created, running, paused, stopped, exited, … */
  State: string;
  /** Host PID of its init process; 0 when not running. */
  Pid: number;
  /** ISO time. */
  Created: string;
  ExitCode: number;
  Exited: boolean;
  IsInfra: boolean;
  /** The pod's id, "" outside a pod. */
  Pod: string;
  PodName: string;
  Labels?: Record<string, string> | null;
  /** The pod's published ports, on every container of the pod (they share the infra's network namespace). */
  Ports?: LibpodPortMapping[] | null;
}

/** GET /libpod/containers/<id>/json, the fields read: the namespace modes and the cgroup parent. */
export interface LibpodContainerInspect {
  Id: string;
  /** The image as given (the list's Image is the same). */
  ImageName?: string;
  State?: { Status?: string; Pid?: number; ExitCode?: number; StartedAt?: string; FinishedAt?: string };
  /** Its volumes and bind mounts ("volume" with the volume's Name, "bind" with its Source). */
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string }[] | null;
  HostConfig?: {
    /** "bridge", "host", "none", "container:<id>", "slirp4netns", … */
    NetworkMode?: string;
    /** "shareable", "private", "host", "container:<id>", … */
    IpcMode?: string;
    /** "private", "host", "container:<id>". */
    PidMode?: string;
    /** "private", "host", "container:<id>" (Podman can share uts, unlike Docker). */
    UTSMode?: string;
    /** "/libpod_parent/<pod id>" in a pod (cgroupfs manager), "/libpod_parent" outside one. */
    CgroupParent?: string;
  };
}

/** GET /libpod/version. */
export interface LibpodVersion {
  Version?: string;
  /** The Docker-compatible API version (1.41): not libpod's. */
  ApiVersion?: string;
  Components?: { Name: string; Version: string; Details?: { APIVersion?: string; MinAPIVersion?: string; BuildTime?: string } }[];
}

// ---------------------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------------------

/** `range` consecutive ports of a mapping, as our PortBindings. */
function portBindings(mappings: readonly LibpodPortMapping[]): PortBinding[] {
  const out: PortBinding[] = [];
  for (const m of mappings) {
    const n = Math.max(1, Math.min(m.range ?? 1, 1024));
    for (let i = 0; i < n; i++) {
      out.push({ containerPort: m.container_port + i, protocol: m.protocol, hostIp: m.host_ip || "0.0.0.0", hostPort: m.host_port + i });
    }
  }
  return out;
}

const isoOrEmpty = (s: string | undefined) => s ?? "";

/** Podman states that mean the container ran and ended (its exit code is meaningful). */
const ENDED = new Set(["exited", "stopped"]);

/**
 * Every container (infra included) as ContainerFacts with runtime "podman". `inspects` holds
 * the inspect of the containers it could be had for (modes, cgroup parent): without it
 * those are "". A pod's published ports are reported on the container that holds the
 * network namespace (the infra container), not on the members that join it.
 */
export function podmanContainerFacts(
  pods: readonly LibpodPodListEntry[],
  containers: readonly LibpodContainerListEntry[],
  inspects: ReadonlyMap<string, LibpodContainerInspect>,
): ContainerFacts[] {
  const podById = new Map(pods.map((p) => [p.Id, p]));
  return containers.map((c): ContainerFacts => {
    const hc = inspects.get(c.Id)?.HostConfig ?? {};
    const networkMode = hc.NetworkMode ?? "";
    const pod = c.Pod ? podById.get(c.Pod) : undefined;
    const joinsNetwork = networkMode.startsWith("container:");
    const facts: ContainerFacts = {
      id: c.Id,
      name: c.Names[0] ?? c.Id.slice(0, 12),
      image: c.Image,
      imageId: c.ImageID ? `sha256:${c.ImageID.replace(/^sha256:/, "")}` : "",
      state: c.State,
      pid: c.State === "running" && c.Pid > 0 ? c.Pid : null,
      created: isoOrEmpty(c.Created),
      networkMode,
      ipcMode: hc.IpcMode ?? "",
      pidMode: hc.PidMode ?? "",
      utsMode: hc.UTSMode ?? "",
      cgroupParent: hc.CgroupParent ?? "",
      labels: { ...(c.Labels ?? {}) },
      ports: joinsNetwork ? [] : portBindings(c.Ports ?? []),
      discoveredBy: "engine",
      runtime: "podman",
    };
    if (ENDED.has(c.State) || c.Exited) facts.exitCode = c.ExitCode;
    const inspect = inspects.get(c.Id);
    const started = realTime(inspect?.State?.StartedAt);
    const finished = realTime(inspect?.State?.FinishedAt);
    if (started) facts.startedAt = started;
    if (finished) facts.finishedAt = finished;
    if (inspect?.Mounts) {
      facts.mounts = inspect.Mounts.map((m) => ({ type: m.Type ?? "", source: (m.Type === "volume" ? m.Name : m.Source) ?? "", destination: m.Destination ?? "" }));
    }
    if (c.Pod) {
      const sandboxId = pod?.InfraId ?? "";
      facts.pod = {
        sandboxId,
        isSandbox: c.IsInfra || (sandboxId !== "" && c.Id === sandboxId),
        name: pod?.Name ?? c.PodName,
        namespace: null,
        uid: null,
        attempt: null,
        state: pod?.Status ?? "",
      };
    }
    return facts;
  });
}

// ---------------------------------------------------------------------------------------
// Status and errors
// ---------------------------------------------------------------------------------------

const STATUS_BASE = { id: "podman", kind: "podman", runtime: "podman", name: "Podman", node: null } as const;

/** RuntimeStatus of a service that answered /libpod/version. apiVersion: libpod's (the Podman Engine component's). */
export function podmanStatusOk(version: LibpodVersion, endpoint: string): RuntimeStatus {
  const engine = version.Components?.find((c) => c.Name === "Podman Engine");
  return {
    ...STATUS_BASE,
    endpoint,
    state: "ok",
    version: version.Version ?? engine?.Version ?? null,
    apiVersion: engine?.Details?.APIVersion ?? version.Version ?? null,
    reason: null,
    message: null,
    hint: null,
  };
}

/**
 * RuntimeStatus of a service that answered /libpod/_ping, from its headers: Libpod-Api-Version
 * (libpod's API version, the Podman version) and Server ("Libpod/4.3.1 (linux)"). A server
 * without Libpod-Api-Version is not a libpod service.
 */
export function podmanStatusFromPing(headers: Readonly<Record<string, string>>, endpoint: string): RuntimeStatus {
  const api = headers["libpod-api-version"];
  if (!api) return podmanStatusUnreachable(explainPodmanError({ status: 404, message: "no Libpod-Api-Version header" }, endpoint), endpoint);
  const server = /Libpod\/([\w.+-]+)/.exec(headers.server ?? "")?.[1];
  return { ...STATUS_BASE, endpoint, state: "ok", version: server ?? api, apiVersion: api, reason: null, message: null, hint: null };
}

export function podmanStatusUnreachable(failure: PodmanFailure, endpoint: string): RuntimeStatus {
  return { ...STATUS_BASE, endpoint, state: "unreachable", version: null, apiVersion: null, ...failure };
}

export interface PodmanFailure {
  reason: RuntimeFailure;
  message: string;
  hint: string;
}

/** How the service is started: the rootful socket Pod Anatomy asks by default. */
export const START_PODMAN_SERVICE = "podman system service --time=0 unix:///run/podman/podman.sock &";

/** The shape of an error from lib/server/runtimes/podman/client.ts: a socket error's code, a TimeoutError, an HTTP status. */
export interface PodmanErrorLike {
  code?: string;
  name?: string;
  status?: number;
  message?: string;
}

/** Why the libpod API could not be asked, in a word, what happened, and what to do. */
export function explainPodmanError(err: PodmanErrorLike | null | undefined, endpoint: string, rootless = false): PodmanFailure {
  const code = err?.code;
  const start = rootless
    ? "systemctl --user start podman.socket (or: podman system service --time=0 &)"
    : `${START_PODMAN_SERVICE} (or: systemctl start podman.socket)`;
  if (code === "ENOENT") {
    return {
      reason: "socket-missing",
      message: `Podman's API service is not running: no socket at ${endpoint}.`,
      hint: `Start it: ${start}. Pod Anatomy reconnects by itself.`,
    };
  }
  if (code === "ECONNREFUSED") {
    return {
      reason: "no-daemon",
      message: `Podman's API service is not running: the socket ${endpoint} exists but nothing listens on it.`,
      hint: `Start it: ${start}. Pod Anatomy reconnects by itself.`,
    };
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return {
      reason: "no-daemon",
      message: `Podman's API service at ${endpoint} dropped the connection: it stopped or restarted.`,
      hint: `Start it again: ${start}.`,
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      reason: "permission-denied",
      message: `Permission denied on ${endpoint}.`,
      hint: rootless
        ? "That is the rootful socket: run Pod Anatomy as root, or point CONTAINER_HOST at your own (rootless) socket, unix://$XDG_RUNTIME_DIR/podman/podman.sock."
        : "Rootful Podman's socket belongs to root: run Pod Anatomy as root, or use a rootless service (CONTAINER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock).",
    };
  }
  if (err?.name === "TimeoutError" || err?.name === "AbortError" || code === "ETIMEDOUT") {
    return {
      reason: "timeout",
      message: `Podman's API service at ${endpoint} did not answer in time (${err?.message ?? "timed out"}).`,
      hint: "The service may be hung or busy: check `podman --url unix://" + endpoint + " info` in a terminal.",
    };
  }
  if (err?.status === 404) {
    return {
      reason: "wrong-api",
      message: `Something answers at ${endpoint}, but not Podman's libpod API (no /libpod endpoints: HTTP 404) — a Docker engine's socket, or Podman older than 4.`,
      hint: `Point CONTAINER_HOST at Podman's own socket, or start Podman 4's service: ${START_PODMAN_SERVICE}.`,
    };
  }
  return {
    reason: "error",
    message: `Podman's API service at ${endpoint} answered with an error: ${err?.message ?? String(err)}`,
    hint: `Check \`podman --url unix://${endpoint} info\` in a terminal.`,
  };
}

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

/**
 * One line of GET /libpod/events: Type "container" or "pod", Action "create", "init",
 * "start", "died", "cleanup", "remove", … As Podman 4.3.1 sends it (test/fixtures/podman/):
 *   {"status":"died","id":"9c43…","from":"localhost/…","Type":"container","Action":"died",
 *    "Actor":{"ID":"9c43…","Attributes":{"containerExitCode":"3","image":"localhost/…",
 *    "name":"pa-recorded-exited","podId":"", <labels>}},"scope":"local","time":1796154793,
 *    "timeNano":1796154793195282200}
 * `Attributes` mixes the container's labels with name, image, podId and containerExitCode
 * (on every event; meaningful on "died" only).
 */
export interface LibpodEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  id?: string;
  timeNano?: number;
}

/**
 * The change an event tells, or null for one that changes nothing Pod Anatomy shows:
 * "sync" (a state re-read the CLI triggers), exec events and health checks.
 */
export function podmanEventChange(raw: unknown): { containerId: string; action: string } | null {
  if (!raw || typeof raw !== "object") return null;
  const e = raw as LibpodEvent;
  const action = e.Action ?? "";
  if (e.Type !== "container" && e.Type !== "pod") return null;
  if (action === "" || action === "sync" || action.startsWith("exec") || action === "health_status" || action === "attach") return null;
  const id = e.Actor?.ID ?? e.id ?? "";
  if (!id) return null;
  return { containerId: id, action: e.Type === "pod" ? `pod-${action}` : action };
}

/**
 * Podman's container actions in Docker's words (the timeline's): "died" is Docker's "die",
 * "remove" its "destroy". "init" (the OCI runtime set the container up: namespaces made, its
 * process not yet running), "cleanup", "mount" and the like have no counterpart: no event.
 */
const PODMAN_ACTIONS: Readonly<Record<string, ContainerAction>> = {
  create: "create",
  start: "start",
  restart: "restart",
  pause: "pause",
  unpause: "unpause",
  kill: "kill",
  died: "die",
  stop: "stop",
  rename: "rename",
  remove: "destroy",
};

/** Attribute keys that are facts about the event, not labels. */
const PODMAN_NOT_LABELS = new Set(["name", "image", "containerExitCode", "podId", "signal"]);

/** The ContainerEvent a container event of the stream tells, for the timeline; null for pod events and actions without a counterpart. */
export function podmanContainerEvent(raw: unknown, line?: string): ContainerEvent | null {
  if (!raw || typeof raw !== "object") return null;
  const e = raw as LibpodEvent;
  const action = PODMAN_ACTIONS[e.Action ?? ""];
  const id = e.Actor?.ID ?? e.id ?? "";
  if (e.Type !== "container" || !action || !/^[0-9a-f]{64}$/.test(id)) return null;
  if (typeof e.timeNano !== "number" || !Number.isInteger(e.timeNano) || e.timeNano < 0) return null;
  // The exact digits from the line itself: JSON.parse rounds 19 digits (±128 ns).
  const timeNano = line ? exactTimeNano(line, e.timeNano) : BigInt(e.timeNano).toString();
  const attributes = e.Actor?.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!PODMAN_NOT_LABELS.has(k)) labels[k] = v;
  const code = attributes.containerExitCode;
  return {
    timeNano,
    time: nanosToMillis(timeNano),
    action,
    containerId: id,
    name: attributes.name ?? "",
    image: attributes.image ?? "",
    exitCode: action === "die" && code !== undefined && /^-?\d+$/.test(code) ? Number(code) : null,
    signal: action === "kill" ? (attributes.signal ?? null) : null,
    labels,
    runtime: "podman",
    source: `podman events: container ${e.Action}${action === "die" && code !== undefined ? ` (containerExitCode ${code})` : ""}`,
  };
}

/** One line of the stream: its change (as podmanEventChange) and, for a container's change the timeline tells, its event. */
export function parsePodmanEventLine(line: string): { containerId: string; action: string; event?: ContainerEvent } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const change = podmanEventChange(raw);
  if (!change) return null;
  const event = podmanContainerEvent(raw, line);
  return event ? { ...change, event } : change;
}

/** How a container joined its pod's namespaces, from its inspect: "container:<infra id>" modes (Podman shares uts too). */
export function podmanJoinModes(inspect: LibpodContainerInspect): JoinModes | null {
  const hc = inspect.HostConfig;
  if (!hc) return null;
  return { network: hc.NetworkMode ?? "", ipc: hc.IpcMode ?? "", pid: hc.PidMode ?? "", uts: hc.UTSMode ?? "" };
}

/** An ISO time, or "" for Go's zero time ("0001-01-01T00:00:00Z": it never happened) and anything unparsable. */
function realTime(t: string | undefined): string {
  return t && !t.startsWith("0001-") && !Number.isNaN(Date.parse(t)) ? new Date(Date.parse(t)).toISOString() : "";
}
