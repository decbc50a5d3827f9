import { describe, expect, it } from "vitest";
import type { CgroupNode, Container, Pod, Process } from "@/lib/model/types";
import { CGROUP_TREE_SIZES, layoutCgroupTree, type CgroupTreeLayout } from "@/lib/view/cgroup-tree-layout";
import * as build from "@/test/support/model-builders";

const LIMITS = build.limits({ memoryLimit: 67108864, memoryUsage: 1048576, cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 1024, pidsMax: 50, pidsCurrent: 1, cpusetCpus: "0-1" });

function cgroup(path: string, parentPath: string | null, containerId: string | null, pids: number[] = []): CgroupNode {
  return build.cgroupNode({ path, parentPath, containerId, limits: LIMITS, pids });
}

function container(id: string, podId: string | null): Container {
  return build.container({ id, podId, role: podId === null ? "standalone" : podId === id ? "sandbox" : "member" });
}

const pod = (id: string, name: string, memberIds: string[]): Pod => build.pod({ id, name, memberIds });

const proc = (pid: number, containerId: string): Process => build.proc({ pid, nspid: [pid, 1], containerId });

/** The demo pod under --cgroup-parent /pod-demo (pause, nginx with two processes, ghost), and a standalone container under /docker. */
function demo() {
  return {
    pods: [pod("pause", "demo", ["nginx", "ghost"])],
    containers: [container("pause", "pause"), container("nginx", "pause"), container("ghost", "pause"), container("lonely", null)],
    processes: [proc(100, "pause"), proc(200, "nginx"), proc(201, "nginx"), proc(300, "ghost"), proc(400, "lonely")],
    cgroups: [
      cgroup("/docker", null, null),
      cgroup("/docker/lonely", "/docker", "lonely", [400]),
      cgroup("/pod-demo", null, null),
      cgroup("/pod-demo/ghost", "/pod-demo", "ghost", [300]),
      cgroup("/pod-demo/nginx", "/pod-demo", "nginx", [201, 200]),
      cgroup("/pod-demo/pause", "/pod-demo", "pause", [100]),
    ],
  };
}

const S = CGROUP_TREE_SIZES;
const COLUMN = S.cgroupWidth + S.columnGap;

function find(layout: CgroupTreeLayout, key: string) {
  const node = layout.nodes.find((n) => n.key === key);
  if (!node) throw new Error(`no node ${key}`);
  return node;
}

/** Every box inside the drawing, and no two boxes overlapping (with the gap between neighbours). */
function expectNoOverlap(layout: CgroupTreeLayout) {
  layout.nodes.forEach((a, i) => {
    expect(a.x).toBeGreaterThanOrEqual(S.padding);
    expect(a.y).toBeGreaterThanOrEqual(S.padding - 1e-6);
    expect(a.x + a.width).toBeLessThanOrEqual(layout.width - S.padding + 1e-6);
    expect(a.y + a.height).toBeLessThanOrEqual(layout.height - S.padding + 1e-6);
    for (const b of layout.nodes.slice(i + 1)) {
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height + S.siblingGap <= b.y + 1e-6 || b.y + b.height + S.siblingGap <= a.y + 1e-6;
      expect(apart, `${a.key} overlaps ${b.key}`).toBe(true);
    }
  });
}

