/**
 * The types of Pod Anatomy's model: what the adapters produce (facts read from the
 * Docker engine and from procfs) and what the snapshot builder returns (the wire
 * format of GET /api/snapshot).
 *
 * The wire format holds ids, never nested object graphs: a pod names its containers by
 * id, a container names its processes by host PID, and the client re-links them.
 *
 * This file is pure: types and constants only, no I/O.
 */

/** The namespace types drawn by Pod Anatomy (the entries of /proc/PID/ns, minus *_for_children). */
export const NAMESPACE_TYPES = ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/** What each namespace type isolates, in one line (legend and tooltips). */
export const NAMESPACE_EXPLANATIONS: Record<NamespaceType, string> = {
  cgroup: "the view of the cgroup tree (/proc/self/cgroup shows paths relative to its root)",
  ipc: "System V IPC objects and POSIX message queues",
  mnt: "mount points: the container's own filesystem",
  net: "network devices, addresses, ports, routes: what localhost means",
  pid: "process IDs: who is PID 1, who ps can see",
  time: "the offsets of the monotonic and boot-time clocks",
  user: "user and group IDs, and capabilities over the other namespaces",
  uts: "hostname and NIS domain name",
};

// ---------------------------------------------------------------------------------------
// Facts from procfs (lib/server/procfs.ts produces them)
// ---------------------------------------------------------------------------------------

/** One line of /proc/PID/cgroup: `hierarchy-ID:controller-list:cgroup-path`. */
export interface CgroupEntry {
  /** Hierarchy ID; 0 is the cgroup v2 unified hierarchy. */
  hierarchyId: number;
  /** Controllers bound to this hierarchy (v1), e.g. ["cpu","cpuacct"] or ["name=systemd"]; empty for v2. */
  controllers: string[];
  /** Path of the process's cgroup within that hierarchy, e.g. "/docker/4f1c…". */
  path: string;
}

/** What /proc/PID/status says, the fields Pod Anatomy uses. */
export interface ProcStatus {
  /** `Name:` the command name (comm), at most 15 characters. */
  name: string;
  /** `State:` the one-letter state: R running, S sleeping, D disk sleep, Z zombie, T stopped, … */
  state: string;
  /** `PPid:` the parent's PID as seen from the reader's pid namespace (0 for the root). */
  ppid: number;
  /** `NSpid:` the PID in each pid namespace, outermost first; the last is the PID inside the innermost. */
  nspid: number[];
  /** `Uid:` the real user ID. */
  uid: number;
}

/** Everything read for one process. */
export interface ProcessFacts extends ProcStatus {
  /** PID as seen from the reader (the host, usually). */
  pid: number;
  /** Namespace inode of each type present in /proc/PID/ns (a kernel without `time` has no entry). */
  namespaces: Partial<Record<NamespaceType, number>>;
  /** Inode of /proc/PID/ns/pid_for_children, when present. */
  pidForChildren?: number;
  /** /proc/PID/cgroup, parsed. */
  cgroups: CgroupEntry[];
  /** /proc/PID/cmdline, split on NUL; empty for kernel threads and zombies. */
  cmdline: string[];
}

/**
 * Result of a scan of /proc (lib/server/procfs.ts scanProcesses): the processes in containers
 * (and PID 1) read in full, those outside every container counted, and those skipped.
 */
export interface ProcScan {
  /** Processes in a container (their cgroup names one), and PID 1: read in full, ascending by PID. */
  processes: ProcessFacts[];
  /** Processes outside every container: their /proc/PID/cgroup was read to tell, nothing more. */
  outsideContainers: number;
  /** Processes that vanished or could not be read; counted, never fatal. */
  skipped: { pid: number; reason: string }[];
}

// ---------------------------------------------------------------------------------------
// Facts from the Docker engine (lib/server/docker.ts produces them)
// ---------------------------------------------------------------------------------------

