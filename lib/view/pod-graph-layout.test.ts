import { describe, expect, it } from "vitest";
import type { Container, Link, NamespaceType, Pod, Snapshot } from "@/lib/model/types";
import { HOST_EDGE_TYPES, LAYOUT_SIZES, layoutPodGraph, spokeNote, type PodGraphLayout } from "@/lib/view/pod-graph-layout";
import * as build from "@/test/support/model-builders";

function container(id: string, name: string, role: Container["role"], podId: string | null, shared: NamespaceType[] = []): Container {
  return build.container({
    id,
    name,
    image: role === "sandbox" ? "registry.k8s.io/pause:3.10" : "busybox",
    pid: 1000,
    podId,
    role,
    sharedWithSandbox: shared,
    own: ["mnt", "uts"],
  });
}

/** A pod: its sandbox `${name}-pause` and members `${name}-${member}`, linked by net, ipc and pid. */
function pod(name: string, memberNames: string[]): { pod: Pod; containers: Container[]; links: Link[] } {
  const sandboxId = `${name}-sandbox-id`;
  const shared: NamespaceType[] = ["pid", "net", "ipc"];
  const members = memberNames.map((m) => container(`${name}-${m}-id`, `${name}-${m}`, "member", sandboxId, shared));
  return {
    pod: build.pod({ id: sandboxId, name, memberIds: members.map((m) => m.id) }),
    containers: [container(sandboxId, `${name}-pause`, "sandbox", sandboxId), ...members],
    links: members.map((m) => ({ podId: sandboxId, sandboxId, memberId: m.id, shared })),
  };
}

function snapshot(pods: ReturnType<typeof pod>[], standalones: Container[] = []): Snapshot {
  return build.snapshot({
    pods: pods.map((p) => p.pod),
    containers: [...standalones, ...pods.flatMap((p) => p.containers)],
    links: pods.flatMap((p) => p.links),
  });
}

const demo = () => snapshot([pod("demo", ["nginx", "ghost"])], [container("lonely-id", "lonely", "standalone", null)]);
const three = () => snapshot([pod("a", ["web"]), pod("b", ["web", "db", "cache"]), pod("c", [])]);

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

function node(layout: PodGraphLayout, id: string) {
  const found = layout.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
}

/** Clusters and standalone footprints (node plus the label block below it) stay apart and inside the drawing. */
function expectNoOverlap(layout: PodGraphLayout) {
  const { nodeRadius, labelBlock, labelHalfWidth, padding } = LAYOUT_SIZES;
  const circles = [
    ...layout.clusters,
    ...layout.nodes
      .filter((n) => n.kind === "standalone")
      .map((n) => ({ x: n.x, y: n.y - nodeRadius + (2 * nodeRadius + labelBlock) / 2, r: Math.hypot(labelHalfWidth, nodeRadius + labelBlock / 2) })),
  ];
  circles.forEach((a, i) => {
    expect(a.x - a.r).toBeGreaterThanOrEqual(0);
    expect(a.y - a.r).toBeGreaterThanOrEqual(0);
    expect(a.x + a.r).toBeLessThanOrEqual(layout.width);
    expect(a.y + a.r).toBeLessThanOrEqual(layout.height);
    for (const b of circles.slice(i + 1)) expect(dist(a, b)).toBeGreaterThanOrEqual(a.r + b.r + padding - 1e-6);
  });
}

/** Each member's label block (beside the node, away from the hub) lies inside its pod's circle, below the pod's name. */
function expectLabelsInside(layout: PodGraphLayout) {
  const { nodeRadius, labelBlock, labelHalfWidth, podLabelRoom } = LAYOUT_SIZES;
  for (const cluster of layout.clusters) {
    for (const m of layout.nodes.filter((n) => n.podId === cluster.podId && n.kind === "member")) {
      const far = m.labelAbove ? m.y - nodeRadius - labelBlock : m.y + nodeRadius + labelBlock;
      for (const x of [m.x - labelHalfWidth, m.x + labelHalfWidth]) {
        expect(dist({ x, y: far }, cluster)).toBeLessThanOrEqual(cluster.r);
      }
      expect(Math.min(far, m.y - nodeRadius)).toBeGreaterThanOrEqual(cluster.y - cluster.r + podLabelRoom);
    }
  }
}

