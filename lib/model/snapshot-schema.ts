/**
 * The snapshot as a zod schema: the boundary for snapshots that come from outside the server
 * (a file a user loads, the built-in sample). It mirrors lib/model/types.ts field by field;
 * snapshot-schema.test.ts checks at compile time that the two stay the same type.
 *
 * A snapshot file is either exactly what GET /api/snapshot returns, or that snapshot wrapped
 * with what a recording is: `{ sample: { recordedAt, host, note }, snapshot }` (the built-in
 * sample, public/samples/demo-pod.json, written by scripts/record-sample.ts).
 *
 * Pure: no I/O.
 */
import { z } from "zod";
import { NAMESPACE_TYPES, RUNTIME_KINDS, type Snapshot } from "./types";

const NamespaceType = z.enum(NAMESPACE_TYPES);
const Inodes = z.partialRecord(NamespaceType, z.number().int().nonnegative());
const Pid = z.number().int().nonnegative();

const CgroupEntry = z.object({
  hierarchyId: z.number().int().nonnegative(),
  controllers: z.array(z.string()),
  path: z.string(),
});

const PortBinding = z.object({
  containerPort: z.number().int(),
  protocol: z.string(),
  hostIp: z.string(),
  hostPort: z.number().int(),
});

const Limit = z.union([z.number(), z.literal("unlimited")]).nullable();

const CgroupLimits = z.object({
  memoryLimit: Limit,
  memoryUsage: z.number().nullable(),
  cpuQuotaUs: Limit,
  cpuPeriodUs: z.number().nullable(),
  cpuShares: z.number().nullable(),
  cpuWeight: z.number().nullable(),
  pidsMax: Limit,
  pidsCurrent: z.number().nullable(),
  cpusetCpus: z.string().nullable(),
  sources: z.array(z.string()),
});

const CgroupNode = z.object({
  path: z.string(),
  parentPath: z.string().nullable(),
  containerId: z.string().nullable(),
  podUid: z.string().nullable(),
  qos: z.enum(["guaranteed", "burstable", "besteffort"]).nullable(),
  limits: CgroupLimits,
  pids: z.array(Pid),
});

const HostFacts = z.object({
  hostname: z.string(),
  kernel: z.string(),
  cgroupVersion: z.enum(["v1", "v2", "hybrid", "unknown"]),
  namespaces: Inodes,
  namespacesFrom: Pid,
  self: z.object({ containerId: z.string().nullable(), hostname: z.string() }).nullable().optional(),
});

const ContainerRuntime = z.enum(["docker", "containerd", "cri-o", "podman", "unknown"]);
const EngineFailure = z.enum(["socket-missing", "permission-denied", "no-daemon", "timeout", "error"]);

const EngineStatus = z.discriminatedUnion("state", [
  z.object({ state: z.literal("ok"), version: z.string(), apiVersion: z.string(), endpoint: z.string() }),
  z.object({
    state: z.literal("unreachable"),
    reason: EngineFailure,
    endpoint: z.string(),
    message: z.string(),
    hint: z.string(),
  }),
]);


const RuntimeStatus = z.object({
  id: z.string(),
  kind: z.enum(RUNTIME_KINDS),
  runtime: ContainerRuntime,
  name: z.string(),
  endpoint: z.string(),
  node: z.string().nullable(),
  state: z.enum(["ok", "unreachable"]),
  version: z.string().nullable(),
  apiVersion: z.string().nullable(),
  reason: z.union([EngineFailure, z.literal("wrong-api")]).nullable(),
  message: z.string().nullable(),
  hint: z.string().nullable(),
});

