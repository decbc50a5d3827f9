/**
 * Where each fact drawn in the pod graph comes from, as the tooltip (<title>) of its element:
 * which /proc file a namespace inode was read from, what the engine said about a container,
 * how a pod was recognised. Pure: snapshot data in, text out.
 */
import { NAMESPACE_EXPLANATIONS, type Container, type HostFacts, type NamespaceType, type Pod } from "@/lib/model/types";
import { spokeNote } from "./pod-graph-layout";

const nsPath = (pid: number | null, type: NamespaceType) => `/proc/${pid ?? "?"}/ns/${type}`;

/**
 * One namespace of one container: `net:[4026532184] — from /proc/4966/ns/net`, with the other
 * files that show the same inode, and what the type isolates.
 */
interface SameInode {
  pid: number | null;
  who: string;
}

function namespaceFact(type: NamespaceType, container: Container, alsoIn: SameInode[]): string {
  const inode = container.namespaces[type];
  const id = inode === undefined ? `${type}:[?]` : `${type}:[${inode}]`;
  const others = alsoIn.map((o) => `${nsPath(o.pid, type)} (${o.who})`);
  const from = [`${nsPath(container.pid, type)} (${container.name})`, ...others].join(" = ");
  return `${id} — from ${from}\n${type}: ${NAMESPACE_EXPLANATIONS[type]}`;
}

/** One namespaceFact per type; only the explanations when the container is not in the snapshot. */
function namespaceFacts(types: readonly NamespaceType[], container: Container | undefined, alsoIn: SameInode[]): string {
  if (!container) return types.map((t) => `${t}: ${NAMESPACE_EXPLANATIONS[t]}`).join("\n");
  return types.map((t) => namespaceFact(t, container, alsoIn)).join("\n");
}

/** A spoke: each namespace the member shares with its sandbox, the same inode read from both /proc entries. */
export function linkFact(shared: readonly NamespaceType[], sandbox: Container | undefined, member: Container | undefined): string {
  const note = spokeNote(shared, sandbox, member);
  if (note === "not running") return "not running: a container without a process has no namespaces (/proc/PID/ns) to compare";
  if (note) return "nothing shared: no namespace inode of the member equals the sandbox's";
  return namespaceFacts(shared, member, sandbox ? [{ pid: sandbox.pid, who: sandbox.name }] : []);
}

/** A host edge: each namespace the container shares with the host, equal to the host's PID 1 (or 2). */
export function hostLinkFact(shared: readonly NamespaceType[], container: Container | undefined, host: HostFacts): string {
  return namespaceFacts(shared, container, [{ pid: host.namespacesFrom, who: "the host" }]);
}

/** A container node: what the engine (or /proc) says it is, and where its namespaces and cgroup were read. */
export function containerFact(container: Container): string {
  const lines = [`${container.name} — ${container.image || "image unknown"}`];
  // The full id: an export shortens or masks it (lib/view/export.ts).
  lines.push(
    container.discoveredBy === "engine"
      ? `container ${container.id}: from the Docker engine (docker inspect)`
      : `container ${container.id}: found only in /proc/${container.pid ?? "?"}/cgroup (${container.runtime}; the engine does not know it)`,
  );
  if (container.pid === null) {
    lines.push(`${container.state}: no process, so no namespaces to read`);
  } else {
    lines.push(`namespaces: from /proc/${container.pid}/ns (host PID ${container.pid})`);
    if (container.cgroupPath) lines.push(`cgroup ${container.cgroupPath}: from /proc/${container.pid}/cgroup`);
  }
  return lines.join("\n");
}

const POD_SOURCES: Record<Pod["source"], string> = {
  "pod-anatomy": "Pod Anatomy's labels (io.pod-anatomy.pod) and the members' container: modes",
  kubernetes: "Kubernetes' labels (io.kubernetes.*, from the runtime or the containers) or dockershim names (k8s_POD_…)",
  runtime: "the runtime's own pod (Podman's pod, the CRI's PodSandbox): its infra/sandbox container is the hub",
  inferred: "containers sharing net, ipc or pid namespace inodes with the sandbox (/proc/PID/ns)",
};

/** A pod cluster: how it was recognised. */
export function podFact(pod: Pod): string {
  const ns = pod.k8sNamespace ? ` in namespace ${pod.k8sNamespace}` : "";
  return `pod ${pod.name}${ns}: recognised from ${POD_SOURCES[pod.source]}`;
}
