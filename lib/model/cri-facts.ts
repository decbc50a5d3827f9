/**
 * The CRI (`runtime.v1`) as Pod Anatomy reads it: the wire shapes of the messages it uses
 * (as @grpc/proto-loader decodes them: keepCase, int64 as strings, enums as their names,
 * defaults filled in), and the pure reshaping of what a runtime answers into our own types:
 * ContainerFacts (toCriContainerFacts), RuntimeStatus (criRuntimeStatus) and, for a call
 * that failed, RuntimeFailure with a message and a hint (classifyCriError).
 *
 * The wire types are declared here, in the model, only because this reshaping is pure and
 * testable on recorded responses (test/fixtures/cri/); nothing outside lib/server/runtimes/cri/
 * and this file uses them.
 *
 * Pure: no I/O.
 */
import type { ContainerFacts, ContainerRuntime, RuntimeFailure, RuntimeStatus } from "./types";
import type { JoinModes } from "./event-history";

// ---------------------------------------------------------------------------------------
// Wire shapes (field names and numbers of kubernetes/cri-api pkg/apis/runtime/v1/api.proto)
// ---------------------------------------------------------------------------------------

export type CriNamespaceMode = "POD" | "CONTAINER" | "NODE" | "TARGET";
export interface CriNamespaceOption {
  network: CriNamespaceMode;
  pid: CriNamespaceMode;
  ipc: CriNamespaceMode;
  target_id?: string;
}

export interface CriVersion {
  version: string;
  /** "containerd", "cri-o". */
  runtime_name: string;
  runtime_version: string;
  /** "v1". */
  runtime_api_version: string;
}

export interface CriPodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export type CriSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";

export interface CriPodSandbox {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  state: CriSandboxState;
  /** Nanoseconds since the epoch, as a decimal string. */
  created_at: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtime_handler: string;
}

export interface CriPodSandboxStatusResponse {
  status: (CriPodSandbox & { network: { ip: string } | null; linux: { namespaces: { options: CriNamespaceOption | null } | null } | null }) | null;
  /** verbose: `info` is the runtime's JSON: containerd and CRI-O give `pid` and `image` (the sandbox image), and the `config` it was run with. */
  info: Record<string, string>;
}

export type CriContainerState = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number } | null;
  image: { image: string } | null;
  image_ref: string;
  state: CriContainerState;
  created_at: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriContainerStatusResponse {
  status: {
    id: string;
    metadata: { name: string; attempt: number } | null;
    state: CriContainerState;
    created_at: string;
    started_at: string;
    finished_at: string;
    exit_code: number;
    image: { image: string } | null;
    image_ref: string;
    reason: string;
    message: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  } | null;
  /** verbose: `info` is the runtime's JSON, with `pid` (host PID of its init process) and `sandboxID`. */
  info: Record<string, string>;
}

export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
}

export interface CriPortMapping {
  protocol: "TCP" | "UDP" | "SCTP";
  container_port: number;
  host_port: number;
  host_ip: string;
}

export interface CriPodSandboxConfig {
  metadata: CriPodSandboxMetadata;
  hostname: string;
  log_directory?: string;
  port_mappings: CriPortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: {
    cgroup_parent: string;
    security_context: { namespace_options: CriNamespaceOption };
  };
}