/** A published port: `hostIp:hostPort -> containerPort/protocol`. */
export interface PortBinding {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

/** A container as `docker inspect` describes it, reshaped into our own type. */
export interface ContainerFacts {
  /** Full 64-hex container id. */
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** Image reference as given at creation (Config.Image). */
  image: string;
  /** Image id (sha256:…). */
  imageId: string;
  /** State.Status: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** Host PID of the container's init process, or null when not running. */
  pid: number | null;
  /** ISO time of creation. */
  created: string;
  /** HostConfig.NetworkMode, e.g. "default", "bridge", "host", "none", "container:<id>". */
  networkMode: string;
  /** HostConfig.IpcMode, e.g. "private", "shareable", "host", "container:<id>". */
  ipcMode: string;
  /** HostConfig.PidMode, e.g. "", "host", "container:<id>". */
  pidMode: string;
  /** HostConfig.UTSMode, "" or "host". */
  utsMode: string;
  /** HostConfig.CgroupParent, "" when Docker's default. */
  cgroupParent: string;
  labels: Record<string, string>;
  ports: PortBinding[];
  /**
   * "engine": reported by the Docker engine. "procfs": found only in /proc — a process whose
   * cgroup names a container id the engine does not know (containerd, CRI-O, podman): then
   * name is derived from the id, image is "", modes are "", and pid is its init process.
   */
  discoveredBy: "engine" | "procfs";
  /** The runtime, from the engine or from the cgroup path (docker-, cri-containerd-, crio-, libpod-). */
  runtime: ContainerRuntime;
  /**
   * What the runtime says of the pod this container belongs to: the CRI and Podman have pods
   * of their own (Docker has none: then absent, and group-pods.ts infers them).
   */
  pod?: RuntimePodFacts;
  /** The node (the node container's name, for a runtime inside a kind/minikube node); absent: this host. */
  node?: string;
  /** The exit code of its last run, when it exited and the runtime says so. */
  exitCode?: number;
  /** CRI: the container's attempt (restart count); absent elsewhere. */
  attempt?: number;
  /** CRI: annotations; Podman: none. */
  annotations?: Record<string, string>;
  /** ISO time its last run started / finished, when the runtime says so (Docker: State.StartedAt/FinishedAt). */
  startedAt?: string;
  finishedAt?: string;
  /** Its volumes and bind mounts, when the runtime says so (Docker: Mounts of inspect). */
  mounts?: Mount[];
}

/** A volume or bind mount of a container: two containers with the same `type` + `source` share it. */
export interface Mount {
  /** "volume", "bind", "tmpfs", … as the runtime names it. */
  type: string;
  /** The volume's name (type volume), else the host path (bind); "" when the runtime gives none. */
  source: string;
  /** Where it is mounted inside the container. */
  destination: string;
}

export type ContainerRuntime = "docker" | "containerd" | "cri-o" | "podman" | "unknown";

/** A pod as a runtime that has pods (the CRI, Podman) reports it, on each of its containers. */
export interface RuntimePodFacts {
  /** The sandbox / infra container's id: the hub of the pod graph (CRI: the PodSandbox id, which containerd also gives the pause container; Podman: InfraId). */
  sandboxId: string;
  /** True on the sandbox (infra) container itself. */
  isSandbox: boolean;
  /** The pod's name (CRI metadata.name; Podman's pod name). */
  name: string;
  /** Kubernetes namespace (CRI metadata.namespace); null for Podman. */
  namespace: string | null;
  /** Kubernetes pod uid (CRI metadata.uid); null for Podman. */
  uid: string | null;
  /** CRI: the sandbox's attempt; null for Podman. */
  attempt: number | null;
  /** The runtime's word for the pod's state: CRI "ready" / "notready"; Podman "Running", "Degraded", "Exited", … */
  state: string;
}

// ---------------------------------------------------------------------------------------
// Cgroups (lib/server/cgroupfs.ts reads them)
// ---------------------------------------------------------------------------------------

/**
 * Limits and usage of one cgroup, from the files of cgroup v1 or v2. null means the file is
 * absent or unreadable; "unlimited" means the kernel says so ("max" in v2; -1, or v1's
 * page-rounded 2^63-1 for memory).
 */
export interface CgroupLimits {
  /** v1 memory.limit_in_bytes / v2 memory.max; "unlimited" when max/-1/near 2^63. */
  memoryLimit: number | "unlimited" | null;
  /** v1 memory.usage_in_bytes / v2 memory.current. */
  memoryUsage: number | null;
  /** v1 cpu.cfs_quota_us / first field of v2 cpu.max; "unlimited" when -1 / "max". */
  cpuQuotaUs: number | "unlimited" | null;
  /** v1 cpu.cfs_period_us / second field of v2 cpu.max. */
  cpuPeriodUs: number | null;
  /** v1 cpu.shares. */
  cpuShares: number | null;
  /** v2 cpu.weight. */
  cpuWeight: number | null;
  /** pids.max; "unlimited" when "max". */
  pidsMax: number | "unlimited" | null;
  /** pids.current. */
  pidsCurrent: number | null;
  /** cpuset.cpus (v1) / cpuset.cpus.effective or cpuset.cpus (v2), e.g. "0-1". */
  cpusetCpus: string | null;
  /** The files these values were read from, e.g. "/sys/fs/cgroup/memory/pod-test/<id>/memory.limit_in_bytes". */
  sources: string[];
}

export type QosClass = "guaranteed" | "burstable" | "besteffort";

/** One cgroup directory of the tree drawn for pods: from each pod's parent cgroup down to its containers. */
export interface CgroupNode {
  /** Path within the hierarchy, e.g. "/pod-test/4f1c…" or "/kubepods.slice/…/cri-containerd-<id>.scope". */
  path: string;
  /** Parent's path, or null for a tree root. */
  parentPath: string | null;
  /** The container whose cgroup this is, when it is one. */
  containerId: string | null;
  /** Kubernetes pod uid, when the path is a kubepods pod cgroup or below one. */
  podUid: string | null;
  /** Kubernetes QoS class, when the path is under kubepods. */
  qos: QosClass | null;
  limits: CgroupLimits;
  /** Host PIDs of the processes directly in this cgroup (cgroup.procs). */
  pids: number[];
}

// ---------------------------------------------------------------------------------------
// Host facts and engine state
// ---------------------------------------------------------------------------------------

export type CgroupVersion = "v1" | "v2" | "hybrid" | "unknown";

export interface HostFacts {
  hostname: string;
  /** `uname -r`. */
  kernel: string;
  cgroupVersion: CgroupVersion;
  /** Namespace inodes of PID 1: the host's own namespaces. */
  namespaces: Partial<Record<NamespaceType, number>>;
  /**
   * The PID they were read from: 1, or 2 (kthreadd, always in the initial namespaces) where
   * PID 1's ns links are unreadable even to root, as in some VMs and sandboxes.
   */
  namespacesFrom: number;
  /**
   * Pod Anatomy's own container, when it runs in one (the image, a Kubernetes pod): its id
   * (from its own cgroup path; null when that does not name one) and the container's own
   * hostname. Drawn as Pod Anatomy itself, never as a pod member. Absent or null: not in a container.
   */
  self?: { containerId: string | null; hostname: string } | null;
}

/** Why the engine could not be reached, each with its own explanation in the UI. */
export type EngineFailure = "socket-missing" | "permission-denied" | "no-daemon" | "timeout" | "error";

export type EngineStatus =
  | { state: "ok"; version: string; apiVersion: string; endpoint: string }
  | { state: "unreachable"; reason: EngineFailure; endpoint: string; message: string; hint: string };

/** The kinds of runtime API Pod Anatomy speaks: each has one adapter in lib/server/runtimes/. */
export const RUNTIME_KINDS = ["docker", "cri", "podman"] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** Why a runtime could not be used: the engine's reasons, plus a CRI/libpod endpoint speaking another API version. */
export type RuntimeFailure = EngineFailure | "wrong-api";

/** One runtime found on this host (or inside a node container), and whether it answers. */
export interface RuntimeStatus {
  /** Stable id: "docker", "podman", "cri:/run/containerd/containerd.sock", "cri:/proc/4242/root/run/containerd/containerd.sock". */
  id: string;
  kind: RuntimeKind;
  /** Which runtime answers (containerd or CRI-O behind a CRI endpoint); "unknown" until one answered. */
  runtime: ContainerRuntime;
  /** Display name in the runtime's own words: "Docker", "containerd (CRI)", "CRI-O", "Podman". */
  name: string;
  /** Where it is asked: a socket path or URL. */
  endpoint: string;
  /** The node container's name, for a runtime inside a kind/minikube node; null: this host. */
  node: string | null;
  state: "ok" | "unreachable";
  /** The runtime's version (e.g. "1.6.20", "4.3.1"), when it answered. */
  version: string | null;
  /** The API version it speaks (Docker API "1.41", CRI "v1", libpod "4.3.1"), when it answered. */
  apiVersion: string | null;
  /** When unreachable: why, in a word; what happened; what to do. */
  reason: RuntimeFailure | null;
  message: string | null;
  hint: string | null;
}

// ---------------------------------------------------------------------------------------
// The snapshot (wire format of GET /api/snapshot)
// ---------------------------------------------------------------------------------------

/** Where an image came from: the real upstream image, or a stand-in built from this project's sources. */
export type ImageSource = "real" | "stand-in" | "other";

export type ContainerRole = "sandbox" | "member" | "standalone";

export interface Container {
  id: string;
  /** The node it runs on (a node container's name), or null: this host. */
  node: string | null;
  /** The exit code of its last run, when it exited and the runtime said so. */
  exitCode: number | null;
  /** CRI: the container's attempt (restart count); null elsewhere. */
  attempt: number | null;
  /** ISO time its last run started / finished, or null when the runtime did not say (or it never did). */
  startedAt: string | null;
  finishedAt: string | null;
  /** Its volumes and bind mounts; empty when the runtime does not report them. */
  mounts: Mount[];
  name: string;
  image: string;
  imageSource: ImageSource;
  state: string;
  /** Host PID of the init process, or null when not running. */
  pid: number | null;
  created: string;
  modes: { network: string; ipc: string; pid: string; uts: string; cgroupParent: string };
  labels: Record<string, string>;
  ports: PortBinding[];
  /** The pod this container belongs to, or null. */
  podId: string | null;
  role: ContainerRole;
  /** Namespace inodes of the init process (empty when not running or unreadable). */
  namespaces: Partial<Record<NamespaceType, number>>;
  /** Types whose inode equals the sandbox's and is not the host's (members only; empty for sandboxes and standalones). */
  sharedWithSandbox: NamespaceType[];
  /** Types whose inode is the host's (PID 1's). */
  sharedWithHost: NamespaceType[];
  /** Types that are the container's own: neither the sandbox's nor the host's. */
  own: NamespaceType[];
  /** cgroup of the init process, one entry per hierarchy. */
  cgroups: CgroupEntry[];
  /** The cgroup path limits are read from (memory hierarchy on v1, the unified one on v2), or null. */
  cgroupPath: string | null;
  /** Limits and usage of that cgroup, or null when not running or unreadable. */
  limits: CgroupLimits | null;
  discoveredBy: "engine" | "procfs";
  runtime: ContainerRuntime;
  /** Host PIDs of every process in this container (matched by container id in its cgroup path). */
  processIds: number[];
}

export interface Process {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  nspid: number[];
  uid: number;
  cmdline: string[];
  /** The container this process runs in; null for PID 1, the one process outside containers read (see ProcScan). */
  containerId: string | null;
  /** Inode of its pid namespace (null when unreadable): with nspid, says who is PID 1 where. */
  pidNs: number | null;
}

/** One namespace, as the kernel identifies it: type + inode. */
export interface Namespace {
  /** `type:[inode]`, exactly as readlink /proc/PID/ns/TYPE shows it. */
  id: string;
  type: NamespaceType;
  inode: number;
  /** Containers whose init process is in this namespace. */
  containerIds: string[];
  /** True when it is the host's (PID 1's) namespace. */
  isHost: boolean;
}

/**
 * How a pod was recognised: our labels, Kubernetes' labels or names, a runtime with pods of
 * its own (Podman; a CRI pod carrying no Kubernetes labels), or inferred from the kernel.
 */
export type PodSource = "pod-anatomy" | "kubernetes" | "runtime" | "inferred";

export interface Pod {
  /** The sandbox container's id. */
  id: string;
  /** Display name: our label, the Kubernetes pod name, or the sandbox's name. */
  name: string;
  /** Kubernetes namespace, when known. */
  k8sNamespace: string | null;
  source: PodSource;
  /** True when Pod Anatomy created it (carries our label): only those can be deleted here. */
  managed: boolean;
  sandboxId: string;
  memberIds: string[];
  /** The runtime that made it (its sandbox's). */
  runtime: ContainerRuntime;
  /** The node it runs on (a node container's name), or null: this host. */
  node: string | null;
  /** Kubernetes pod uid, when known (CRI metadata, labels, or the cgroup path). */
  uid: string | null;
  /** The runtime's word for the pod's state (CRI "ready"/"notready", Podman "Running", …), or null when it has no pods. */
  state: string | null;
}

/** A spoke of the pod graph: a member joined to its sandbox by the namespaces they share. */
export interface Link {
  podId: string;
  sandboxId: string;
  memberId: string;
  shared: NamespaceType[];
}

export interface Warning {
  /** A stable code, e.g. "proc-skipped", "engine-unreachable". */
  code: string;
  message: string;
  /** How many things this warning counts (e.g. skipped processes). */
  count?: number;
}

// ---------------------------------------------------------------------------------------
// A network namespace, from the kernel (lib/server/proc-net.ts reads it; lib/model/net-namespace.ts builds it)
// ---------------------------------------------------------------------------------------

/** An address of the namespace: IPv4 from fib_trie (+ route for its interface), IPv6 from if_inet6. */
export interface NetAddress {
  family: "inet" | "inet6";
  address: string;
  prefixLength: number;
  /** "host" (loopback), "link" (link-local), "global", … */
  scope: string;
  /** The interface it is on, or null when the files do not tell. */
  interface: string | null;
  /**
   * How it was read: "if_inet6" (address, prefix and interface in one line); "fib_trie+route"
   * (a `/32 host LOCAL` leaf of fib_trie, its interface and prefix from the directly connected
   * route of /proc/net/route that holds it); "fib_trie+loopback" (inside a `host LOCAL` range,
   * 127.0.0.0/8: the loopback's); "fib_trie+only-interface" (no route holds it, and the
   * namespace has one interface besides lo); "fib_trie" (interface unknown).
   */
  from: "if_inet6" | "fib_trie+route" | "fib_trie+loopback" | "fib_trie+only-interface" | "fib_trie";
}

/** The other end of a veth, in the host's network namespace: its iflink is our ifindex and the other way round. */
export interface HostPeer {
  name: string;
  ifindex: number;
  /** The bridge it is enslaved to (readlink /sys/class/net/<name>/master), or null. */
  master: string | null;
}

/** An interface of the namespace: /proc/PID/net/dev, and its sysfs directory when that sysfs is this namespace's. */
export interface NetInterface {
  name: string;
  /** /sys/class/net/<name>/ifindex, or null when not read. */
  ifindex: number | null;
  /** /sys/class/net/<name>/iflink: for a veth, the ifindex of its peer (in the peer's namespace). */
  iflink: number | null;
  /** /sys/class/net/<name>/address (the MAC). */
  mac: string | null;
  /** /sys/class/net/<name>/operstate: "up", "down", "unknown" (lo). */
  operstate: string | null;
  rxBytes: number;
  txBytes: number;
  /** Its veth peer in the host's namespace, when there is one. */
  hostPeer: HostPeer | null;
}

export type SocketProtocol = "tcp" | "tcp6" | "udp" | "udp6";

/** A socket waiting for others: TCP in LISTEN, UDP bound and unconnected. */
export interface Listener {
  protocol: SocketProtocol;
  /** Local address: "0.0.0.0" / "::" for every address, "127.0.0.1" for loopback only. */
  address: string;
  port: number;
  /** The socket's inode (/proc/PID/net/tcp's inode column = /proc/PID/fd/N → socket:[inode]). */
  inode: number;
  /** Host PIDs holding it open (forked servers share one socket); empty when no process read holds it. */
  pids: number[];
  /** The containers of those PIDs. */
  containerIds: string[];
}

/** One network namespace of a pod or container (not the host's), read once through one of its processes. */
export interface NetworkNamespace {
  /** Its inode: equal to Container.namespaces.net of the containers in it. */
  inode: number;
  /** The host PID whose /proc/PID/net/* it was read through (the sandbox's, when a pod has one). */
  readThrough: number;
  /** The host PIDs whose /proc/PID/fd were read to find the owners of its sockets. */
  fdsReadOf: number[];
  interfaces: NetInterface[];
  addresses: NetAddress[];
  /** Default routes: IPv4 from /proc/PID/net/route, IPv6 from ipv6_route. */
  defaultRoutes: { family: "inet" | "inet6"; gateway: string; interface: string }[];
  listeners: Listener[];
  /** The sysfs ifindex/iflink/address/operstate were read from (/proc/PID/root/sys/class/net), or null when it is not this namespace's. */
  sysfs: string | null;
  /** What could not be read, in words (a missing file, a foreign sysfs). */
  problems: string[];
}

/** The hostname of one uts namespace, as the kernel says it (uname -n run in that namespace). */
export interface UtsHostname {
  /** The uts namespace inode (Container.namespaces.uts). */
  inode: number;
  hostname: string | null;
  /** The host PID whose namespace was entered (nsenter -t PID -u uname -n). */
  readThrough: number;
  /** Why hostname is null. */
  problem: string | null;
}

export interface Snapshot {
  /** ISO time the snapshot was taken. */
  takenAt: string;
  host: HostFacts;
  /** The Docker engine's status (also in `runtimes`, as id "docker"): kept for the views and recordings made before runtimes. */
  engine: EngineStatus;
  /** Every runtime looked for, found or not, each with its own reachability. */
  runtimes: RuntimeStatus[];
  pods: Pod[];
  containers: Container[];
  /** The processes in containers, and PID 1: read in full from /proc (see ProcScan). */
  processes: Process[];
  /** How many processes /proc listed outside every container: counted, not read (see ProcScan). */
  processesOutsideContainers: number;
  namespaces: Namespace[];
  links: Link[];
  /** The cgroup subtrees of the pods (and of standalone containers), parents before children. */
  cgroups: CgroupNode[];
  /** The network namespaces of pods and containers (not the host's): addresses, routes, listeners, host veth. */
  networks: NetworkNamespace[];
  /** The hostname of each uts namespace of a container (not the host's). */
  hostnames: UtsHostname[];
  warnings: Warning[];
}

// ---------------------------------------------------------------------------------------
// Labels on everything Pod Anatomy creates
// ---------------------------------------------------------------------------------------

export const LABEL_APP = "io.pod-anatomy.app";
export const LABEL_APP_VALUE = "pod-anatomy";
export const LABEL_POD = "io.pod-anatomy.pod";
export const LABEL_ROLE = "io.pod-anatomy.role";
export const LABEL_IMAGE_SOURCE = "io.pod-anatomy.image-source";
export const LABEL_SAMPLE = "io.pod-anatomy.sample";
/** How many containers a pod of ours has in all (half-made-pod detection). */
export const LABEL_POD_SIZE = "io.pod-anatomy.pod-size";
/** Set when the server runs with POD_ANATOMY_RUN_ID (tests): what that run created, to clean up exactly that. */
export const LABEL_RUN = "io.pod-anatomy.run";
/**
 * "true" on every container of a pod built step by step (by the app or typed by a learner):
 * between two steps the pod is incomplete by design, never a half-made leftover to remove.
 */
export const LABEL_STEPWISE = "io.pod-anatomy.stepwise";

// ---------------------------------------------------------------------------------------
// Kubernetes' own label keys (the kubelet sets them on every CRI sandbox and container)
// ---------------------------------------------------------------------------------------

export const K8S_POD_NAME = "io.kubernetes.pod.name";
export const K8S_POD_NAMESPACE = "io.kubernetes.pod.namespace";
export const K8S_POD_UID = "io.kubernetes.pod.uid";
export const K8S_CONTAINER_NAME = "io.kubernetes.container.name";
/** dockershim's: "podsandbox" on the sandbox, "container" on the others. */
export const K8S_DOCKER_TYPE = "io.kubernetes.docker.type";
