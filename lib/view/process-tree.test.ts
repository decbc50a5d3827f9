import { describe, expect, it } from "vitest";
import type { Container, Pod, Process } from "@/lib/model/types";
import { buildProcessForests, flattenProcessForest, groupContainersByPod, type ProcessTreeNode } from "@/lib/view/process-tree";
import * as build from "@/test/support/model-builders";

function container(id: string, name: string, role: Container["role"], podId: string | null): Container {
  return build.container({ id, name, role, podId });
}

function proc(pid: number, ppid: number, nspid: number[], containerId: string | null, extra: Partial<Process> = {}): Process {
  return build.proc({ pid, ppid, nspid, cmdline: [`/p${pid}`], containerId, pidNs: 4026532300, ...extra });
}

const pod = (id: string, name: string, memberIds: string[]): Pod => build.pod({ id, name, memberIds });

/**
 * The demo pod with a shared pid namespace: pause (host 18000, PID 1 inside), nginx's nc
 * (18126 → 7) with a child per connection (18200 → 9), ghost's httpd (18300 → 12) and a
 * zombie child of it; plus a standalone container with its own pid namespace, and a host process.
 */
function demo() {
  const containers = [
    container("c-lonely", "lonely", "standalone", null),
    container("c-nginx", "demo-nginx", "member", "c-pause"),
    container("c-pause", "demo-pause", "sandbox", "c-pause"),
    container("c-ghost", "demo-ghost", "member", "c-pause"),
  ];
  const processes = [
    proc(1, 0, [1], null, { name: "systemd" }),
    proc(18300, 17990, [18300, 12], "c-ghost", { name: "httpd" }),
    proc(18126, 17980, [18126, 7], "c-nginx", { name: "nc" }),
    proc(18000, 17970, [18000, 1], "c-pause", { name: "pause", uid: 65535 }),
    proc(18200, 18126, [18200, 9], "c-nginx", { name: "nc" }),
    proc(18310, 18300, [18310, 13], "c-ghost", { name: "sh", state: "Z", cmdline: [] }),
    proc(19000, 18950, [19000, 1], "c-lonely", { name: "sleep", pidNs: 4026532400 }),
  ];
  return { pods: [pod("c-pause", "demo", ["c-nginx", "c-ghost"])], containers, processes };
}

const pids = (nodes: ProcessTreeNode[]) => nodes.map((n) => n.process.pid);

describe("groupContainersByPod", () => {
  it("lists each pod with its sandbox first and members by name, then standalone containers", () => {
    const groups = groupContainersByPod(demo());
    expect(groups.map((g) => g.key)).toEqual(["pod:c-pause", "container:c-lonely"]);
    expect(groups[0]!.name).toBe("demo");
    expect(groups[0]!.containers.map((c) => c.name)).toEqual(["demo-pause", "demo-ghost", "demo-nginx"]);
    expect(groups[1]).toMatchObject({ pod: null, name: "lonely" });
    expect(groups[1]!.containers.map((c) => c.id)).toEqual(["c-lonely"]);
  });

  it("orders pods by name and treats a container of an unknown pod as standalone", () => {
    const data = demo();
    const groups = groupContainersByPod({
      pods: [pod("c-zeta", "zeta", []), ...data.pods],
      containers: [...data.containers, container("c-zeta", "zeta-pause", "sandbox", "c-zeta"), container("c-orphan", "orphan", "member", "c-gone")],
    });
    expect(groups.map((g) => g.name)).toEqual(["demo", "zeta", "lonely", "orphan"]);
  });
});

describe("buildProcessForests", () => {
  it("hangs each process under its parent in the pod; processes whose parent is outside are roots", () => {
    const [demoForest, lonely] = buildProcessForests(demo());
    expect(demoForest!.count).toBe(5);
    expect(pids(demoForest!.roots)).toEqual([18000, 18126, 18300]);
    const [, nc, httpd] = demoForest!.roots;
    expect(pids(nc!.children)).toEqual([18200]);
    expect(pids(httpd!.children)).toEqual([18310]);
    expect(lonely!.count).toBe(1);
    expect(pids(lonely!.roots)).toEqual([19000]);
  });

  it("marks PID 1 of each pid namespace and the zombies", () => {
    const [demoForest, lonely] = buildProcessForests(demo());
    const rows = flattenProcessForest(demoForest!.roots);
    expect(rows.filter((r) => r.node.isPidNsInit).map((r) => r.node.process.pid)).toEqual([18000]);
    expect(rows.filter((r) => r.node.isZombie).map((r) => r.node.process.pid)).toEqual([18310]);
    expect(lonely!.roots[0]!.isPidNsInit).toBe(true);
  });

  it("leaves host processes out", () => {
    const all = buildProcessForests(demo()).flatMap((f) => flattenProcessForest(f.roots).map((r) => r.node.process.pid));
    expect(all).not.toContain(1);
  });

  it("shows every process once even when PPids form a loop", () => {
    const data = demo();
    const looped = {
      ...data,
      processes: [proc(500, 600, [500, 2], "c-lonely"), proc(600, 500, [600, 3], "c-lonely"), proc(700, 600, [700, 4], "c-lonely")],
    };
    const lonely = buildProcessForests(looped)[1]!;
    const rows = flattenProcessForest(lonely.roots);
    expect(rows.map((r) => [r.node.process.pid, r.depth])).toEqual([
      [500, 0],
      [600, 1],
      [700, 2],
    ]);
  });

  it("returns an empty forest for a pod whose containers are not running", () => {
    const data = demo();
    const [demoForest] = buildProcessForests({ ...data, processes: [] });
    expect(demoForest).toMatchObject({ count: 0, roots: [] });
  });
});

describe("flattenProcessForest", () => {
  it("lists parents before children, depth first, with their depth", () => {
    const rows = flattenProcessForest(buildProcessForests(demo())[0]!.roots);
    expect(rows.map((r) => [r.node.process.pid, r.depth])).toEqual([
      [18000, 0],
      [18126, 0],
      [18200, 1],
      [18300, 0],
      [18310, 1],
    ]);
  });
});
