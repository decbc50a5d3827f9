/**
 * Layout of the cgroup tree: pure math, no DOM, no React.
 *
 * The snapshot's cgroup nodes (each pod's parent cgroup down to its containers' cgroups,
 * parents before children) become a forest; the processes directly in a cgroup
 * (cgroup.procs) hang under it as leaves. d3-hierarchy's `tree` (Reingold–Tilford) places
 * it horizontally: depth grows to the right, one column per level; siblings in the order
 * the other views list containers (pods by name, sandbox first), then by path. Nodes are boxes of two
 * heights (a cgroup card, a process line), so the separation between vertical neighbours
 * is computed in layout units from their heights (nodeSize [1, column]). Edges are
 * d3-shape's horizontal links, from a parent's right side to a child's left side.
 */
import { hierarchy, linkHorizontal, tree, type HierarchyNode } from "d3";
import type { CgroupNode, Container, Pod, Process, Snapshot } from "@/lib/model/types";
import { groupContainersByPod } from "@/lib/view/process-tree";

/** Sizes in layout units (the SVG's user units: drawn 1:1, no scaling, legible on a projector). */
export const CGROUP_TREE_SIZES = {
  cgroupWidth: 420,
  cgroupHeight: 196,
  processWidth: 400,
  processHeight: 44,
  /** Horizontal room between a column's widest box and the next column. */
  columnGap: 72,
  /** Vertical room between neighbours with the same parent, and between other neighbours. */
  siblingGap: 16,
  cousinGap: 36,
  padding: 24,
  /** Processes drawn under one cgroup; more are summed up in one "… more" line. */
  maxProcesses: 8,
} as const;

const S = CGROUP_TREE_SIZES;
const COLUMN = S.cgroupWidth + S.columnGap;

export type CgroupTreeNodeLayout =
  | (Box & {
      kind: "cgroup";
      cgroup: CgroupNode;
      /** The container whose cgroup this is, when it is one and the snapshot has it. */
      container: Container | null;
      /** The pod whose cgroup this is: the lowest cgroup holding all the pod's containers and no other container. */
      pod: Pod | null;
    })
  | (Box & {
      kind: "process";
      pid: number;
      /** The process, or null when the /proc scan did not read it (it exited, or was skipped). */
      process: Process | null;
    })
  | (Box & {
      kind: "more";
      /** How many processes of the parent cgroup are not drawn. */
      count: number;
    });

interface Box {
  /** "cgroup:<path>", "process:<pid>" or "more:<path>": stable, for React keys. */
  key: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** 0 for a tree root. */
  depth: number;
}

export interface CgroupTreeEdge {
  /** "<parent key>-><child key>". */
  key: string;
  /** SVG path data. */
  d: string;
}

export interface CgroupTreeLayout {
  width: number;
  height: number;
  nodes: CgroupTreeNodeLayout[];
  edges: CgroupTreeEdge[];
}

type Input = Pick<Snapshot, "cgroups" | "containers" | "pods" | "processes">;

/** What one hierarchy node stands for, before it is placed. */
type Datum =
  | { kind: "forest"; children: Datum[] }
  | { kind: "cgroup"; cgroup: CgroupNode; children: Datum[] }
  | { kind: "process"; pid: number; cgroupPath: string }
  | { kind: "more"; count: number; cgroupPath: string };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const keyOf = (d: Datum): string =>
  d.kind === "cgroup" ? `cgroup:${d.cgroup.path}` : d.kind === "process" ? `process:${d.pid}` : d.kind === "more" ? `more:${d.cgroupPath}` : "forest";

const widthOf = (d: Datum) => (d.kind === "cgroup" ? S.cgroupWidth : S.processWidth);
const heightOf = (d: Datum) => (d.kind === "cgroup" ? S.cgroupHeight : S.processHeight);

/** For each pod, the lowest cgroup holding all its containers' cgroups and no other container's. */
function podCgroups(cgroups: CgroupNode[], containers: Container[], pods: Pod[]): Map<string, Pod> {
  const byPath = new Map(cgroups.map((c) => [c.path, c]));
  const ancestors = (path: string): string[] => {
    const chain: string[] = [];
    for (let node = byPath.get(path); node && !chain.includes(node.path); node = node.parentPath === null ? undefined : byPath.get(node.parentPath)) {
      chain.push(node.path);
    }
    return chain; // the node itself first, the root last
  };
  const podOf = new Map(containers.map((c) => [c.id, c.podId]));
  const podsBelow = new Map<string, Set<string | null>>();
  for (const node of cgroups) {
    if (node.containerId === null) continue;
    for (const path of ancestors(node.path)) podsBelow.set(path, (podsBelow.get(path) ?? new Set()).add(podOf.get(node.containerId) ?? null));
  }
  const result = new Map<string, Pod>();
  for (const pod of pods) {
    const chains = cgroups.filter((c) => c.containerId !== null && podOf.get(c.containerId) === pod.id).map((c) => ancestors(c.path));
    const [first, ...rest] = chains;
    if (!first) continue;
    // The lowest common ancestor (the first of the first chain that every other chain
    // holds), or its parent when that is a container's own cgroup (a one-container pod).
    const lowest = first.find((path) => rest.every((chain) => chain.includes(path)));
    const candidate = lowest !== undefined && byPath.get(lowest)?.containerId !== null ? byPath.get(lowest)?.parentPath : lowest;
    const below = candidate == null ? undefined : podsBelow.get(candidate);
    if (candidate != null && below?.size === 1 && below.has(pod.id)) result.set(candidate, pod);
  }
  return result;
}

