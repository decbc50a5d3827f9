import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

import type { CgroupEntry } from "@/lib/model/types";
import { CgroupFs, cgroupReader } from "@/lib/server/cgroupfs";
import { readCgroupVersion } from "@/lib/server/procfs";
import { limits as expectedLimits } from "@/test/support/model-builders";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));

/** The three node fixtures (see test/fixtures/README.md). */
const V2 = join(FIXTURES, "node-v2-systemd-containerd", "cgroup");
const V1 = join(FIXTURES, "node-v1-cgroupfs-docker", "cgroup");
const HYBRID = join(FIXTURES, "node-hybrid-systemd-crio", "cgroup");

const V2_POD = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e8f6a1c_3b2d_4c9e_8f7a_1b2c3d4e5f60.slice";
const V2_APP = `${V2_POD}/cri-containerd-44a55e2398864ee77d359274a7cd7534c07f29835e362a554e355f045ff94eb1.scope`;
const V1_POD = "/kubepods/burstable/pod0b6d4e2a-7c1f-4a8e-9d3b-2f5e6a7b8c9d";
const V1_APP = `${V1_POD}/2bb197c7ffce39ebf4f12872965bea153c70f963fcac03e51ee036991b24d62f`;
const V1_PAUSE = `${V1_POD}/b7d89e2b316d5f42b12ba370d24ba2333523574e92c547f9f89578f6c238e36a`;
const HY_POD = "/kubepods.slice/kubepods-pod9a7b6c5d_4e3f_4a1b_8c2d_3e4f5a6b7c8d.slice";
const HY_APP = `${HY_POD}/crio-88400ffa86b6d5903b51d047eed4c482432c0c09182fa9971d2264bb2710ec78.scope`;

const v2Entries = (path: string): CgroupEntry[] => [{ hierarchyId: 0, controllers: [], path }];
/** /proc/PID/cgroup of the v1 fixture's processes (no 0:: line: cgroup2 is not mounted). */
const v1Entries = (path: string): CgroupEntry[] => [
  { hierarchyId: 12, controllers: ["pids"], path },
  { hierarchyId: 8, controllers: ["cpuset"], path },
  { hierarchyId: 4, controllers: ["cpu", "cpuacct"], path },
  { hierarchyId: 3, controllers: ["memory"], path },
  { hierarchyId: 1, controllers: ["name=systemd"], path },
];
const hybridEntries = (path: string): CgroupEntry[] => [...v1Entries(path), { hierarchyId: 0, controllers: [], path }];

describe("readCgroupVersion on the node fixtures", () => {
  it("tells v2, v1 and hybrid apart", () => {
    expect(readCgroupVersion(V2)).toBe("v2");
    expect(readCgroupVersion(V1)).toBe("v1");
    expect(readCgroupVersion(HYBRID)).toBe("hybrid");
  });
});

