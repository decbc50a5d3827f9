import { describe, expect, it } from "vitest";
import type { Container, NamespaceType } from "@/lib/model/types";
import { LAYOUT_SIZES, layoutPodGraph } from "@/lib/view/pod-graph-layout";
import * as build from "@/test/support/model-builders";

/** The demo pod (pause, nginx, ghost), the host's namespaces read: what a focused pod's graph draws. */
function demo(hostNetwork = false) {
  const id = "demo-sandbox";
  const shared: NamespaceType[] = ["net", "ipc", "pid"];
  const member = (name: string): Container =>
    build.container({
      id: `demo-${name}`,
      name: `demo-${name}`,
      podId: id,
      role: "member",
      sharedWithSandbox: shared,
      own: ["mnt", "uts"],
      ...(hostNetwork && name === "nginx" ? { sharedWithHost: ["net", "cgroup", "user", "time"] as NamespaceType[] } : {}),
    });
  const members = [member("nginx"), member("ghost")];
  return build.snapshot({
    host: { hostname: "test", kernel: "6.1.0", cgroupVersion: "hybrid", namespaces: { net: 1, ipc: 2, pid: 3 }, namespacesFrom: 1 },
    pods: [build.pod({ id, name: "demo", memberIds: members.map((m) => m.id) })],
    containers: [build.container({ id, name: "demo-pause", podId: id, role: "sandbox" }), ...members],
    links: members.map((m) => ({ podId: id, sandboxId: id, memberId: m.id, shared })),
  });
}

describe("layoutPodGraph, compact (one pod in focus)", () => {
  it("sizes the drawing to what it holds: smaller than the packed circle, everything inside it", () => {
    const snap = demo();
    const full = layoutPodGraph(snap);
    const compact = layoutPodGraph(snap, { compact: true });
    expect(full.clusters[0]!.box).toBeUndefined();
    const box = compact.clusters[0]!.box!;
    expect(box).toBeDefined();
    // The same nodes and edges, relative to each other.
    expect(compact.nodes.map((n) => n.id)).toEqual(full.nodes.map((n) => n.id));
    const hub = (l: typeof full) => l.nodes.find((n) => n.kind === "sandbox")!;
    for (const [a, b] of compact.nodes.map((n, i) => [n, full.nodes[i]!] as const)) {
      expect(a.x - hub(compact).x).toBeCloseTo(b.x - hub(full).x);
      expect(a.y - hub(compact).y).toBeCloseTo(b.y - hub(full).y);
    }
    // Much less tall: the pod's band, not the circle packing needs.
    expect(compact.height).toBeLessThan(full.height * 0.6);
    expect(compact.width).toBeLessThanOrEqual(full.width);
    // Every node and its labels inside the drawing and inside the pod's box.
    const { nodeRadius, labelBlock, labelHalfWidth, hubRadius } = LAYOUT_SIZES;
    const cluster = compact.clusters[0]!;
    for (const n of compact.nodes) {
      const [halfWidth, below] = n.kind === "sandbox" ? [hubRadius, hubRadius] : [labelHalfWidth, nodeRadius + labelBlock];
      expect(n.x - halfWidth).toBeGreaterThanOrEqual(cluster.x + box.x);
      expect(n.x + halfWidth).toBeLessThanOrEqual(cluster.x + box.x + box.width);
      expect(n.y - n.r).toBeGreaterThanOrEqual(cluster.y + box.y);
      expect(n.y + below).toBeLessThanOrEqual(cluster.y + box.y + box.height);
      expect(n.x - halfWidth).toBeGreaterThanOrEqual(0);
      expect(n.x + halfWidth).toBeLessThanOrEqual(compact.width);
      expect(n.y + below).toBeLessThanOrEqual(compact.height);
    }
    // Nothing has an edge to the host (cgroup, user, time are said on each member): no host box.
    expect(full.host).not.toBeNull();
    expect(compact.host).toBeNull();
  });

  it("keeps the host box when a member shares a namespace drawn as an edge to it, the pod's box below it", () => {
    const compact = layoutPodGraph(demo(true), { compact: true });
    const cluster = compact.clusters[0]!;
    expect(compact.host).not.toBeNull();
    expect(compact.hostEdges.map((e) => [e.containerId, e.shared])).toEqual([["demo-nginx", ["net"]]]);
    expect(cluster.y + cluster.box!.y).toBeGreaterThan(compact.host!.y + compact.host!.height / 2);
  });
});
