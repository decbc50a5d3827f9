import { describe, expect, it } from "vitest";
import { ancestorEntries, buildCgroupTree, primaryCgroupPath, type CgroupRead } from "./cgroup-tree";
import { emptyLimits } from "./parse-cgroupfs";
import type { CgroupEntry } from "./types";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);
const UID = "5e8f6a1c-3b2d-4c9e-8f7a-1b2c3d4e5f60";

/** A hybrid host's /proc/PID/cgroup: v1 hierarchies and the 0:: line, all at `path`. */
const hybrid = (path: string): CgroupEntry[] => [
  { hierarchyId: 4, controllers: ["memory"], path },
  { hierarchyId: 1, controllers: ["cpu", "cpuacct"], path },
  { hierarchyId: 0, controllers: [], path },
];
const v2 = (path: string): CgroupEntry[] => [{ hierarchyId: 0, controllers: [], path }];

/** A reader that answers with the memory path it was asked for (in memoryUsage: its length) and records the calls. */
function recordingReader() {
  const calls: string[] = [];
  const read = (entries: CgroupEntry[]): CgroupRead => {
    const path = primaryCgroupPath(entries)!;
    calls.push(path);
    return { limits: { ...emptyLimits(), memoryUsage: path.length, sources: [`memory${path}`] }, pids: [path.length], problems: [] };
  };
  return { read, calls };
}

describe("primaryCgroupPath", () => {
  it("takes the memory hierarchy's path on v1/hybrid, the unified one on v2", () => {
    expect(primaryCgroupPath([{ hierarchyId: 9, controllers: ["name=systemd"], path: "/x" }, ...hybrid("/docker/a")])).toBe("/docker/a");
    expect(primaryCgroupPath(v2("/system.slice/docker-a.scope"))).toBe("/system.slice/docker-a.scope");
    expect(primaryCgroupPath([{ hierarchyId: 3, controllers: ["pids"], path: "/p" }])).toBe("/p");
    expect(primaryCgroupPath([])).toBeNull();
  });
});

describe("ancestorEntries", () => {
  it("shortens every entry's path, never above the root", () => {
    expect(ancestorEntries(hybrid("/pod-test/a"), 1).map((e) => e.path)).toEqual(["/pod-test", "/pod-test", "/pod-test"]);
    expect(ancestorEntries(v2("/a"), 3)[0]!.path).toBe("/");
  });
});

