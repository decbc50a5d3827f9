/**
 * Group containers into pods. Pure: facts in, pods out.
 *
 * A pod is a sandbox (infra, "pause") container plus the containers that join its
 * namespaces. What decides membership, in order:
 *   0. the runtime's own word, where it has pods (the CRI's PodSandbox, Podman's pod):
 *      `ContainerFacts.pod` names the sandbox;
 *   1. `container:<id|name>` in NetworkMode / IpcMode / PidMode: the container joined another;
 *   2. Kubernetes' dockershim names (`k8s_POD_<pod>_<ns>_<uid>_<n>` for the sandbox,
 *      `k8s_<container>_<pod>_<ns>_<uid>_<n>` for the others) and `io.kubernetes.pod.uid` labels;
 *      failing those, the pod uid in the container's cgroup path (kubepods…/pod<uid>/…), the
 *      sandbox being the one whose init runs pause — how a containerd or CRI-O node's pods,
 *      which no engine reports here, are found;
 *   3. Pod Anatomy's own labels (`io.pod-anatomy.pod`, `io.pod-anatomy.role=sandbox`);
 *   4. the kernel: a container whose net, ipc or pid namespace (not the host's) is the same
 *      inode as another's is in the same pod, even when Docker says nothing about it; the
 *      first to hold it (a pause process first, then the oldest) is the pod's sandbox.
 * Which namespaces are really shared is never taken from these hints: the snapshot builder
 * compares the inodes.
 */
import { joinedRef, resolveContainerRef } from "./container-ref";
import {
  K8S_CONTAINER_NAME,
  K8S_DOCKER_TYPE,
  K8S_POD_NAME,
  K8S_POD_NAMESPACE,
  K8S_POD_UID,
  LABEL_APP,
  LABEL_APP_VALUE,
  LABEL_POD,
  LABEL_ROLE,
  type ContainerFacts,
  type NamespaceType,
  type Pod,
} from "./types";

/** The namespace types whose sharing makes a pod (Kubernetes shares net and ipc, pid optionally). */
const POD_NAMESPACES: NamespaceType[] = ["net", "ipc", "pid"];

export interface DockershimName {
  /** "POD" for the sandbox, else the container's name in the pod spec. */
  container: string;
  pod: string;
  namespace: string;
  uid: string;
  attempt: number;
}

/** Parse a dockershim container name: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export function parseDockershimName(name: string): DockershimName | null {
  const m = /^k8s_([^_]+)_([^_]+)_([^_]+)_([^_]+)_(\d+)$/.exec(name);
  if (!m) return null;
  return { container: m[1]!, pod: m[2]!, namespace: m[3]!, uid: m[4]!, attempt: Number(m[5]) };
}

interface K8sIdentity {
  uid: string;
  pod: string;
  namespace: string;
  isSandbox: boolean;
}

/** What the kernel says about a container beyond its namespaces, from its init process. */
export interface KernelHints {
  /** The Kubernetes pod uid in its cgroup path, or null. */
  podUid: string | null;
  /** Its init process runs pause (/pause): a pod's sandbox. */
  isPause: boolean;
  /** The pod's name and namespace, when only its uid is known and the kubelet's /var/log/pods names it. */
  podName?: { name: string; namespace: string };
}

const NO_HINTS: KernelHints = { podUid: null, isPause: false };

function kubernetesIdentity(c: ContainerFacts, hints: KernelHints): K8sIdentity | null {
  const uid = c.labels[K8S_POD_UID];
  if (uid) {
    return {
      uid,
      pod: c.labels[K8S_POD_NAME] ?? uid,
      namespace: c.labels[K8S_POD_NAMESPACE] ?? "",
      isSandbox: c.pod?.isSandbox ?? (c.labels[K8S_DOCKER_TYPE] === "podsandbox" || c.labels[K8S_CONTAINER_NAME] === "POD"),
    };
  }
  const parsed = parseDockershimName(c.name);
  if (parsed) return { uid: parsed.uid, pod: parsed.pod, namespace: parsed.namespace, isSandbox: parsed.container === "POD" };
  // Only the uid is known: it names the pod.
  if (hints.podUid) {
    return { uid: hints.podUid, pod: hints.podName?.name ?? hints.podUid, namespace: hints.podName?.namespace ?? "", isSandbox: hints.isPause };
  }
  return null;
}

function joinedContainer(c: ContainerFacts, containers: ContainerFacts[]): ContainerFacts | undefined {
  for (const mode of [c.networkMode, c.ipcMode, c.pidMode]) {
    const ref = joinedRef(mode);
    if (ref !== null) {
      const target = resolveContainerRef(ref, containers);
      if (target && target.id !== c.id) return target;
    }
  }
  return undefined;
}

export interface PodGrouping {
  pods: Pod[];
  /** container id → pod id (the sandbox's id), for containers in a pod. */
  podOf: Map<string, string>;
}

/**
 * @param namespacesOf the namespace inodes of each running container's init process
 * @param hostNamespaces PID 1's inodes: sharing the host's namespace does not make a pod
 * @param hintsOf the pod uid in each container's cgroup path, and whether its init runs pause
 */
