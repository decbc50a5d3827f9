/**
 * Layout of the pod graph: pure math, no DOM, no React.
 *
 * Each pod is a cluster: its sandbox (pause) container is the hub at the cluster's
 * centre, its members are spokes placed evenly on a circle around the hub. A container
 * outside any known pod is a single standalone node. Clusters and standalone nodes are
 * circles packed by d3-hierarchy's `pack` (deterministic: it seeds its own random source),
 * fed with copies sorted by size and id, so the same snapshot always gives the same layout
 * and the snapshot is never touched.
 *
 * The host's own namespaces are one more node, a box above the clusters, with a dashed
 * edge from every container that shares one of them of a type that makes a pod (net, ipc,
 * pid, uts: `--network host`, `--ipc host`, `--pid host`, `--uts host`). Standalone
 * containers with such an edge are drawn in a row right under the host box.
 */
import { hierarchy, pack } from "d3";
import type { Container, HostFacts, NamespaceType, Snapshot } from "@/lib/model/types";
import { sortNamespaceTypes } from "@/lib/view/namespace-colors";

export type NodeKind = "sandbox" | "member" | "standalone";

export interface ClusterLayout {
  podId: string;
  x: number;
  y: number;
  r: number;
  /** The pod's display name. */
  label: string;
  /**
   * In a compact layout (one pod in focus), the box the cluster's drawing fills, relative to its
   * centre, drawn instead of the circle: the drawing is sized to it, not to the circle that packing needs.
   */
  box?: { x: number; y: number; width: number; height: number };
}

export interface NodeLayout {
  /** The container id. */
  id: string;
  x: number;
  y: number;
  r: number;
  kind: NodeKind;
  /** The cluster this node is drawn in, or null for a standalone node. */
  podId: string | null;
  /** True when the node sits above its hub: its labels go above it, away from the spoke. */
  labelAbove: boolean;
}

/** A line between two rims (a spoke, or an edge to the host box), labelled in its middle with namespace types. */
export interface LabelledLine {
  id: string;
  /** Start, on the rim of the hub (spoke) or of the container (host edge). */
  x1: number;
  y1: number;
  /** End, on the member's rim (spoke) or the host box's border (host edge). */
  x2: number;
  y2: number;
  /** Middle of the visible line, where the label goes. */
  labelX: number;
  labelY: number;
  /** Estimated width of the label, for the plate behind it. */
  labelWidth: number;
  /** The namespace types shared, in NAMESPACE_ORDER. */
  shared: NamespaceType[];
}

export interface EdgeLayout extends LabelledLine {
  /** `${sandboxId}->${memberId}`. */
  id: string;
  sandboxId: string;
  memberId: string;
  /** Namespace types the member shares with its sandbox, in NAMESPACE_ORDER. */
  shared: NamespaceType[];
}

/**
 * Namespace types whose sharing with the host gets an edge to the host node. cgroup, user
 * and time are left out: Docker shares them with the host unless told otherwise (no
 * userns-remap, cgroup v1, no time namespace support), so every container would get one.
 */
export const HOST_EDGE_TYPES: readonly NamespaceType[] = ["net", "ipc", "pid", "uts"];

/** The types left out of the host edges (see HOST_EDGE_TYPES): the host node says how many containers share them. */
export const HOST_QUIET_TYPES: readonly NamespaceType[] = ["cgroup", "user", "time"];

/** The host's namespaces: a box, centred on (x, y). */
export interface HostNodeLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The PID the host's namespaces were read from: 1, or 2 when PID 1's are unreadable. */
  namespacesFrom: number;
}

export interface HostEdgeLayout extends LabelledLine {
  /** `${containerId}->host`. */
  id: string;
  containerId: string;
  /** The HOST_EDGE_TYPES the container shares with the host, in NAMESPACE_ORDER. */
  shared: NamespaceType[];
}

export interface PodGraphLayout {
  width: number;
  height: number;
  clusters: ClusterLayout[];
  nodes: NodeLayout[];
  edges: EdgeLayout[];
  /** The host node, when the host's namespaces were read and there is a container to draw. */
  host: HostNodeLayout | null;
  hostEdges: HostEdgeLayout[];
}