describe("CgroupFs.readLimits", () => {
  it("reads a containerd container's cgroup v2 files (systemd driver)", () => {
    const cg = new CgroupFs({ root: V2, version: "v2" });
    const dir = join(V2, V2_APP);
    expect(cg.readLimits(v2Entries(V2_APP))).toEqual({
      limits: {
        memoryLimit: 134217728,
        memoryUsage: 9437184,
        cpuQuotaUs: 50000,
        cpuPeriodUs: 100000,
        cpuShares: null,
        cpuWeight: 10,
        pidsMax: "unlimited",
        pidsCurrent: 2,
        cpusetCpus: "0-3",
        sources: ["memory.max", "memory.current", "cpu.max", "cpu.weight", "pids.max", "pids.current", "cpuset.cpus.effective"].map(
          (f) => join(dir, f),
        ),
      },
      problems: [],
    });
  });

  it("reads a pod cgroup v2: no memory or CPU limit, a pod PID limit", () => {
    const { limits, problems } = new CgroupFs({ root: V2, version: "v2" }).readLimits(v2Entries(V2_POD));
    expect(problems).toEqual([]);
    expect(limits).toMatchObject({ memoryLimit: "unlimited", cpuQuotaUs: "unlimited", cpuPeriodUs: 100000, pidsMax: 1024, pidsCurrent: 3 });
  });

  it("reads cgroup v1 files from each controller's hierarchy, the co-mounted cpu,cpuacct included", () => {
    const cg = new CgroupFs({ root: V1, version: "v1" });
    const { limits, problems } = cg.readLimits(v1Entries(V1_APP));
    expect(problems).toEqual([]);
    expect(limits).toEqual({
      memoryLimit: 268435456,
      memoryUsage: 4956160,
      cpuQuotaUs: 100000,
      cpuPeriodUs: 100000,
      cpuShares: 512,
      cpuWeight: null,
      pidsMax: "unlimited",
      pidsCurrent: 1,
      cpusetCpus: "0-1",
      sources: [
        join(V1, "memory", V1_APP, "memory.limit_in_bytes"),
        join(V1, "memory", V1_APP, "memory.usage_in_bytes"),
        join(V1, "cpu,cpuacct", V1_APP, "cpu.cfs_quota_us"),
        join(V1, "cpu,cpuacct", V1_APP, "cpu.cfs_period_us"),
        join(V1, "cpu,cpuacct", V1_APP, "cpu.shares"),
        join(V1, "pids", V1_APP, "pids.max"),
        join(V1, "pids", V1_APP, "pids.current"),
        join(V1, "cpuset", V1_APP, "cpuset.cpus"),
      ],
    });
    // The pause container: v1's page-rounded 2^63-1 and a quota of -1 are "unlimited".
    expect(cg.readLimits(v1Entries(V1_PAUSE)).limits).toMatchObject({ memoryLimit: "unlimited", cpuQuotaUs: "unlimited", cpuShares: 2 });
  });

  it("reads a hybrid layout's v1 hierarchies, cpu reached through systemd's cpu -> cpu,cpuacct link too", () => {
    const cg = new CgroupFs({ root: HYBRID, version: "hybrid" });
    const { limits, problems } = cg.readLimits(hybridEntries(HY_APP));
    expect(problems).toEqual([]);
    expect(limits).toMatchObject({ memoryLimit: 536870912, cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuShares: 512, cpusetCpus: "2-3" });
    expect(cg.readLimits(hybridEntries(HY_POD)).limits).toMatchObject({ memoryLimit: 536870912, cpuQuotaUs: 50000, pidsMax: 4096 });

    const cpuOnly: CgroupEntry[] = [{ hierarchyId: 4, controllers: ["cpu"], path: HY_APP }];
    expect(cg.controllerDir(cpuOnly, "cpu")).toEqual({ dir: join(HYBRID, "cpu", HY_APP), files: "v1", isRoot: false });
  });

  it("on hybrid, looks for a controller no v1 hierarchy has in the unified hierarchy", () => {
    const cg = new CgroupFs({ root: HYBRID, version: "hybrid" });
    const noPidsV1 = hybridEntries(HY_APP).filter((e) => !e.controllers.includes("pids"));
    expect(cg.controllerDir(noPidsV1, "pids")).toEqual({ dir: join(HYBRID, "unified", HY_APP), files: "v2", isRoot: false });
    const { limits, problems } = cg.readLimits(noPidsV1);
    expect(limits.pidsMax).toBeNull();
    expect(problems).toEqual([
      { file: join(HYBRID, "unified", HY_APP, "pids.max"), reason: "missing" },
      { file: join(HYBRID, "unified", HY_APP, "pids.current"), reason: "missing" },
    ]);
  });
});

describe("CgroupFs.readProcs and the reader", () => {
  it("lists cgroup.procs of the primary hierarchy (memory on v1, unified on v2)", () => {
    const v1 = new CgroupFs({ root: V1, version: "v1" });
    expect(v1.primaryDir(v1Entries(V1_APP))).toBe(join(V1, "memory", V1_APP));
    expect(v1.readProcs(join(V1, "memory", V1_APP))).toEqual([3100]);
    expect(cgroupReader({ root: V2, version: "v2" })(v2Entries(V2_APP))).toMatchObject({ pids: [2050, 2051], problems: [] });
    expect(cgroupReader({ root: V2, version: "v2" })(v2Entries(V2_POD)).pids).toEqual([]);
  });
});

