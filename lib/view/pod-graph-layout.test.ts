import { describe, expect, it } from "vitest";
import type { Container, Link, NamespaceType, Pod, Snapshot } from "@/lib/model/types";
import { LAYOUT_SIZES, layoutPodGraph, type PodGraphLayout } from "@/lib/view/pod-graph-layout";

function container(id: string, name: string, role: Container["role"], podId: string | null, shared: NamespaceType[] = []): Container {
  return {
    id,
    name,
    image: role === "sandbox" ? "registry.k8s.io/pause:3.10" : "busybox",
    imageSource: "stand-in",
    state: "running",
    pid: 1000,
    created: "2025-01-01T00:00:00Z",
    modes: { network: "default", ipc: "private", pid: "", uts: "", cgroupParent: "" },
    labels: {},
    ports: [],
    podId,
    role,
    namespaces: {},
    sharedWithSandbox: shared,
    sharedWithHost: [],
    own: ["mnt", "uts"],
    cgroups: [],
    cgroupPath: null,
    limits: null,
    discoveredBy: "engine",
    runtime: "docker",
    processIds: [],
  };
}

/** A pod: its sandbox `${name}-pause` and members `${name}-${member}`, linked by net, ipc and pid. */
function pod(name: string, memberNames: string[]): { pod: Pod; containers: Container[]; links: Link[] } {
  const sandboxId = `${name}-sandbox-id`;
  const shared: NamespaceType[] = ["pid", "net", "ipc"];
  const members = memberNames.map((m) => container(`${name}-${m}-id`, `${name}-${m}`, "member", sandboxId, shared));
  return {
    pod: { id: sandboxId, name, k8sNamespace: null, source: "pod-anatomy", managed: true, sandboxId, memberIds: members.map((m) => m.id) },
    containers: [container(sandboxId, `${name}-pause`, "sandbox", sandboxId), ...members],
    links: members.map((m) => ({ podId: sandboxId, sandboxId, memberId: m.id, shared })),
  };
}

function snapshot(pods: ReturnType<typeof pod>[], standalones: Container[] = []): Snapshot {
  return {
    takenAt: "2025-01-01T00:00:00Z",
    host: { hostname: "test", kernel: "6.1.0", cgroupVersion: "hybrid", namespaces: {}, namespacesFrom: 1 },
    engine: { state: "ok", version: "27.0.0", apiVersion: "1.47", endpoint: "/var/run/docker.sock" },
    pods: pods.map((p) => p.pod),
    containers: [...standalones, ...pods.flatMap((p) => p.containers)],
    processes: [],
    namespaces: [],
    links: pods.flatMap((p) => p.links),
    cgroups: [],
    warnings: [],
  };
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
    expect(layoutPodGraph(snapshot([]))).toEqual({ width: 0, height: 0, clusters: [], nodes: [], edges: [] });
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