/** Sizes in layout units (the SVG's viewBox units), sized for a projector at about 1:1. */
export const LAYOUT_SIZES = {
  /** Room inside the hub for an 18-character name and a 21-character image. */
  hubRadius: 116,
  nodeRadius: 44,
  /** Distance between the baselines of a node's label lines. */
  lineHeight: 24,
  /** Room a node's label block takes beside its node: up to 4 lines plus gaps. */
  labelBlock: 106,
  /** Half the width of a node's label block (a 20-character name at 19px bold). */
  labelHalfWidth: 130,
  /** Width of one character of a spoke label (18px bold), a generous estimate. */
  spokeCharWidth: 9,
  /** Shortest hub-to-member distance. */
  minSpoke: 280,
  /** Shortest distance between neighbouring members, so their labels do not collide. */
  minMemberGap: 280,
  /** Room at the top of a cluster for the pod's name. */
  podLabelRoom: 56,
  /** Room above the hub for its network lines (pod IP, published ports, veth and bridge): three lines. */
  hubNetworkBlock: 84,
  /** Space between packed circles and around the whole drawing. */
  padding: 32,
  /** The host box: four lines of text, and the room between it and the clusters below. */
  hostWidth: 420,
  hostHeight: 132,
  hostGap: 96,
} as const;

type Input = Pick<Snapshot, "pods" | "containers" | "links"> & { host: Pick<HostFacts, "namespaces" | "namespacesFrom"> };

/** A cluster or a standalone node before packing, centred on (0, 0). */
interface Item {
  key: string;
  r: number;
  /** What its drawing covers, relative to its centre: the circle for a standalone node, less for a pod. */
  bounds: { x0: number; y0: number; x1: number; y1: number };
  cluster: Omit<ClusterLayout, "x" | "y"> | null;
  nodes: NodeLayout[];
  edges: EdgeLayout[];
}

const S = LAYOUT_SIZES;

const byNameThenId = (a: Container, b: Container) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What a spoke that shows no namespace in common says instead: "not running" when the sandbox
 * or the member has no process (no /proc/PID/ns to compare: created and not yet started, or
 * exited), else "nothing shared"; null when it shares some (PodGraph draws their types).
 */
export function spokeNote(shared: readonly NamespaceType[], sandbox: Pick<Container, "pid"> | undefined, member: Pick<Container, "pid"> | undefined): string | null {
  if (shared.length > 0) return null;
  return (sandbox?.pid ?? null) === null || (member?.pid ?? null) === null ? "not running" : "nothing shared";
}

/** Characters of a spoke label as PodGraph writes it: "net · ipc · pid", or its note. */
const spokeLabelLength = (shared: NamespaceType[], note: string | null) => (note ?? shared.join(" · ")).length;

/** Characters of a host edge label as PodGraph writes it: "host net · pid". */
const hostLabelLength = (shared: NamespaceType[]) => `host ${shared.join(" · ")}`.length;

/** Where the segment from the centre of a w×h box towards (dx, dy) leaves the box. */
function boxExit(dx: number, dy: number, w: number, h: number): [number, number] {
  const scale = Math.min(dx === 0 ? Infinity : w / 2 / Math.abs(dx), dy === 0 ? Infinity : h / 2 / Math.abs(dy));
  return [dx * scale, dy * scale];
}

/** A dashed edge from a node to the host box, or null when the node shares none of HOST_EDGE_TYPES. */
function hostEdge(node: NodeLayout, container: Container, host: HostNodeLayout): HostEdgeLayout | null {
  const shared = sortNamespaceTypes(container.sharedWithHost.filter((t) => HOST_EDGE_TYPES.includes(t)));
  if (shared.length === 0) return null;
  const [dx, dy] = [host.x - node.x, host.y - node.y];
  const length = Math.hypot(dx, dy);
  const [x1, y1] = [node.x + (dx / length) * node.r, node.y + (dy / length) * node.r];
  const [ex, ey] = boxExit(-dx, -dy, host.width, host.height);
  const [x2, y2] = [host.x + ex, host.y + ey];
  return {
    id: `${container.id}->host`,
    containerId: container.id,
    x1,
    y1,
    x2,
    y2,
    labelX: (x1 + x2) / 2,
    labelY: (y1 + y2) / 2,
    labelWidth: hostLabelLength(shared) * S.spokeCharWidth,
    shared,
  };
}

/** Distance from a cluster's centre to the farthest corner of a member's label block. */
function labelReach(x: number, y: number, above: boolean): number {
  const far = above ? y - S.nodeRadius - S.labelBlock : y + S.nodeRadius + S.labelBlock;
  return Math.hypot(Math.abs(x) + S.labelHalfWidth, Math.max(Math.abs(far), Math.abs(y)));
}