describe("layoutPodGraph", () => {
  it("puts the sandbox at the centre of its pod and the members at equal distance around it", () => {
    const layout = layoutPodGraph(demo());
    const [cluster] = layout.clusters;
    expect(layout.clusters).toHaveLength(1);
    expect(cluster).toMatchObject({ podId: "demo-sandbox-id", label: "demo" });
    const hub = node(layout, "demo-sandbox-id");
    expect(hub.kind).toBe("sandbox");
    expect(hub.x).toBeCloseTo(cluster!.x);
    expect(hub.y).toBeCloseTo(cluster!.y);
    expect(hub.r).toBeGreaterThan(node(layout, "demo-nginx-id").r);

    const members = layout.nodes.filter((n) => n.kind === "member");
    expect(members.map((m) => m.id).sort()).toEqual(["demo-ghost-id", "demo-nginx-id"]);
    const [d1, d2] = members.map((m) => dist(m, hub));
    expect(d1).toBeCloseTo(d2!);
    expect(d1).toBeGreaterThanOrEqual(LAYOUT_SIZES.minSpoke);
    for (const m of members) {
      expect(m.podId).toBe("demo-sandbox-id");
      expect(dist(m, cluster!) + m.r).toBeLessThan(cluster!.r);
    }
  });

  it("draws standalone containers as single nodes outside every pod", () => {
    const layout = layoutPodGraph(demo());
    expect(node(layout, "lonely-id")).toMatchObject({ kind: "standalone", podId: null });
    expect(layout.nodes).toHaveLength(4);
    expectNoOverlap(layout);
  });

  it("draws a spoke from the hub's rim to each member's rim, labelled with the shared types in display order", () => {
    const layout = layoutPodGraph(demo());
    const hub = node(layout, "demo-sandbox-id");
    expect(layout.edges.map((e) => e.id).sort()).toEqual(["demo-sandbox-id->demo-ghost-id", "demo-sandbox-id->demo-nginx-id"]);
    for (const edge of layout.edges) {
      expect(edge.id).toBe(`${edge.sandboxId}->${edge.memberId}`);
      const member = node(layout, edge.memberId);
      expect(edge.shared).toEqual(["net", "ipc", "pid"]);
      expect(dist({ x: edge.x1, y: edge.y1 }, hub)).toBeCloseTo(hub.r);
      expect(dist({ x: edge.x2, y: edge.y2 }, member)).toBeCloseTo(member.r);
      expect(edge.labelX).toBeCloseTo((edge.x1 + edge.x2) / 2);
      expect(edge.labelY).toBeCloseTo((edge.y1 + edge.y2) / 2);
    }
  });

  it("returns an empty layout for an empty snapshot", () => {
    expect(layoutPodGraph(snapshot([]))).toEqual({ width: 0, height: 0, clusters: [], nodes: [], edges: [], host: null, hostEdges: [] });
  });

  it("packs three pods without overlap, every member equidistant from its hub", () => {
    const layout = layoutPodGraph(three());
    expect(layout.clusters.map((c) => c.label).sort()).toEqual(["a", "b", "c"]);
    expectNoOverlap(layout);
    expectLabelsInside(layout);
    for (const cluster of layout.clusters) {
      const hub = node(layout, cluster.podId);
      expect(hub.x).toBeCloseTo(cluster.x);
      expect(hub.y).toBeCloseTo(cluster.y);
      const distances = layout.nodes.filter((n) => n.kind === "member" && n.podId === cluster.podId).map((m) => dist(m, hub));
      for (const d of distances) expect(d).toBeCloseTo(distances[0]!);
    }
    // Members are spread evenly: in pod b, neighbours are 120° apart.
    const hub = node(layout, "b-sandbox-id");
    const angles = layout.nodes
      .filter((n) => n.podId === "b-sandbox-id" && n.kind === "member")
      .map((m) => Math.atan2(m.y - hub.y, m.x - hub.x))
      .sort((x, y) => x - y);
    expect(angles[1]! - angles[0]!).toBeCloseTo((2 * Math.PI) / 3);
    expect(angles[2]! - angles[1]!).toBeCloseTo((2 * Math.PI) / 3);
  });

  it("does not mutate its input", () => {
    // Out of order, so that sorting in place would show.
    const input = three();
    input.pods.reverse();
    input.containers.reverse();
    const before = structuredClone(input);
    layoutPodGraph(input);
    expect(input).toEqual(before);
  });

  it("is deterministic, whatever the order of the input", () => {
    const input = three();
    const shuffled = { ...input, pods: [...input.pods].reverse(), containers: [...input.containers].reverse(), links: [...input.links].reverse() };
    const first = layoutPodGraph(input);
    expect(layoutPodGraph(input)).toEqual(first);
    expect(layoutPodGraph(shuffled)).toEqual(first);
  });

  it("keeps edge ids stable when containers come and go", () => {
    const input = three();
    const withExtra = { ...input, containers: [...input.containers, container("zz-id", "zz", "standalone", null)] };
    const ids = (layout: PodGraphLayout) => layout.edges.map((e) => e.id).sort();
    expect(ids(layoutPodGraph(withExtra))).toEqual(ids(layoutPodGraph(input)));
    expect(ids(layoutPodGraph(input))).toEqual([
      "a-sandbox-id->a-web-id",
      "b-sandbox-id->b-cache-id",
      "b-sandbox-id->b-db-id",
      "b-sandbox-id->b-web-id",
    ]);
  });

  it("puts the labels of members above their hub above the node, and keeps every label inside its pod", () => {
    const seven = snapshot([pod("big", ["a", "b", "c", "d", "e", "f", "g"])]);
    for (const layout of [layoutPodGraph(three()), layoutPodGraph(seven), layoutPodGraph(demo())]) {
      for (const n of layout.nodes.filter((m) => m.kind === "member")) {
        expect(n.labelAbove).toBe(n.y < node(layout, n.podId!).y - 1);
      }
      expectLabelsInside(layout);
    }
  });

  it("makes spokes long enough for their label between the rims", () => {
    const wide = pod("wide", ["app"]);
    wide.links[0]!.shared = ["cgroup", "ipc", "net", "pid", "user", "uts"];
    const layout = layoutPodGraph(snapshot([wide]));
    const [edge] = layout.edges;
    expect(edge!.shared).toEqual(["net", "ipc", "pid", "uts", "cgroup", "user"]);
    const visible = dist({ x: edge!.x1, y: edge!.y1 }, { x: edge!.x2, y: edge!.y2 });
    expect(visible).toBeGreaterThan("net · ipc · pid · uts · cgroup · user".length * LAYOUT_SIZES.spokeCharWidth);
  });
});