export function layoutCgroupTree({ cgroups, containers, pods, processes }: Input): CgroupTreeLayout {
  if (cgroups.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };

  const paths = new Set(cgroups.map((c) => c.path));
  const childrenOf = new Map<string | null, CgroupNode[]>();
  for (const node of cgroups) {
    // A parent missing from the snapshot makes the node a root rather than losing it.
    const parent = node.parentPath !== null && paths.has(node.parentPath) && node.parentPath !== node.path ? node.parentPath : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), node]);
  }
  // Siblings in the order the other views list containers (pod by pod, sandbox first): a
  // cgroup ranks as the first container below it, so a pod's containers stay together.
  const order = new Map(
    groupContainersByPod({ pods, containers })
      .flatMap((g) => g.containers)
      .map((c, i) => [c.id, i]),
  );
  const ranked = (cgroup: CgroupNode, seen: Set<string>): { datum: Datum; rank: number } => {
    seen.add(cgroup.path);
    const sub = (childrenOf.get(cgroup.path) ?? [])
      .filter((c) => !seen.has(c.path))
      .map((c) => ({ path: c.path, ...ranked(c, seen) }))
      .sort((a, b) => a.rank - b.rank || compare(a.path, b.path));
    const pids = [...cgroup.pids].sort((a, b) => a - b);
    const shown = pids.length > S.maxProcesses ? pids.slice(0, S.maxProcesses - 1) : pids;
    const leaves: Datum[] = shown.map((pid) => ({ kind: "process", pid, cgroupPath: cgroup.path }));
    if (shown.length < pids.length) leaves.push({ kind: "more", count: pids.length - shown.length, cgroupPath: cgroup.path });
    const own = cgroup.containerId === null ? Infinity : (order.get(cgroup.containerId) ?? Infinity);
    return {
      datum: { kind: "cgroup", cgroup, children: [...sub.map((c) => c.datum), ...leaves] },
      rank: Math.min(own, ...sub.map((c) => c.rank)),
    };
  };
  const seen = new Set<string>();
  const forest: Datum = {
    kind: "forest",
    children: (childrenOf.get(null) ?? [])
      .map((c) => ({ path: c.path, ...ranked(c, seen) }))
      .sort((a, b) => a.rank - b.rank || compare(a.path, b.path))
      .map((c) => c.datum),
  };

  const root = hierarchy<Datum>(forest, (d) => (d.kind === "forest" || d.kind === "cgroup" ? d.children : null));
  const placed = tree<Datum>()
    .nodeSize([1, COLUMN])
    .separation((a, b) => (heightOf(a.data) + heightOf(b.data)) / 2 + (a.parent === b.parent ? S.siblingGap : S.cousinGap))(root)
    .descendants()
    .filter((n) => n.depth > 0);
  if (placed.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };

  // node.x is the vertical centre, node.y the column's left side (depth 1 at 0).
  const top = Math.min(...placed.map((n) => n.x - heightOf(n.data) / 2));
  const bottom = Math.max(...placed.map((n) => n.x + heightOf(n.data) / 2));
  const box = (n: HierarchyNode<Datum>) => ({
    key: keyOf(n.data),
    x: (n.y ?? 0) - COLUMN + S.padding,
    y: (n.x ?? 0) - heightOf(n.data) / 2 - top + S.padding,
    width: widthOf(n.data),
    height: heightOf(n.data),
    depth: n.depth - 1,
  });

  const containerById = new Map(containers.map((c) => [c.id, c]));
  const processByPid = new Map(processes.map((p) => [p.pid, p]));
  const podByPath = podCgroups(cgroups, containers, pods);
  const boxes = new Map<HierarchyNode<Datum>, Box>(placed.map((n) => [n, box(n)]));
  const nodes = placed.flatMap((n): CgroupTreeNodeLayout[] => {
    const b = boxes.get(n)!;
    const d = n.data;
    switch (d.kind) {
      case "cgroup": {
        const container = d.cgroup.containerId === null ? null : (containerById.get(d.cgroup.containerId) ?? null);
        return [{ ...b, kind: "cgroup", cgroup: d.cgroup, container, pod: podByPath.get(d.cgroup.path) ?? null }];
      }
      case "process":
        return [{ ...b, kind: "process", pid: d.pid, process: processByPid.get(d.pid) ?? null }];
      case "more":
        return [{ ...b, kind: "more", count: d.count }];
      case "forest": // the invisible root that holds the trees together: filtered out above
        return [];
    }
  });

  const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
  const edges = placed.flatMap((n): CgroupTreeEdge[] => {
    const parent = n.parent ? boxes.get(n.parent) : undefined;
    const child = boxes.get(n)!;
    if (!parent) return [];
    const d = link({ source: [parent.x + parent.width, parent.y + parent.height / 2], target: [child.x, child.y + child.height / 2] });
    return d === null ? [] : [{ key: `${parent.key}->${child.key}`, d }];
  });

  const right = Math.max(...nodes.map((n) => n.x + n.width));
  return { width: right + S.padding, height: bottom - top + 2 * S.padding, nodes, edges };
}