describe("layoutCgroupTree", () => {
  it("draws one column per level: parent cgroups, then container cgroups, then their processes", () => {
    const layout = layoutCgroupTree(demo());
    expect(layout.nodes.map((n) => [n.key, n.depth]).sort()).toEqual([
      ["cgroup:/docker", 0],
      ["cgroup:/docker/lonely", 1],
      ["cgroup:/pod-demo", 0],
      ["cgroup:/pod-demo/ghost", 1],
      ["cgroup:/pod-demo/nginx", 1],
      ["cgroup:/pod-demo/pause", 1],
      ["process:100", 2],
      ["process:200", 2],
      ["process:201", 2],
      ["process:300", 2],
      ["process:400", 2],
    ]);
    for (const node of layout.nodes) expect(node.x).toBeCloseTo(S.padding + node.depth * COLUMN);
    expect(layout.width).toBeCloseTo(2 * COLUMN + S.processWidth + 2 * S.padding);
    expectNoOverlap(layout);
  });

  it("orders siblings as the other views list containers (pods by name, sandbox first), then by path; processes by PID", () => {
    const data = demo();
    const layout = layoutCgroupTree({ ...data, cgroups: [...data.cgroups, cgroup("/empty-b", null, null), cgroup("/empty-a", null, null)] });
    const top = (prefix: string) =>
      layout.nodes
        .filter((n) => n.key.startsWith(prefix) && n.key.slice(prefix.length).split("/").length === 1)
        .sort((a, b) => a.y - b.y)
        .map((n) => n.key);
    expect(top("cgroup:/")).toEqual(["cgroup:/pod-demo", "cgroup:/docker", "cgroup:/empty-a", "cgroup:/empty-b"]);
    expect(top("cgroup:/pod-demo/")).toEqual(["cgroup:/pod-demo/pause", "cgroup:/pod-demo/ghost", "cgroup:/pod-demo/nginx"]);
    expect(find(layout, "process:200").y).toBeLessThan(find(layout, "process:201").y);
    expectNoOverlap(layout);
  });

  it("links each node to its parent, from the parent's right side to the child's left side", () => {
    const layout = layoutCgroupTree(demo());
    expect(layout.edges).toHaveLength(layout.nodes.length - 2);
    const edge = layout.edges.find((e) => e.key === "cgroup:/pod-demo->cgroup:/pod-demo/nginx");
    const parent = find(layout, "cgroup:/pod-demo");
    const child = find(layout, "cgroup:/pod-demo/nginx");
    expect(edge?.d).toMatch(new RegExp(`^M${parent.x + parent.width},${parent.y + parent.height / 2}C`));
    expect(edge?.d).toMatch(new RegExp(`,${child.x},${child.y + child.height / 2}$`));
  });

  it("names the container of a container cgroup and the pod of the pod's own cgroup, not of a shared parent", () => {
    const layout = layoutCgroupTree(demo());
    const podNode = find(layout, "cgroup:/pod-demo");
    expect(podNode.kind === "cgroup" && podNode.pod?.name).toBe("demo");
    const docker = find(layout, "cgroup:/docker");
    expect(docker.kind === "cgroup" && docker.pod).toBeNull();
    const nginx = find(layout, "cgroup:/pod-demo/nginx");
    expect(nginx.kind === "cgroup" && nginx.container?.id).toBe("nginx");
    expect(nginx.kind === "cgroup" && nginx.pod).toBeNull();
  });

  it("gives the pod to the lowest cgroup holding all its containers (kubepods layout)", () => {
    const data = {
      pods: [pod("a1", "a", []), pod("b1", "b", [])],
      containers: [container("a1", "a1"), container("b1", "b1")],
      processes: [],
      cgroups: [
        cgroup("/kubepods", null, null),
        cgroup("/kubepods/burstable", "/kubepods", null),
        cgroup("/kubepods/burstable/poda", "/kubepods/burstable", null),
        cgroup("/kubepods/burstable/poda/a1", "/kubepods/burstable/poda", "a1"),
        cgroup("/kubepods/burstable/podb", "/kubepods/burstable", null),
        cgroup("/kubepods/burstable/podb/b1", "/kubepods/burstable/podb", "b1"),
      ],
    };
    const layout = layoutCgroupTree(data);
    const podOf = (path: string) => {
      const n = find(layout, `cgroup:${path}`);
      return n.kind === "cgroup" ? (n.pod?.name ?? null) : undefined;
    };
    expect([podOf("/kubepods"), podOf("/kubepods/burstable"), podOf("/kubepods/burstable/poda"), podOf("/kubepods/burstable/podb")]).toEqual([
      null,
      null,
      "a",
      "b",
    ]);
    expect(find(layout, "cgroup:/kubepods/burstable/poda/a1").depth).toBe(3);
    expectNoOverlap(layout);
  });

  it("shows a PID the /proc scan did not read as such, never as a made-up process", () => {
    const data = demo();
    const layout = layoutCgroupTree({ ...data, processes: data.processes.filter((p) => p.pid !== 300) });
    const missing = find(layout, "process:300");
    expect(missing.kind === "process" && missing.process).toBeNull();
    const known = find(layout, "process:200");
    expect(known.kind === "process" && known.process?.name).toBe("p200");
  });

  it("sums up the processes beyond the limit in one line", () => {
    const data = demo();
    const pids = Array.from({ length: 20 }, (_, i) => 1000 + i);
    const layout = layoutCgroupTree({ ...data, cgroups: [cgroup("/busy", null, "lonely", pids)] });
    const shown = layout.nodes.filter((n) => n.kind === "process").map((n) => n.key);
    expect(shown).toEqual(pids.slice(0, S.maxProcesses - 1).map((pid) => `process:${pid}`));
    expect(find(layout, "more:/busy")).toMatchObject({ kind: "more", count: 20 - (S.maxProcesses - 1), depth: 1 });
    expectNoOverlap(layout);
  });

  it("keeps a cgroup whose parent is not in the snapshot, as a root", () => {
    const layout = layoutCgroupTree({ ...demo(), cgroups: [cgroup("/gone/child", "/gone", null)] });
    expect(layout.nodes.map((n) => [n.key, n.depth])).toEqual([["cgroup:/gone/child", 0]]);
    expect(layout.edges).toEqual([]);
  });

  it("returns an empty layout when the snapshot has no cgroup data", () => {
    expect(layoutCgroupTree({ ...demo(), cgroups: [] })).toEqual({ width: 0, height: 0, nodes: [], edges: [] });
  });
});