// Fields added with runtimes default, so that files saved before them still load.
const Container = z.object({
  id: z.string(),
  node: z.string().nullable().default(null),
  exitCode: z.number().int().nullable().default(null),
  attempt: z.number().int().nullable().default(null),
  startedAt: z.string().nullable().default(null),
  finishedAt: z.string().nullable().default(null),
  mounts: z.array(z.object({ type: z.string(), source: z.string(), destination: z.string() })).default([]),
  name: z.string(),
  image: z.string(),
  imageSource: z.enum(["real", "stand-in", "other"]),
  state: z.string(),
  pid: Pid.nullable(),
  created: z.string(),
  modes: z.object({ network: z.string(), ipc: z.string(), pid: z.string(), uts: z.string(), cgroupParent: z.string() }),
  labels: z.record(z.string(), z.string()),
  ports: z.array(PortBinding),
  podId: z.string().nullable(),
  role: z.enum(["sandbox", "member", "standalone"]),
  namespaces: Inodes,
  sharedWithSandbox: z.array(NamespaceType),
  sharedWithHost: z.array(NamespaceType),
  own: z.array(NamespaceType),
  cgroups: z.array(CgroupEntry),
  cgroupPath: z.string().nullable(),
  limits: CgroupLimits.nullable(),
  discoveredBy: z.enum(["engine", "procfs"]),
  runtime: ContainerRuntime,
  processIds: z.array(Pid),
});

const Process = z.object({
  pid: Pid,
  ppid: Pid,
  name: z.string(),
  state: z.string(),
  nspid: z.array(Pid),
  uid: z.number().int(),
  cmdline: z.array(z.string()),
  containerId: z.string().nullable(),
  pidNs: z.number().int().nonnegative().nullable(),
});

const Namespace = z.object({
  id: z.string().regex(/^[a-z]+:\[\d+\]$/, "a namespace id is type:[inode], as readlink /proc/PID/ns/TYPE shows it"),
  type: NamespaceType,
  inode: z.number().int().nonnegative(),
  containerIds: z.array(z.string()),
  isHost: z.boolean(),
});

const Pod = z.object({
  id: z.string(),
  name: z.string(),
  k8sNamespace: z.string().nullable(),
  source: z.enum(["pod-anatomy", "kubernetes", "runtime", "inferred"]),
  managed: z.boolean(),
  sandboxId: z.string(),
  memberIds: z.array(z.string()),
  runtime: ContainerRuntime.default("docker"),
  node: z.string().nullable().default(null),
  uid: z.string().nullable().default(null),
  state: z.string().nullable().default(null),
});

const Link = z.object({
  podId: z.string(),
  sandboxId: z.string(),
  memberId: z.string(),
  shared: z.array(NamespaceType),
});

const NetAddress = z.object({
  family: z.enum(["inet", "inet6"]),
  address: z.string(),
  prefixLength: z.number().int().min(0).max(128),
  scope: z.string(),
  interface: z.string().nullable(),
  from: z.enum(["if_inet6", "fib_trie+route", "fib_trie+loopback", "fib_trie+only-interface", "fib_trie"]),
});

const NetInterface = z.object({
  name: z.string(),
  ifindex: z.number().int().nullable(),
  iflink: z.number().int().nullable(),
  mac: z.string().nullable(),
  operstate: z.string().nullable(),
  rxBytes: z.number().nonnegative(),
  txBytes: z.number().nonnegative(),
  hostPeer: z.object({ name: z.string(), ifindex: z.number().int(), master: z.string().nullable() }).nullable(),
});

const Listener = z.object({
  protocol: z.enum(["tcp", "tcp6", "udp", "udp6"]),
  address: z.string(),
  port: z.number().int().min(0).max(65535),
  inode: z.number().int().nonnegative(),
  pids: z.array(Pid),
  containerIds: z.array(z.string()),
});

const NetworkNamespace = z.object({
  inode: z.number().int().nonnegative(),
  readThrough: Pid,
  fdsReadOf: z.array(Pid),
  interfaces: z.array(NetInterface),
  addresses: z.array(NetAddress),
  defaultRoutes: z.array(z.object({ family: z.enum(["inet", "inet6"]), gateway: z.string(), interface: z.string() })),
  listeners: z.array(Listener),
  sysfs: z.string().nullable(),
  problems: z.array(z.string()),
});

