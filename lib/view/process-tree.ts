/**
 * The processes of each pod as a forest, built from the snapshot's flat process list: a
 * process hangs under its parent (PPid, a host PID) when the parent is in the same pod,
 * otherwise it is a root (its parent is the container runtime's shim, outside the pod).
 * Pure: the snapshot is never touched.
 *
 * Also the order every per-pod view shows containers in: pods by name, each with its
 * sandbox first and its members by name, then the standalone containers by name.
 */
import { isPidNsInit } from "@/lib/model/pid-namespaces";
import type { Container, Pod, Process, Snapshot } from "@/lib/model/types";

/** The containers of one pod, or one standalone container, in display order. */
export interface ContainerGroup {
  /** `pod:<sandbox id>` or `container:<id>`: stable, for React keys. */
  key: string;
  /** The pod, or null for a standalone container. */
  pod: Pod | null;
  /** The pod's name, or the standalone container's name. */
  name: string;
  /** Sandbox first, then members by name; a single container for a standalone one. */
  containers: Container[];
}

export interface ProcessTreeNode {
  process: Process;
  /** PID 1 of its own (innermost) pid namespace: the last NSpid entry is 1. */
  isPidNsInit: boolean;
  isZombie: boolean;
  /** Children in the same group, by host PID. */
  children: ProcessTreeNode[];
}

export interface ProcessForest {
  group: ContainerGroup;
  /** Processes whose parent is not in the group, by host PID. */
  roots: ProcessTreeNode[];
  /** How many processes the forest holds. */
  count: number;
}

/** One line of a forest drawn as an indented list, parents before their children. */
export interface ProcessRow {
  node: ProcessTreeNode;
  /** 0 for a root. */
  depth: number;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byNameThenId = (a: { name: string; id: string }, b: { name: string; id: string }) => compare(a.name, b.name) || compare(a.id, b.id);

/** Pods (by name), each with its sandbox first and members by name; then standalone containers (by name). */
export function groupContainersByPod({ pods, containers }: Pick<Snapshot, "pods" | "containers">): ContainerGroup[] {
  const podIds = new Set(pods.map((p) => p.id));
  const podGroups = [...pods].sort(byNameThenId).map((pod): ContainerGroup => {
    const sandbox = containers.filter((c) => c.id === pod.sandboxId);
    const members = containers.filter((c) => c.podId === pod.id && c.id !== pod.sandboxId).sort(byNameThenId);
    return { key: `pod:${pod.id}`, pod, name: pod.name, containers: [...sandbox, ...members] };
  });
  const standalone = containers
    .filter((c) => c.podId === null || !podIds.has(c.podId))
    .sort(byNameThenId)
    .map((c): ContainerGroup => ({ key: `container:${c.id}`, pod: null, name: c.name, containers: [c] }));
  return [...podGroups, ...standalone];
}

/** The process forest of every group of groupContainersByPod, in the same order. */
export function buildProcessForests(snapshot: Pick<Snapshot, "pods" | "containers" | "processes">): ProcessForest[] {
  return groupContainersByPod(snapshot).map((group) => {
    const ids = new Set(group.containers.map((c) => c.id));
    const members = snapshot.processes.filter((p) => p.containerId !== null && ids.has(p.containerId)).sort((a, b) => a.pid - b.pid);
    const nodes = new Map<number, ProcessTreeNode>(
      members.map((p) => [p.pid, { process: p, isPidNsInit: isPidNsInit(p), isZombie: p.state === "Z", children: [] }]),
    );
    const parents = new Map<ProcessTreeNode, ProcessTreeNode>();
    const roots: ProcessTreeNode[] = [];
    for (const node of nodes.values()) {
      const parent = nodes.get(node.process.ppid);
      if (parent && parent !== node) {
        parent.children.push(node);
        parents.set(node, parent);
      } else {
        roots.push(node);
      }
    }
    // PPids read at different moments could form a loop, which no root reaches: the first
    // process (by PID) left unreached is cut from its parent and becomes a root, until
    // every process is shown exactly once.
    const reached = new Set(flattenProcessForest(roots).map((row) => row.node));
    for (const node of nodes.values()) {
      if (reached.has(node)) continue;
      const parent = parents.get(node);
      if (parent) parent.children = parent.children.filter((child) => child !== node);
      roots.push(node);
      for (const row of flattenProcessForest([node])) reached.add(row.node);
    }
    roots.sort((a, b) => a.process.pid - b.process.pid);
    return { group, roots, count: nodes.size };
  });
}

/** The forest as rows, depth first, parents before children. */
export function flattenProcessForest(roots: readonly ProcessTreeNode[]): ProcessRow[] {
  const rows: ProcessRow[] = [];
  const visit = (node: ProcessTreeNode, depth: number) => {
    rows.push({ node, depth });
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}
