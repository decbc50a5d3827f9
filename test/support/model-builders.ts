/**
 * Builders of the model's wire types (lib/model/types.ts) for unit tests: each returns a
 * complete object with plain defaults, and the fields a test cares about are given as
 * overrides. Pure: no I/O.
 */
import { emptyLimits } from "@/lib/model/parse-cgroupfs";
import type { CgroupLimits, CgroupNode, Container, ContainerFacts, Pod, Process, Snapshot } from "@/lib/model/types";

/** Limits with every value null and no source file; override the values a test reads. */
export function limits(over: Partial<CgroupLimits> = {}): CgroupLimits {
  return { ...emptyLimits(), ...over };
}

/** A cgroup directory: a tree root holding no container and no process unless overridden. */
export function cgroupNode(over: Partial<CgroupNode> & Pick<CgroupNode, "path">): CgroupNode {
  return { parentPath: null, containerId: null, podUid: null, qos: null, limits: limits(), pids: [], ...over };
}

/** What the engine reports of a running standalone container, named after its id. */
export function containerFacts(over: Partial<ContainerFacts> & Pick<ContainerFacts, "id">): ContainerFacts {
  return {
    name: over.id,
    image: "",
    imageId: "sha256:0",
    state: "running",
    pid: null,
    created: "2025-01-01T00:00:00Z",
    networkMode: "default",
    ipcMode: "private",
    pidMode: "",
    utsMode: "",
    cgroupParent: "",
    labels: {},
    ports: [],
    discoveredBy: "engine",
    runtime: "docker",
    ...over,
  };
}

/** A running standalone container, named after its id, in no namespace and no cgroup the test did not give it. */
export function container(over: Partial<Container> & Pick<Container, "id">): Container {
  return {
    node: null,
    exitCode: null,
    attempt: null,
    startedAt: null,
    finishedAt: null,
    mounts: [],
    name: over.id,
    image: "busybox",
    imageSource: "stand-in",
    state: "running",
    pid: null,
    created: "2025-01-01T00:00:00Z",
    modes: { network: "default", ipc: "private", pid: "", uts: "", cgroupParent: "" },
    labels: {},
    ports: [],
    podId: null,
    role: "standalone",
    namespaces: {},
    sharedWithSandbox: [],
    sharedWithHost: [],
    own: [],
    cgroups: [],
    cgroupPath: null,
    limits: null,
    discoveredBy: "engine",
    runtime: "docker",
    processIds: [],
    ...over,
  };
}

/** A pod created by Pod Anatomy whose id is its sandbox's id, with no member unless given. */
export function pod(over: Partial<Pod> & Pick<Pod, "id" | "name">): Pod {
  return {
    k8sNamespace: null,
    source: "pod-anatomy",
    managed: true,
    sandboxId: over.id,
    memberIds: [],
    runtime: "docker",
    node: null,
    uid: null,
    state: null,
    ...over,
  };
}

/** A sleeping host process run by root, named `p<pid>`, in the host's pid namespace only. */
export function proc(over: Partial<Process> & Pick<Process, "pid">): Process {
  return { ppid: 1, name: `p${over.pid}`, state: "S", nspid: [over.pid], uid: 0, cmdline: [], containerId: null, pidNs: null, ...over };
}

/** An empty snapshot of a reachable engine on a cgroup v1/v2 hybrid host whose namespaces were not read. */
export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    takenAt: "2025-01-01T00:00:00Z",
    host: { hostname: "test", kernel: "6.1.0", cgroupVersion: "hybrid", namespaces: {}, namespacesFrom: 1 },
    engine: { state: "ok", version: "27.0.0", apiVersion: "1.47", endpoint: "/var/run/docker.sock" },
    runtimes: [],
    pods: [],
    containers: [],
    processes: [],
    processesOutsideContainers: 0,
    namespaces: [],
    links: [],
    cgroups: [],
    networks: [],
    hostnames: [],
    warnings: [],
    ...over,
  };
}