describe("buildCgroupTree", () => {
  it("draws a pod from the common parent of its containers' cgroups down to them, parents first", () => {
    const { read, calls } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: A, podId: A, cgroups: hybrid(`/pod-test/${A}`) },
        { id: B, podId: A, cgroups: hybrid(`/pod-test/${B}`) },
      ],
      read,
    );
    expect(tree.nodes.map((n) => [n.path, n.parentPath, n.containerId])).toEqual([
      ["/pod-test", null, null],
      [`/pod-test/${A}`, "/pod-test", A],
      [`/pod-test/${B}`, "/pod-test", B],
    ]);
    expect(calls).toEqual(["/pod-test", `/pod-test/${A}`, `/pod-test/${B}`]); // each cgroup read once
    expect(tree.nodes[1]!.limits.memoryUsage).toBe(`/pod-test/${A}`.length);
    expect(tree.nodes[1]!.pids).toEqual([`/pod-test/${A}`.length]);
    expect(tree.pathOf.get(B)).toBe(`/pod-test/${B}`);
    expect(tree.reads.get("/pod-test")!.limits.sources).toEqual(["memory/pod-test"]);
  });

  it("draws a Kubernetes pod from its pod cgroup, with uid and QoS, and a standalone container from its parent", () => {
    const slice = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll("-", "_")}.slice`;
    const { read } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: A, podId: A, cgroups: v2(`${slice}/cri-containerd-${A}.scope`) },
        { id: B, podId: A, cgroups: v2(`${slice}/cri-containerd-${B}.scope`) },
        { id: C, podId: null, cgroups: v2(`/system.slice/docker-${C}.scope`) },
      ],
      read,
    );
    expect(tree.nodes.map((n) => [n.path, n.parentPath, n.containerId, n.podUid, n.qos])).toEqual([
      [slice, null, null, UID, "burstable"],
      [`${slice}/cri-containerd-${A}.scope`, slice, A, UID, "burstable"],
      [`${slice}/cri-containerd-${B}.scope`, slice, B, UID, "burstable"],
      ["/system.slice", null, null, null, null],
      [`/system.slice/docker-${C}.scope`, "/system.slice", C, null, null],
    ]);
  });

  it("shares the nodes where trees meet", () => {
    const { read, calls } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: A, podId: A, cgroups: hybrid(`/docker/${A}`) },
        { id: B, podId: A, cgroups: hybrid(`/docker/${B}`) },
        { id: C, podId: null, cgroups: hybrid(`/docker/${C}`) },
      ],
      read,
    );
    expect(tree.nodes.map((n) => n.path)).toEqual(["/docker", `/docker/${A}`, `/docker/${B}`, `/docker/${C}`]);
    expect(calls.filter((p) => p === "/docker")).toHaveLength(1);
  });

  it("links a tree's root to its parent when another tree draws it", () => {
    const { read } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: A, podId: A, cgroups: hybrid(`/pod-test/inner/${A}`) },
        { id: B, podId: A, cgroups: hybrid(`/pod-test/inner/${B}`) },
        { id: C, podId: null, cgroups: hybrid(`/pod-test/${C}`) },
      ],
      read,
    );
    expect(tree.nodes.map((n) => [n.path, n.parentPath])).toEqual([
      ["/pod-test", null],
      [`/pod-test/${C}`, "/pod-test"],
      ["/pod-test/inner", "/pod-test"],
      [`/pod-test/inner/${A}`, "/pod-test/inner"],
      [`/pod-test/inner/${B}`, "/pod-test/inner"],
    ]);
  });

  it("reads an ancestor through the same hierarchies, each path shortened", () => {
    const entries: CgroupEntry[] = [
      { hierarchyId: 4, controllers: ["memory"], path: `/pod-test/${A}` },
      { hierarchyId: 0, controllers: [], path: `/system.slice/x/${A}` },
    ];
    const seen: CgroupEntry[][] = [];
    buildCgroupTree([{ id: A, podId: null, cgroups: entries }], (e) => {
      seen.push(e);
      return { limits: emptyLimits(), pids: null, problems: [] };
    });
    expect(seen[0]!.map((e) => e.path)).toEqual(["/pod-test", "/system.slice/x"]);
    expect(seen[1]).toEqual(entries);
  });

  it("never draws the root cgroup, and leaves out containers without a cgroup (not running)", () => {
    const { read, calls } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: A, podId: A, cgroups: hybrid(`/x/${A}`) },
        { id: B, podId: A, cgroups: hybrid(`/y/${B}`) },
        { id: C, podId: null, cgroups: [] },
      ],
      read,
    );
    expect(tree.nodes.map((n) => [n.path, n.parentPath])).toEqual([
      ["/x", null],
      [`/x/${A}`, "/x"],
      ["/y", null],
      [`/y/${B}`, "/y"],
    ]);
    expect(calls).not.toContain("/");
    expect(tree.pathOf.has(C)).toBe(false);
  });

  it("gives a nested container's cgroup its container id even when first met as an ancestor", () => {
    const { read } = recordingReader();
    const tree = buildCgroupTree(
      [
        { id: B, podId: A, cgroups: hybrid(`/docker/${A}/${B}`) },
        { id: A, podId: A, cgroups: hybrid(`/docker/${A}`) },
      ],
      read,
    );
    expect(tree.nodes.map((n) => [n.path, n.containerId])).toEqual([
      ["/docker", null],
      [`/docker/${A}`, A],
      [`/docker/${A}/${B}`, B],
    ]);
  });
});