describe("missing, unreadable and corrupt cgroup files", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pod-anatomy-cgroupfs-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A v2 tree at tmp/<name> with one cgroup /c holding `files`. */
  function tree(name: string, files: Record<string, string>, rootFiles: Record<string, string> = {}): string {
    const root = join(tmp, name);
    mkdirSync(join(root, "c"), { recursive: true });
    writeFileSync(join(root, "cgroup.controllers"), "cpu memory pids\n");
    for (const [f, text] of Object.entries(files)) writeFileSync(join(root, "c", f), text);
    for (const [f, text] of Object.entries(rootFiles)) writeFileSync(join(root, f), text);
    return root;
  }

  it("leaves a missing, unreadable or corrupt value null and says which file and why; the others are read", () => {
    const root = tree("mixed", { "memory.max": "67108864\n", "cpu.max": "half\n", "pids.max": "9007199254740993\n", "cgroup.procs": "7\n" });
    mkdirSync(join(root, "c", "memory.current")); // a directory where a file should be: EISDIR
    const read = cgroupReader({ root, version: "v2" })(v2Entries("/c"));
    expect(read.limits).toEqual(expectedLimits({ memoryLimit: 67108864, sources: [join(root, "c", "memory.max")] }));
    expect(read.pids).toEqual([7]);
    expect(read.problems).toEqual([
      { file: join(root, "c", "memory.current"), reason: "unreadable: EISDIR" },
      { file: join(root, "c", "cpu.max"), reason: 'corrupt: cpu.max is not "$MAX $PERIOD": "half\\n"' },
      { file: join(root, "c", "cpu.weight"), reason: "missing" },
      { file: join(root, "c", "pids.max"), reason: "corrupt: 9007199254740993 is beyond 2^53 and cannot be represented exactly" },
      { file: join(root, "c", "pids.current"), reason: "missing" },
      { file: join(root, "c", "cpuset.cpus.effective"), reason: "missing" },
    ]);
  });

  it("does not count the limit files a hierarchy's root cgroup never has", () => {
    const root = tree("root", {}, { "cpuset.cpus.effective": "0-1\n", "cgroup.procs": "1\n2\n" });
    const read = cgroupReader({ root, version: "v2" })(v2Entries("/"));
    expect(read).toEqual({ limits: expectedLimits({ cpusetCpus: "0-1", sources: [join(root, "cpuset.cpus.effective")] }), pids: [1, 2], problems: [] });
  });

  it("says so when no hierarchy has a controller, or a v1 hierarchy is not mounted under the root", () => {
    const root = tree("nothing", {});
    const v1Only = new CgroupFs({ root, version: "v1" });
    expect(v1Only.readLimits(v2Entries("/c")).problems.map((p) => p.file)).toEqual([
      "memory controller",
      "cpu controller",
      "pids controller",
      "cpuset controller",
    ]);
    expect(v1Only.controllerDir([{ hierarchyId: 3, controllers: ["memory"], path: "/c" }], "memory")).toEqual({
      file: join(root, "memory"),
      reason: "no directory for the memory hierarchy",
    });
    expect(cgroupReader({ root, version: "v1" })([]).pids).toBeNull();
  });

  it("reads each file once per reader: a second reader sees the change", () => {
    const root = tree("once", { "memory.max": "1000\n" });
    const cg = new CgroupFs({ root, version: "v2" });
    expect(cg.readLimits(v2Entries("/c")).limits.memoryLimit).toBe(1000);
    writeFileSync(join(root, "c", "memory.max"), "2000\n");
    expect(cg.readLimits(v2Entries("/c")).limits.memoryLimit).toBe(1000);
    expect(new CgroupFs({ root, version: "v2" }).readLimits(v2Entries("/c")).limits.memoryLimit).toBe(2000);
  });
});