function podItem(pod: Snapshot["pods"][number], containers: Container[], sharedByMember: Map<string, NamespaceType[]>): Item {
  const hub = containers.find((c) => c.id === pod.sandboxId);
  const members = containers.filter((c) => c.podId === pod.id && c.id !== pod.sandboxId).sort(byNameThenId);
  const shared = members.map((m) => sortNamespaceTypes(sharedByMember.get(m.id) ?? m.sharedWithSandbox));
  const n = members.length;
  // Long enough for the longest spoke label, with some line showing on either side of it,
  // and for members not to crowd each other.
  const labelWidths = shared.map((types, i) => spokeLabelLength(types, spokeNote(types, hub, members[i])) * S.spokeCharWidth);
  const longestLabel = Math.max(0, ...labelWidths);
  const spoke = Math.max(
    S.minSpoke,
    S.hubRadius + S.nodeRadius + longestLabel + 64,
    n < 2 ? 0 : S.minMemberGap / 2 / Math.sin(Math.PI / n),
  );
  const nodes: NodeLayout[] = [];
  const edges: EdgeLayout[] = [];
  if (hub) nodes.push({ id: hub.id, x: 0, y: 0, r: S.hubRadius, kind: "sandbox", podId: pod.id, labelAbove: false });
  let reach = S.hubRadius + S.podLabelRoom;
  // Members sit half a step off the vertical, so the hub's top is free: its network lines go there.
  let top = -S.hubRadius - S.hubNetworkBlock;
  members.forEach((member, i) => {
    // Half a step off the vertical: two members sit left and right, none straight above the hub.
    const angle = -Math.PI / 2 + Math.PI / n + (i * 2 * Math.PI) / n;
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    const [x, y] = [spoke * cos, spoke * sin];
    const labelAbove = y < -1;
    nodes.push({ id: member.id, x, y, r: S.nodeRadius, kind: "member", podId: pod.id, labelAbove });
    reach = Math.max(reach, labelReach(x, y, labelAbove) + S.padding / 2);
    top = Math.min(top, labelAbove ? y - S.nodeRadius - S.labelBlock : y - S.nodeRadius);
    const [start, end] = [S.hubRadius, spoke - S.nodeRadius];
    edges.push({
      id: `${pod.sandboxId}->${member.id}`,
      sandboxId: pod.sandboxId,
      memberId: member.id,
      x1: start * cos,
      y1: start * sin,
      x2: end * cos,
      y2: end * sin,
      labelX: ((start + end) / 2) * cos,
      labelY: ((start + end) / 2) * sin,
      labelWidth: labelWidths[i] ?? 0,
      shared: shared[i] ?? [],
    });
  });
  const r = Math.max(reach, -top + S.podLabelRoom);
  // The drawing's own extent: the hub, each member with its label block, the pod's name above all.
  let x0: number = -S.hubRadius;
  let x1: number = S.hubRadius;
  let y1: number = S.hubRadius;
  for (const node of nodes) {
    if (node.kind !== "member") continue;
    x0 = Math.min(x0, node.x - S.labelHalfWidth);
    x1 = Math.max(x1, node.x + S.labelHalfWidth);
    y1 = Math.max(y1, node.labelAbove ? node.y + S.nodeRadius : node.y + S.nodeRadius + S.labelBlock);
  }
  const bounds = { x0: x0 - S.padding / 2, y0: top - S.podLabelRoom, x1: x1 + S.padding / 2, y1: y1 + S.padding / 2 };
  return { key: `pod:${pod.id}`, r, bounds, cluster: { podId: pod.id, r, label: pod.name }, nodes, edges };
}

/** A standalone node sits high in its circle (the footprint of node and label block), its label block below it. */
const STANDALONE_HALF_HEIGHT = S.nodeRadius + S.labelBlock / 2;
const STANDALONE_RADIUS = Math.hypot(S.labelHalfWidth, STANDALONE_HALF_HEIGHT);

function standaloneItem(container: Container): Item {
  return {
    key: `container:${container.id}`,
    r: STANDALONE_RADIUS,
    bounds: { x0: -STANDALONE_RADIUS, y0: -STANDALONE_RADIUS, x1: STANDALONE_RADIUS, y1: STANDALONE_RADIUS },
    cluster: null,
    nodes: [{ id: container.id, x: 0, y: S.nodeRadius - STANDALONE_HALF_HEIGHT, r: S.nodeRadius, kind: "standalone", podId: null, labelAbove: false }],
    edges: [],
  };
}

export interface LayoutOptions {
  /**
   * Size the drawing to what it holds rather than to the circles packing needs: for one pod
   * in focus, drawn large. Its cluster then carries a `box`, drawn instead of its circle.
   */
  compact?: boolean;
}