export function groupPods(
  containers: ContainerFacts[],
  namespacesOf: (containerId: string) => Partial<Record<NamespaceType, number>>,
  hostNamespaces: Partial<Record<NamespaceType, number>>,
  hintsOf: (containerId: string) => KernelHints = () => NO_HINTS,
): PodGrouping {
  const sorted = [...containers].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  const hints = new Map(sorted.map((c) => [c.id, hintsOf(c.id)]));
  const k8sOf = new Map(sorted.map((c) => [c.id, kubernetesIdentity(c, hints.get(c.id)!)]));
  const parent = new Map<string, string>();

  // Explicit sandboxes: Kubernetes' and ours.
  const k8sSandboxByUid = new Map<string, ContainerFacts>();
  const ourSandboxByPod = new Map<string, ContainerFacts>();
  const explicitSandbox = new Set<string>();
  const byId = new Map(sorted.map((c) => [c.id, c]));
  for (const c of sorted) {
    // Hint 0: a runtime with pods names the sandbox.
    if (c.pod?.isSandbox) explicitSandbox.add(c.id);
    else if (c.pod && byId.has(c.pod.sandboxId)) parent.set(c.id, c.pod.sandboxId);
  }
  for (const c of sorted) {
    if (c.pod) continue;
    const k8s = k8sOf.get(c.id);
    if (k8s?.isSandbox && !k8sSandboxByUid.has(k8s.uid)) {
      k8sSandboxByUid.set(k8s.uid, c);
      explicitSandbox.add(c.id);
    }
    const ourPod = c.labels[LABEL_POD];
    if (ourPod && c.labels[LABEL_ROLE] === "sandbox" && !ourSandboxByPod.has(ourPod)) {
      ourSandboxByPod.set(ourPod, c);
      explicitSandbox.add(c.id);
    }
  }

  // Hints 1-3.
  for (const c of sorted) {
    if (c.pod) continue;
    const joined = joinedContainer(c, sorted);
    const k8s = k8sOf.get(c.id);
    const k8sSandbox = k8s && !k8s.isSandbox ? k8sSandboxByUid.get(k8s.uid) : undefined;
    const ourPod = c.labels[LABEL_POD];
    const ourSandbox = ourPod && c.labels[LABEL_ROLE] !== "sandbox" ? ourSandboxByPod.get(ourPod) : undefined;
    const target = joined ?? k8sSandbox ?? ourSandbox;
    if (target && target.id !== c.id) parent.set(c.id, target.id);
  }

  // Hint 4: the kernel. The first container holding a non-host pod namespace owns it: a
  // pause process first (a sort is stable: then the oldest).
  const owner = new Map<string, string>();
  const isPause = (c: ContainerFacts) => Number(hints.get(c.id)!.isPause);
  const pauseFirst = [...sorted].sort((a, b) => isPause(b) - isPause(a));
  for (const c of pauseFirst) {
    const ns = namespacesOf(c.id);
    for (const type of POD_NAMESPACES) {
      const inode = ns[type];
      if (inode === undefined || inode === hostNamespaces[type]) continue;
      const key = `${type}:${inode}`;
      const first = owner.get(key);
      if (first === undefined) owner.set(key, c.id);
      else if (!parent.has(c.id) && first !== c.id && !explicitSandbox.has(c.id)) parent.set(c.id, first);
    }
  }

  const rootOf = (id: string): string => {
    const seen = new Set<string>([id]);
    let cur = id;
    for (let next = parent.get(cur); next !== undefined && !seen.has(next); next = parent.get(cur)) {
      seen.add(next);
      cur = next;
    }
    return cur;
  };

  const members = new Map<string, string[]>();
  for (const c of sorted) {
    const root = rootOf(c.id);
    if (root !== c.id) members.set(root, [...(members.get(root) ?? []), c.id]);
  }

  const podOf = new Map<string, string>();
  const pods: Pod[] = [];
  for (const c of sorted) {
    const memberIds = members.get(c.id) ?? [];
    if (memberIds.length === 0 && !explicitSandbox.has(c.id)) continue;
    if (parent.has(c.id)) continue; // not a root
    const k8s = k8sOf.get(c.id);
    const ours = c.labels[LABEL_POD];
    pods.push({
      id: c.id,
      name: ours ?? c.pod?.name ?? k8s?.pod ?? c.name,
      k8sNamespace: c.pod?.namespace ?? (k8s?.namespace || null),
      source: ours ? "pod-anatomy" : k8s ? "kubernetes" : c.pod ? "runtime" : "inferred",
      managed: c.labels[LABEL_APP] === LABEL_APP_VALUE,
      sandboxId: c.id,
      memberIds,
      runtime: c.runtime,
      node: c.node ?? null,
      uid: c.pod?.uid ?? k8s?.uid ?? null,
      state: c.pod?.state ?? null,
    });
    podOf.set(c.id, c.id);
    for (const m of memberIds) podOf.set(m, c.id);
  }
  return { pods, podOf };
}
