/**
 * Layout of the pod graph: pure math, no DOM, no React.
 *
 * Each pod is a cluster: its sandbox (pause) container is the hub at the cluster's
 * centre, its members are spokes placed evenly on a circle around the hub. A container
 * outside any known pod is a single standalone node. Clusters and standalone nodes are
 * circles packed by d3-hierarchy's `pack` (deterministic: it seeds its own random source),
 * fed with copies sorted by size and id, so the same snapshot always gives the same layout
 * and the snapshot is never touched.
 */
import { hierarchy, pack } from "d3";
import type { Container, NamespaceType, Snapshot } from "@/lib/model/types";
import { sortNamespaceTypes } from "@/lib/view/namespace-colors";

export type NodeKind = "sandbox" | "member" | "standalone";

export interface ClusterLayout {
  podId: string;
  x: number;
  y: number;
  r: number;
  /** The pod's display name. */
  label: string;
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

export interface EdgeLayout {
  /** `${sandboxId}->${memberId}`. */
  id: string;
  sandboxId: string;
  memberId: string;
  /** Start, on the hub's rim. */
  x1: number;
  y1: number;
  /** End, on the member's rim. */
  x2: number;
  y2: number;
  /** Middle of the visible line, where the label goes. */
  labelX: number;
  labelY: number;
  /** Estimated width of the label, for the plate behind it. */
  labelWidth: number;
  /** Namespace types the member shares with its sandbox, in NAMESPACE_ORDER. */
  shared: NamespaceType[];
}

export interface PodGraphLayout {
  width: number;
  height: number;
  clusters: ClusterLayout[];
  nodes: NodeLayout[];
  edges: EdgeLayout[];
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
  /** Space between packed circles and around the whole drawing. */
  padding: 32,
} as const;

type Input = Pick<Snapshot, "pods" | "containers" | "links">;

/** A cluster or a standalone node before packing, centred on (0, 0). */
interface Item {
  key: string;
  r: number;
  cluster: Omit<ClusterLayout, "x" | "y"> | null;
  nodes: NodeLayout[];
  edges: EdgeLayout[];
}

const S = LAYOUT_SIZES;

const byNameThenId = (a: Container, b: Container) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Characters of a spoke label as PodGraph writes it: "net · ipc · pid", or "nothing shared". */
const spokeLabelLength = (shared: NamespaceType[]) => (shared.length === 0 ? "nothing shared" : shared.join(" · ")).length;

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
  const labelWidths = shared.map((types) => spokeLabelLength(types) * S.spokeCharWidth);
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
  let top = -S.hubRadius;
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
  return { key: `pod:${pod.id}`, r, cluster: { podId: pod.id, r, label: pod.name }, nodes, edges };
}

/** A standalone node sits high in its circle, its label block below it. */
function standaloneItem(container: Container): Item {
  const halfHeight = S.nodeRadius + S.labelBlock / 2;
  return {
    key: `container:${container.id}`,
    r: Math.hypot(S.labelHalfWidth, halfHeight),
    cluster: null,
    nodes: [{ id: container.id, x: 0, y: S.nodeRadius - halfHeight, r: S.nodeRadius, kind: "standalone", podId: null, labelAbove: false }],
    edges: [],
  };
}

export function layoutPodGraph({ pods, containers, links }: Input): PodGraphLayout {
  const podIds = new Set(pods.map((p) => p.id));
  const sharedByMember = new Map(links.map((l) => [l.memberId, l.shared]));
  const items: Item[] = [
    ...[...pods].sort((a, b) => byString(a.id, b.id)).map((pod) => podItem(pod, containers, sharedByMember)),
    ...containers
      .filter((c) => c.podId === null || !podIds.has(c.podId))
      .sort(byNameThenId)
      .map(standaloneItem),
  ];

  if (items.length === 0) return { width: 0, height: 0, clusters: [], nodes: [], edges: [] };

  // Biggest first, then by key: pack places siblings in this order. Each circle is grown
  // by half the padding, so neighbours end up at least `padding` apart.
  items.sort((a, b) => b.r - a.r || byString(a.key, b.key));
  const root = pack<{ item?: Item }>().radius((node) => (node.data.item?.r ?? 0) + S.padding / 2)(
    hierarchy<{ item?: Item }>({}, (d) => (d.item ? null : items.map((item) => ({ item })))),
  );
  const placed = (root.children ?? []).flatMap((leaf) => (leaf.data.item ? [{ item: leaf.data.item, x: leaf.x, y: leaf.y }] : []));

  // Shift everything so the tight bounding box starts at (padding, padding).
  const minX = Math.min(...placed.map((p) => p.x - p.item.r));
  const minY = Math.min(...placed.map((p) => p.y - p.item.r));
  const maxX = Math.max(...placed.map((p) => p.x + p.item.r));
  const maxY = Math.max(...placed.map((p) => p.y + p.item.r));
  const clusters: ClusterLayout[] = [];
  const nodes: NodeLayout[] = [];
  const edges: EdgeLayout[] = [];
  for (const { item, x, y } of placed) {
    const dx = x - minX + S.padding;
    const dy = y - minY + S.padding;
    if (item.cluster) clusters.push({ ...item.cluster, x: dx, y: dy });
    for (const node of item.nodes) nodes.push({ ...node, x: node.x + dx, y: node.y + dy });
    for (const e of item.edges) {
      edges.push({ ...e, x1: e.x1 + dx, y1: e.y1 + dy, x2: e.x2 + dx, y2: e.y2 + dy, labelX: e.labelX + dx, labelY: e.labelY + dy });
    }
  }
  return { width: maxX - minX + 2 * S.padding, height: maxY - minY + 2 * S.padding, clusters, nodes, edges };
}