const UtsHostname = z.object({
  inode: z.number().int().nonnegative(),
  hostname: z.string().nullable(),
  readThrough: Pid,
  problem: z.string().nullable(),
});

const Warning = z.object({ code: z.string(), message: z.string(), count: z.number().int().optional() });

export const SnapshotSchema = z.object({
  takenAt: z.iso.datetime({ offset: true }),
  host: HostFacts,
  engine: EngineStatus,
  runtimes: z.array(RuntimeStatus).default([]),
  pods: z.array(Pod),
  containers: z.array(Container),
  processes: z.array(Process),
  // Files saved before this field existed listed every process in `processes`: none was only counted.
  processesOutsideContainers: z.number().int().nonnegative().default(0),
  namespaces: z.array(Namespace),
  links: z.array(Link),
  cgroups: z.array(CgroupNode),
  // Files saved before the network was read have none.
  networks: z.array(NetworkNamespace).default([]),
  hostnames: z.array(UtsHostname).default([]),
  warnings: z.array(Warning),
});

/** What makes a snapshot a sample: when and where it was recorded, and what it shows. */
export const SampleInfoSchema = z.object({
  recordedAt: z.iso.datetime({ offset: true }),
  host: z.string().min(1),
  note: z.string(),
});
export type SampleInfo = z.infer<typeof SampleInfoSchema>;

const SampleFileSchema = z.object({ sample: SampleInfoSchema, snapshot: SnapshotSchema });

/** A snapshot read from a file: the snapshot, and its sample wrapper when it had one. */
export interface LoadedSnapshot {
  snapshot: Snapshot;
  sample: SampleInfo | null;
}

/** Biggest snapshot file accepted (a busy host's snapshot is a few MB). */
export const MAX_SNAPSHOT_FILE_BYTES = 32 * 1024 * 1024;

export type ParseResult = { ok: true; value: LoadedSnapshot } | { ok: false; error: string; detail: string };

/** How many validation problems a message names before "and N more". */
const ISSUES_SHOWN = 3;

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, ISSUES_SHOWN).map((issue) => {
    const path = issue.path.map(String).join(".");
    return `${path === "" ? "the top level" : path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/**
 * Parse the text of a snapshot file: a bare snapshot (as GET /api/snapshot returns it) or a
 * sample (`{ sample, snapshot }`). Says exactly what is wrong when it is neither.
 */
export function parseSnapshotFile(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: "Not a JSON file", detail: `A snapshot is JSON, as GET /api/snapshot returns it. ${(err as Error).message}.` };
  }
  const wrapped = typeof json === "object" && json !== null && "snapshot" in json;
  const parsed = wrapped ? SampleFileSchema.safeParse(json) : SnapshotSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: "Not a Pod Anatomy snapshot", detail: describeIssues(parsed.error) };
  }
  const value: LoadedSnapshot = "sample" in parsed.data ? parsed.data : { snapshot: parsed.data, sample: null };
  return { ok: true, value };
}

/** What a loaded snapshot is, to label it: a sample or a recording, when and where it was taken. */
export function recordingOrigin({ snapshot, sample }: LoadedSnapshot): {
  kind: "sample" | "recording";
  recordedAt: string;
  host: string;
  note: string | null;
} {
  return sample
    ? { kind: "sample", recordedAt: sample.recordedAt, host: sample.host, note: sample.note }
    : { kind: "recording", recordedAt: snapshot.takenAt, host: snapshot.host.hostname, note: null };
}

/** The text of a snapshot file: a bare snapshot, or wrapped as a sample when it is one. */
export function snapshotFileText({ snapshot, sample }: LoadedSnapshot): string {
  return JSON.stringify(sample ? { sample, snapshot } : snapshot, null, 2) + "\n";
}