describe("spokeNote", () => {
  it("says nothing when namespaces are shared, 'not running' when either end has no process, else 'nothing shared'", () => {
    expect(spokeNote(["net"], { pid: 1 }, { pid: 2 })).toBeNull();
    expect(spokeNote([], { pid: 1 }, { pid: null })).toBe("not running");
    expect(spokeNote([], { pid: null }, { pid: 2 })).toBe("not running");
    expect(spokeNote([], { pid: 1 }, undefined)).toBe("not running");
    expect(spokeNote([], { pid: 1 }, { pid: 2 })).toBe("nothing shared");
  });
});

describe("layoutPodGraph: the host node", () => {
  const HOST_NS = { cgroup: 4026531835, ipc: 4026531839, mnt: 4026531832, net: 4026531833, pid: 4026531836, user: 4026531837, uts: 4026531838 };

  /** The demo pod, with every container sharing cgroup and user with the host (as Docker does), plus `--network host` and `--pid host` containers. */
  function withHost() {
    const input = demo();
    for (const c of input.containers) c.sharedWithHost = ["cgroup", "user"];
    const hostNet = container("hostnet-id", "hostnet", "standalone", null);
    hostNet.sharedWithHost = ["user", "net", "cgroup"];
    const hostPid = container("hostpid-id", "hostpid", "standalone", null);
    hostPid.sharedWithHost = ["pid", "ipc", "cgroup", "user", "time"];
    return { ...input, containers: [...input.containers, hostNet, hostPid], host: { ...input.host, namespaces: HOST_NS, namespacesFrom: 2 } };
  }

  it("puts the host's namespaces in a box above every cluster and node, saying which PID they were read from", () => {
    const layout = layoutPodGraph(withHost());
    const { hostWidth, hostHeight, hostGap, padding } = LAYOUT_SIZES;
    expect(layout.host).toEqual({ x: layout.width / 2, y: padding + hostHeight / 2, width: hostWidth, height: hostHeight, namespacesFrom: 2 });
    const below = padding + hostHeight + hostGap;
    for (const c of layout.clusters) expect(c.y - c.r).toBeGreaterThanOrEqual(below - 1e-6);
    for (const n of layout.nodes) expect(n.y - n.r).toBeGreaterThanOrEqual(below - 1e-6);
    expectNoOverlap(layout);
  });

  it("draws an edge from each container sharing net, ipc, pid or uts with the host, labelled with those types only", () => {
    const layout = layoutPodGraph(withHost());
    expect(HOST_EDGE_TYPES).toEqual(["net", "ipc", "pid", "uts"]);
    expect(layout.hostEdges.map((e) => [e.id, e.shared]).sort()).toEqual([
      ["hostnet-id->host", ["net"]],
      ["hostpid-id->host", ["ipc", "pid"]],
    ]);
    const host = layout.host!;
    for (const edge of layout.hostEdges) {
      const from = node(layout, edge.containerId);
      expect(dist({ x: edge.x1, y: edge.y1 }, from)).toBeCloseTo(from.r);
      // The end lies on the host box's border.
      const onVertical = Math.abs(Math.abs(edge.x2 - host.x) - host.width / 2) < 1e-6 && Math.abs(edge.y2 - host.y) <= host.height / 2 + 1e-6;
      const onHorizontal = Math.abs(Math.abs(edge.y2 - host.y) - host.height / 2) < 1e-6 && Math.abs(edge.x2 - host.x) <= host.width / 2 + 1e-6;
      expect(onVertical || onHorizontal).toBe(true);
      expect(edge.labelX).toBeCloseTo((edge.x1 + edge.x2) / 2);
      expect(edge.labelY).toBeCloseTo((edge.y1 + edge.y2) / 2);
    }
  });

  it("draws the standalone containers in a host namespace in a row right under the host box, their edges crossing no other node", () => {
    const layout = layoutPodGraph(withHost());
    const { hostHeight, hostGap, padding, nodeRadius } = LAYOUT_SIZES;
    const row = ["hostnet-id", "hostpid-id"].map((id) => node(layout, id));
    for (const n of row) expect(n.y).toBeCloseTo(padding + hostHeight + hostGap + nodeRadius);
    expect(row[0]!.x).toBeLessThan(row[1]!.x);
    expect((row[0]!.x + row[1]!.x) / 2).toBeCloseTo(layout.width / 2);
    for (const edge of layout.hostEdges) {
      for (const other of layout.nodes.filter((n) => n.id !== edge.containerId)) {
        // Distance from the other node's centre to the edge's segment.
        const [dx, dy] = [edge.x2 - edge.x1, edge.y2 - edge.y1];
        const t = Math.max(0, Math.min(1, ((other.x - edge.x1) * dx + (other.y - edge.y1) * dy) / (dx * dx + dy * dy)));
        expect(dist(other, { x: edge.x1 + t * dx, y: edge.y1 + t * dy })).toBeGreaterThan(other.r);
      }
    }
    // The clusters start below the row and the labels under it.
    for (const c of layout.clusters) expect(c.y - c.r).toBeGreaterThan(row[0]!.y + nodeRadius + LAYOUT_SIZES.labelBlock);
  });

  it("draws no host edge for containers that share only cgroup, user or time with the host", () => {
    const input = withHost();
    const layout = layoutPodGraph({ ...input, containers: input.containers.filter((c) => !c.id.startsWith("host")) });
    const { hostHeight, hostGap, padding } = LAYOUT_SIZES;
    expect(layout.host).not.toBeNull();
    expect(layout.hostEdges).toEqual([]);
    expect(Math.min(...layout.clusters.map((c) => c.y - c.r), ...layout.nodes.map((n) => n.y - n.r))).toBeGreaterThanOrEqual(padding + hostHeight + hostGap - 1e-6);
    expectNoOverlap(layout);
  });

  it("draws the host box and its row alone when there is no pod", () => {
    const input = withHost();
    const layout = layoutPodGraph({ ...input, pods: [], links: [], containers: input.containers.filter((c) => c.id.startsWith("host")) });
    expect(layout.clusters).toEqual([]);
    expect(layout.nodes.map((n) => n.id)).toEqual(["hostnet-id", "hostpid-id"]);
    expect(layout.hostEdges).toHaveLength(2);
    expectNoOverlap(layout);
  });

  it("draws no host node when the host's namespaces were not read", () => {
    const layout = layoutPodGraph({ ...withHost(), host: { namespaces: {}, namespacesFrom: 1 } });
    expect(layout.host).toBeNull();
    expect(layout.hostEdges).toEqual([]);
    expect(Math.min(...layout.clusters.map((c) => c.y - c.r))).toBeCloseTo(LAYOUT_SIZES.padding);
  });
});