export function layoutPodGraph({ pods, containers, links, host }: Input, { compact = false }: LayoutOptions = {}): PodGraphLayout {
  const podIds = new Set(pods.map((p) => p.id));
  const sharedByMember = new Map(links.map((l) => [l.memberId, l.shared]));
  const sharesHostEdge = (c: Container) => c.sharedWithHost.some((t) => HOST_EDGE_TYPES.includes(t));
  // In focus, the host box only when something has an edge to it: each member's label already
  // says what it shares with the host, and the box would take a third of the drawing's height.
  const hasHost = Object.keys(host.namespaces).length > 0 && (!compact || containers.some(sharesHostEdge));
  const standalone = containers.filter((c) => c.podId === null || !podIds.has(c.podId)).sort(byNameThenId);
  // Standalone containers in a host namespace (`--network host`, …) sit in a row right under
  // the host box, so their edges to it are short and cross nothing.
  const inHostRow = (c: Container) => hasHost && sharesHostEdge(c);
  const hostRow = standalone.filter(inHostRow);
  const items: Item[] = [
    ...[...pods].sort((a, b) => byString(a.id, b.id)).map((pod) => podItem(pod, containers, sharedByMember)),
    ...standalone.filter((c) => !inHostRow(c)).map(standaloneItem),
  ];

  if (items.length === 0 && hostRow.length === 0) return { width: 0, height: 0, clusters: [], nodes: [], edges: [], host: null, hostEdges: [] };

  // Biggest first, then by key: pack places siblings in this order. Each circle is grown
  // by half the padding, so neighbours end up at least `padding` apart.
  items.sort((a, b) => b.r - a.r || byString(a.key, b.key));
  const root = pack<{ item?: Item }>().radius((node) => (node.data.item?.r ?? 0) + S.padding / 2)(
    hierarchy<{ item?: Item }>({}, (d) => (d.item ? null : items.map((item) => ({ item })))),
  );
  const placed = (root.children ?? []).flatMap((leaf) => (leaf.data.item ? [{ item: leaf.data.item, x: leaf.x, y: leaf.y }] : []));

  // From the top: the host box, the row of containers in host namespaces, then the packed
  // clusters, each block centred on the widest one.
  const extent = (values: number[], pick: (...v: number[]) => number) => (values.length > 0 ? pick(...values) : 0);
  const edge = (p: (typeof placed)[number], side: "x0" | "y0" | "x1" | "y1") =>
    compact ? (side[0] === "x" ? p.x : p.y) + p.item.bounds[side] : (side[0] === "x" ? p.x : p.y) + (side[1] === "0" ? -p.item.r : p.item.r);
  const minX = extent(placed.map((p) => edge(p, "x0")), Math.min);
  const minY = extent(placed.map((p) => edge(p, "y0")), Math.min);
  const maxX = extent(placed.map((p) => edge(p, "x1")), Math.max);
  const maxY = extent(placed.map((p) => edge(p, "y1")), Math.max);
  // The row's containers keep the footprints (and spacing) the pack gives standalone ones.
  const slot = 2 * STANDALONE_RADIUS + S.padding;
  const rowWidth = hostRow.length * slot - S.padding;
  const width = Math.max(maxX - minX, hasHost ? S.hostWidth : 0, rowWidth) + 2 * S.padding;
  const rowY = S.padding + S.hostHeight + S.hostGap + S.nodeRadius;
  const rowBottom = rowY - S.nodeRadius + STANDALONE_HALF_HEIGHT + STANDALONE_RADIUS;
  const top = !hasHost ? S.padding : hostRow.length > 0 ? rowBottom + S.padding : S.padding + S.hostHeight + S.hostGap;
  const left = (width - (maxX - minX)) / 2;
  const hostNode: HostNodeLayout | null = hasHost
    ? { x: width / 2, y: S.padding + S.hostHeight / 2, width: S.hostWidth, height: S.hostHeight, namespacesFrom: host.namespacesFrom }
    : null;
  const clusters: ClusterLayout[] = [];
  const nodes: NodeLayout[] = hostRow.map((c, i) => ({
    id: c.id,
    x: (width - rowWidth) / 2 + STANDALONE_RADIUS + i * slot,
    y: rowY,
    r: S.nodeRadius,
    kind: "standalone",
    podId: null,
    labelAbove: false,
  }));
  const edges: EdgeLayout[] = [];
  for (const { item, x, y } of placed) {
    const dx = x - minX + left;
    const dy = y - minY + top;
    if (item.cluster) {
      const { x0, y0, x1, y1 } = item.bounds;
      clusters.push({ ...item.cluster, x: dx, y: dy, ...(compact ? { box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } } : {}) });
    }
    for (const node of item.nodes) nodes.push({ ...node, x: node.x + dx, y: node.y + dy });
    for (const e of item.edges) {
      edges.push({ ...e, x1: e.x1 + dx, y1: e.y1 + dy, x2: e.x2 + dx, y2: e.y2 + dy, labelX: e.labelX + dx, labelY: e.labelY + dy });
    }
  }
  const byId = new Map(containers.map((c) => [c.id, c]));
  const hostEdges = hostNode
    ? nodes.flatMap((node) => {
        const container = byId.get(node.id);
        const edge = container ? hostEdge(node, container, hostNode) : null;
        return edge ? [edge] : [];
      })
    : [];
  const bottom = placed.length > 0 ? maxY - minY + top : hostRow.length > 0 ? rowBottom : S.padding + S.hostHeight;
  return { width, height: bottom + S.padding, clusters, nodes, edges, host: hostNode, hostEdges };
}