export interface CriContainerConfig {
  metadata: { name: string; attempt: number };
  image: { image: string };
  command: string[];
  args: string[];
  envs: { key: string; value: string }[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  log_path?: string;
  linux: {
    resources: { cpu_period: number; cpu_quota: number; cpu_shares: number; memory_limit_in_bytes: number; oom_score_adj: number } | null;
    security_context: { namespace_options: CriNamespaceOption };
  };
}

// ---------------------------------------------------------------------------------------
// Reshaping
// ---------------------------------------------------------------------------------------

/** One sandbox as read: ListPodSandbox's item, and PodSandboxStatus(verbose) when it answered. */
export interface CriSandboxRecord {
  sandbox: CriPodSandbox;
  status: CriPodSandboxStatusResponse | null;
}

/** One container as read: ListContainers' item, and ContainerStatus(verbose) when it answered. */
export interface CriContainerRecord {
  container: CriContainer;
  status: CriContainerStatusResponse | null;
}

/** The runtime behind a CRI endpoint, from Version's runtime_name. */
export function criRuntimeOf(runtimeName: string): ContainerRuntime {
  const n = runtimeName.toLowerCase();
  if (n.includes("containerd")) return "containerd";
  if (n.includes("cri-o") || n === "crio") return "cri-o";
  return "unknown";
}

/** ISO time of a CRI timestamp (nanoseconds since the epoch, decimal string); "" when absent. */
export function isoFromNanos(nanos: string | number | undefined | null): string {
  if (nanos === undefined || nanos === null || nanos === "" || nanos === "0" || nanos === 0) return "";
  const s = String(nanos);
  if (!/^\d+$/.test(s)) return "";
  const ms = s.length > 6 ? Number(s.slice(0, -6)) : 0;
  return new Date(ms).toISOString();
}

/** The runtime's verbose `info` JSON (containerd and CRI-O put it under the key "info"). */
export function verboseInfo(info: Record<string, string> | undefined | null): Record<string, unknown> {
  const raw = info?.info;
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function pidOf(info: Record<string, unknown>): number | null {
  const pid = info.pid;
  return typeof pid === "number" && Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** The cgroup parent the sandbox was run with, from the verbose info's `config` (containerd, CRI-O). */
function cgroupParentOf(info: Record<string, unknown>): string {
  const config = info.config as { linux?: { cgroup_parent?: unknown } } | undefined;
  const p = config?.linux?.cgroup_parent;
  return typeof p === "string" ? p : "";
}

const CONTAINER_STATES: Record<CriContainerState, string> = {
  CONTAINER_CREATED: "created",
  CONTAINER_RUNNING: "running",
  CONTAINER_EXITED: "exited",
  CONTAINER_UNKNOWN: "unknown",
};

/** Our words for a namespace mode: POD → "pod" (shared with the sandbox), NODE → "host", CONTAINER → "private". */
function modeWord(mode: CriNamespaceMode | undefined): string {
  switch (mode) {
    case "POD":
      return "pod";
    case "NODE":
      return "host";
    case "CONTAINER":
      return "private";
    case "TARGET":
      return "target";
    default:
      return "";
  }
}

/** A container's modes in our words, from its sandbox's NamespaceOption (the CRI sets them per pod; uts follows network). */
export function criModes(options: CriNamespaceOption): JoinModes & { uts: string } {
  return { network: modeWord(options.network), ipc: modeWord(options.ipc), pid: modeWord(options.pid), uts: options.network === "NODE" ? "host" : "pod" };
}

/** The name given to a sandbox in ContainerFacts: `<pod>-POD`, like the kubelet's `k8s_POD_…` pause containers. */
export const sandboxName = (pod: string): string => `${pod}-POD`;

/**
 * Sandboxes and containers → ContainerFacts: each sandbox as a container of its own (the
 * pause container; containerd gives it the sandbox's id), with pod.isSandbox; each container
 * with pod.sandboxId. Namespace modes are the sandbox's (the CRI sets them per pod); the
 * inodes always come from /proc.
 */
export function toCriContainerFacts(
  sandboxes: readonly CriSandboxRecord[],
  containers: readonly CriContainerRecord[],
  runtime: ContainerRuntime,
  node?: string,
): ContainerFacts[] {
  const out: ContainerFacts[] = [];
  const podOf = new Map<string, { facts: ContainerFacts["pod"]; modes: CriNamespaceOption | null; cgroupParent: string }>();
  for (const { sandbox, status } of sandboxes) {
    const info = verboseInfo(status?.info);
    const meta = sandbox.metadata ?? { name: sandbox.id.slice(0, 12), namespace: "", uid: "", attempt: 0 };
    const options = status?.status?.linux?.namespaces?.options ?? null;
    const cgroupParent = cgroupParentOf(info);
    const pod = {
      sandboxId: sandbox.id,
      isSandbox: true,
      name: meta.name,
      namespace: meta.namespace || null,
      uid: meta.uid || null,
      attempt: meta.attempt,
      state: sandbox.state === "SANDBOX_READY" ? "ready" : "notready",
    };
    podOf.set(sandbox.id, { facts: { ...pod, isSandbox: false }, modes: options, cgroupParent });
    const image = typeof info.image === "string" ? info.image : "";
    out.push({
      id: sandbox.id,
      name: sandboxName(meta.name),
      image,
      imageId: "",
      state: sandbox.state === "SANDBOX_READY" ? "running" : "exited",
      pid: sandbox.state === "SANDBOX_READY" ? pidOf(info) : null,
      created: isoFromNanos(sandbox.created_at),
      networkMode: modeWord(options?.network) === "host" ? "host" : options ? "pod" : "",
      ipcMode: modeWord(options?.ipc) === "host" ? "host" : options ? "pod" : "",
      pidMode: modeWord(options?.pid) === "host" ? "host" : options ? "pod" : "",
      utsMode: options?.network === "NODE" ? "host" : options ? "pod" : "",
      cgroupParent,
      labels: { ...sandbox.labels },
      ports: portsOf(info),
      discoveredBy: "engine",
      runtime,
      pod,
      ...(node ? { node } : {}),
      attempt: meta.attempt,
      annotations: { ...sandbox.annotations },
    });
  }
  for (const { container, status } of containers) {
    const info = verboseInfo(status?.info);
    const s = status?.status ?? null;
    const p = podOf.get(container.pod_sandbox_id);
    const state = CONTAINER_STATES[s?.state ?? container.state] ?? "unknown";
    const m = p?.modes ? criModes(p.modes) : null;
    // A container's pid namespace: POD shares the sandbox's, CONTAINER is its own, NODE the host's.
    out.push({
      id: container.id,
      name: container.metadata?.name ?? container.id.slice(0, 12),
      image: container.image?.image ?? s?.image?.image ?? "",
      imageId: container.image_ref || s?.image_ref || "",
      state,
      pid: state === "running" ? pidOf(info) : null,
      created: isoFromNanos(container.created_at),
      networkMode: m?.network ?? "",
      ipcMode: m?.ipc ?? "",
      pidMode: m?.pid ?? "",
      utsMode: m?.uts ?? "",
      cgroupParent: p?.cgroupParent ?? "",
      labels: { ...container.labels },
      ports: [],
      discoveredBy: "engine",
      runtime,
      ...(p?.facts ? { pod: { ...p.facts, isSandbox: false } } : {}),
      ...(node ? { node } : {}),
      ...(state === "exited" && s ? { exitCode: s.exit_code } : {}),
      ...(s && isoFromNanos(s.started_at) ? { startedAt: isoFromNanos(s.started_at) } : {}),
      ...(s && isoFromNanos(s.finished_at) ? { finishedAt: isoFromNanos(s.finished_at) } : {}),
      attempt: container.metadata?.attempt ?? 0,
      annotations: { ...container.annotations },
    });
  }
  return out;
}

/** Published ports from the sandbox's verbose config (`port_mappings`), when the runtime gives it. */
function portsOf(info: Record<string, unknown>): ContainerFacts["ports"] {
  const config = info.config as { port_mappings?: { protocol?: unknown; container_port?: unknown; host_port?: unknown; host_ip?: unknown }[] } | undefined;
  const list = Array.isArray(config?.port_mappings) ? config.port_mappings : [];
  return list
    .filter((m) => typeof m.container_port === "number" && typeof m.host_port === "number" && m.host_port > 0)
    .map((m) => ({
      containerPort: m.container_port as number,
      // containerd's JSON has the protocol as a number (0 = TCP) or absent.
      protocol: m.protocol === 1 || m.protocol === "UDP" ? "udp" : m.protocol === 2 || m.protocol === "SCTP" ? "sctp" : "tcp",
      hostIp: typeof m.host_ip === "string" ? m.host_ip : "",
      hostPort: m.host_port as number,
    }));
}

// ---------------------------------------------------------------------------------------
// Status and failures
// ---------------------------------------------------------------------------------------

export interface CriEndpointRef {
  /** "cri:<socket path>". */
  id: string;
  endpoint: string;
  node: string | null;
}

const NAMES: Record<ContainerRuntime, string> = {
  containerd: "containerd (CRI)",
  "cri-o": "CRI-O",
  docker: "Docker",
  podman: "Podman",
  unknown: "CRI runtime",
};

/** An ok RuntimeStatus from Version. */
export function criRuntimeStatus(ref: CriEndpointRef, v: CriVersion): RuntimeStatus {
  const runtime = criRuntimeOf(v.runtime_name);
  return {
    id: ref.id,
    kind: "cri",
    runtime,
    name: NAMES[runtime],
    endpoint: ref.endpoint,
    node: ref.node,
    state: "ok",
    version: v.runtime_version || null,
    apiVersion: v.runtime_api_version || null,
    reason: null,
    message: null,
    hint: null,
  };
}

/** An unreachable RuntimeStatus, from a failure. */
export function criUnreachableStatus(ref: CriEndpointRef, failure: CriFailure): RuntimeStatus {
  return {
    id: ref.id,
    kind: "cri",
    runtime: "unknown",
    name: NAMES.unknown,
    endpoint: ref.endpoint,
    node: ref.node,
    state: "unreachable",
    version: null,
    apiVersion: null,
    reason: failure.reason,
    message: failure.message,
    hint: failure.hint,
  };
}

export interface CriFailure {
  reason: RuntimeFailure;
  message: string;
  hint: string;
}

/** gRPC status codes used here (grpc/status codes). */
export const GRPC = { DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;

/**
 * What a failed call means. `err` is a grpc-js ServiceError ({code, details}) or any error.
 * grpc-js reports a socket that cannot be connected as UNAVAILABLE with the connect error in
 * `details` ("… connect ENOENT /run/…"); a method the server does not serve (a containerd
 * whose CRI plugin is disabled, as Docker's own containerd is) as UNIMPLEMENTED.
 */
export function classifyCriError(err: unknown, socketPath: string): CriFailure {
  const e = err as { code?: unknown; details?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "number" ? e.code : null;
  const text = `${typeof e?.details === "string" ? e.details : ""} ${typeof e?.message === "string" ? e.message : ""}`;
  if (code === GRPC.UNAVAILABLE || code === null) {
    if (/ENOENT/.test(text)) {
      return {
        reason: "socket-missing",
        message: `No CRI socket at ${socketPath}.`,
        hint: "Start containerd (scripts/runtimes/containerd.sh: ensure_containerd) or CRI-O, or point CONTAINER_RUNTIME_ENDPOINT at its socket.",
      };
    }
    if (/EACCES|EPERM/.test(text)) {
      return {
        reason: "permission-denied",
        message: `Permission denied on the CRI socket ${socketPath}.`,
        hint: "Run Pod Anatomy as root (the CRI socket is root's only), as the kubelet runs.",
      };
    }
    if (/ECONNREFUSED/.test(text)) {
      return {
        reason: "no-daemon",
        message: `Nothing listens on the CRI socket ${socketPath} (connection refused): the runtime is not running.`,
        hint: "Start containerd or CRI-O again; a socket file left by a stopped daemon stays behind.",
      };
    }
  }
  if (code === GRPC.PERMISSION_DENIED) {
    return { reason: "permission-denied", message: `The runtime at ${socketPath} refused the call: ${text.trim()}`, hint: "Run Pod Anatomy as root." };
  }
  if (code === GRPC.DEADLINE_EXCEEDED) {
    return {
      reason: "timeout",
      message: `The CRI runtime at ${socketPath} did not answer in time.`,
      hint: "It may be starting or hung: check its log (containerd: /tmp/pod-anatomy-containerd.log when the project started it).",
    };
  }
  if (code === GRPC.UNIMPLEMENTED) {
    return {
      reason: "wrong-api",
      message: `${socketPath} answers, but not the CRI runtime.v1 API (UNIMPLEMENTED): a containerd without its CRI plugin (Docker's own containerd is one), or a runtime speaking an older CRI.`,
      hint: "Use a containerd started with the CRI plugin enabled (scripts/runtimes/containerd.sh), or CRI-O ≥ 1.20.",
    };
  }
  return {
    reason: "error",
    message: `The CRI runtime at ${socketPath} failed: ${text.trim() || String(err)}`,
    hint: "Check the runtime's log.",
  };
}
