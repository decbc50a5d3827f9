/**
 * buildSnapshot (lib/model/build-snapshot.ts) fed by the real readers (procfs, cgroupfs,
 * toContainerFacts) on recorded fixtures: it lives here because it uses the adapters, which
 * lib/model may not import.
 */
import fs from "node:fs";
import path from "node:path";
import type { ContainerInspectInfo } from "dockerode";
import { describe, expect, it } from "vitest";
import { cgroupReader } from "@/lib/server/cgroupfs";
import { toContainerFacts } from "@/lib/server/docker";
import { readKubeletPodNames } from "@/lib/server/kubelet-pod-logs";
import { readHostFacts, scanProcesses } from "@/lib/server/procfs";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import { primaryCgroupPath, type CgroupRead } from "@/lib/model/cgroup-tree";
import { emptyLimits } from "@/lib/model/parse-cgroupfs";
import type { CgroupEntry, ContainerFacts, EngineStatus, HostFacts, ProcessFacts } from "@/lib/model/types";
import { containerFacts } from "@/test/support/model-builders";

/** Recorded from a real demo pod by `npm run record-fixtures` (test/fixtures/demo-pod). */
const dir = path.join(__dirname, "..", "..", "test", "fixtures", "demo-pod");
const load = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as T;
const inspect = load<ContainerInspectInfo[]>("inspect.json");
const processes = load<ProcessFacts[]>("processes.json");
const host = load<HostFacts>("host.json");
const engine = load<EngineStatus>("engine.json");

/**
 * A stand-in for cgroupfs (the recorded fixture has no cgroup files; lib/server/cgroupfs.test.ts
 * and the node fixtures below test the real reader): every cgroup has a 64 MiB limit,
 * /docker's memory.usage_in_bytes is missing, and the calls are recorded.
 */
function fakeCgroups() {
  const calls: string[] = [];
  const readCgroup = (entries: CgroupEntry[]): CgroupRead => {
    const path = primaryCgroupPath(entries)!;
    calls.push(path);
    const file = `/sys/fs/cgroup/memory${path}/memory.limit_in_bytes`;
    return {
      limits: { ...emptyLimits(), memoryLimit: 67108864, sources: [file] },
      pids: path === "/docker" ? [] : [4242],
      problems: path === "/docker" ? [{ file: "/sys/fs/cgroup/memory/docker/memory.usage_in_bytes", reason: "missing" }] : [],
    };
  };
  return { calls, readCgroup };
}

const build = (skipped: { pid: number; reason: string }[] = []) =>
  buildSnapshot({
    takenAt: "2026-11-22T04:40:00.000Z",
    host,
    engine,
    runtimes: [],
    containers: inspect.map(toContainerFacts),
    scan: { processes, outsideContainers: 7, skipped },
    readCgroup: fakeCgroups().readCgroup,
  });

const named = (s: ReturnType<typeof build>, suffix: string) => s.containers.find((c) => c.name.endsWith(suffix))!;

describe("buildSnapshot on a recorded demo pod", () => {
  const snapshot = build();

  it("finds one pod with the pause container as its sandbox and nginx + ghost as members", () => {
    expect(snapshot.pods).toHaveLength(1);
    const pod = snapshot.pods[0]!;
    expect(pod).toMatchObject({ name: "demo-recorded", source: "pod-anatomy", managed: true, k8sNamespace: null });
    expect(pod.sandboxId).toBe(named(snapshot, "-pause").id);
    expect(pod.memberIds.sort()).toEqual([named(snapshot, "-ghost").id, named(snapshot, "-nginx").id].sort());
  });

  it("gives each member net, ipc and pid shared with the sandbox, mnt and uts of its own, the rest the host's", () => {
    for (const suffix of ["-nginx", "-ghost"]) {
      const c = named(snapshot, suffix);
      expect(c.role).toBe("member");
      expect(c.sharedWithSandbox).toEqual(["ipc", "net", "pid"]);
      expect(c.own).toEqual(["mnt", "uts"]);
      expect(c.sharedWithHost).toEqual(["cgroup", "time", "user"]);
    }
    const pause = named(snapshot, "-pause");
    expect(pause.role).toBe("sandbox");
    expect(pause.sharedWithSandbox).toEqual([]);
    expect(pause.own).toEqual(["ipc", "mnt", "net", "pid", "uts"]);
  });

  it("links each member to the hub with the namespaces they share", () => {
    expect(snapshot.links).toHaveLength(2);
    for (const link of snapshot.links) {
      expect(link.sandboxId).toBe(named(snapshot, "-pause").id);
      expect(link.shared).toEqual(["ipc", "net", "pid"]);
    }
  });

  it("lists each namespace once, as readlink shows it, with the containers in it", () => {
    const pause = named(snapshot, "-pause");
    const net = snapshot.namespaces.find((n) => n.id === `net:[${pause.namespaces.net}]`)!;
    expect(net.containerIds).toHaveLength(3);
    expect(net.isHost).toBe(false);
    const hostNet = snapshot.namespaces.find((n) => n.inode === host.namespaces.net)!;
    expect(hostNet).toMatchObject({ type: "net", isHost: true, containerIds: [] });
    expect(new Set(snapshot.namespaces.map((n) => n.id)).size).toBe(snapshot.namespaces.length);
  });

  it("assigns processes to containers by the id in their cgroup, and shows pause as PID 1 of the pod", () => {
    const pause = named(snapshot, "-pause");
    expect(pause.processIds).toEqual([pause.pid]);
    expect(snapshot.processes.find((p) => p.pid === pause.pid)!.nspid.at(-1)).toBe(1);
    const hostProcess = snapshot.processes.find((p) => p.pid === host.namespacesFrom)!;
    expect(hostProcess.containerId).toBeNull();
    expect(snapshot.processesOutsideContainers).toBe(7); // the scan's count, passed on
    expect(pause.cgroups.every((g) => g.path === `/docker/${pause.id}`)).toBe(true);
  });

  it("draws the pod's cgroup tree from its parent cgroup (/docker) down to its containers, each read once", () => {
    const { calls, readCgroup } = fakeCgroups();
    const s = buildSnapshot({ takenAt: "t", host, engine, runtimes: [], containers: inspect.map(toContainerFacts), scan: { processes, outsideContainers: 0, skipped: [] }, readCgroup });
    const ids = s.containers.map((c) => c.id).sort();
    expect(s.cgroups.map((n) => [n.path, n.parentPath, n.containerId])).toEqual([
      ["/docker", null, null],
      ...ids.map((id) => [`/docker/${id}`, "/docker", id]),
    ]);
    expect(calls.sort()).toEqual(["/docker", ...ids.map((id) => `/docker/${id}`)]);
    for (const c of s.containers) {
      expect(c.cgroupPath).toBe(`/docker/${c.id}`);
      expect(c.limits).toEqual({ ...emptyLimits(), memoryLimit: 67108864, sources: [`/sys/fs/cgroup/memory/docker/${c.id}/memory.limit_in_bytes`] });
    }
    expect(s.warnings).toEqual([
      {
        code: "cgroup-unreadable",
        message: "1 cgroup file(s) could not be read, their values are not shown (memory.usage_in_bytes missing).",
        count: 1,
      },
    ]);
  });

  it("says which images are stand-ins, from the container's label", () => {
    expect(snapshot.containers.every((c) => c.imageSource === "stand-in")).toBe(true);
  });

  it("counts skipped processes and unreadable containers as warnings, never errors", () => {
    const ghost = named(snapshot, "-ghost");
    const withGone = buildSnapshot({
      takenAt: "t",
      host,
      engine,
      runtimes: [],
      containers: inspect.map(toContainerFacts),
      scan: { processes: processes.filter((p) => p.pid !== ghost.pid), outsideContainers: 0, skipped: [{ pid: ghost.pid!, reason: "vanished" }] },
      readCgroup: fakeCgroups().readCgroup,
    });
    expect(withGone.warnings.map((w) => [w.code, w.count])).toEqual([
      ["container-unreadable", 1],
      ["proc-skipped", 1],
      ["cgroup-unreadable", 1],
    ]);
    const gone = withGone.containers.find((c) => c.id === ghost.id)!;
    expect(gone.namespaces).toEqual({});
    expect(gone.cgroupPath).toBeNull();
    expect(gone.limits).toBeNull();
    expect(gone.podId).toBe(named(snapshot, "-pause").id); // still in its pod, by its container: mode
  });
});

describe("toContainerFacts on recorded docker inspect JSON", () => {
  it("reshapes the engine's fields into ours", () => {
    const pause = toContainerFacts(inspect.find((c) => c.Name.endsWith("-pause"))!);
    expect(pause.name).toBe("demo-recorded-pause");
    expect(pause.ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8880 }]);
    expect(pause.ipcMode).toBe("shareable");
    const nginx = toContainerFacts(inspect.find((c) => c.Name.endsWith("-nginx"))!);
    expect(nginx.networkMode).toBe(`container:${pause.id}`);
    expect(nginx.pidMode).toBe(`container:${pause.id}`);
    expect(nginx.ports).toEqual([]);
    expect(nginx.pid).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------
// Real Kubernetes nodes, from the fake /proc and /sys/fs/cgroup trees of test/fixtures/node-*
// ---------------------------------------------------------------------------------------

const NO_ENGINE: EngineStatus = {
  state: "unreachable",
  reason: "socket-missing",
  endpoint: "unix:///var/run/docker.sock",
  message: "No Docker socket at /var/run/docker.sock.",
  hint: "Start a Docker engine.",
};

/** A snapshot of a node fixture, read by the real procfs and cgroupfs readers. */
function nodeSnapshot(fixture: string, engineState: EngineStatus, containers: ContainerFacts[] = [], opts: { podLogs?: boolean } = {}) {
  const root = path.join(__dirname, "..", "..", "test", "fixtures", fixture);
  const procRoot = path.join(root, "proc");
  const cgroupRoot = path.join(root, "cgroup");
  const nodeHost = readHostFacts({ procRoot, cgroupRoot });
  return buildSnapshot({
    takenAt: "t",
    host: nodeHost,
    engine: engineState,
    runtimes: [],
    containers,
    scan: scanProcesses(procRoot),
    readCgroup: cgroupReader({ root: cgroupRoot, version: nodeHost.cgroupVersion }),
    ...(opts.podLogs ? { podNames: readKubeletPodNames(path.join(root, "var", "log", "pods")) } : {}),
  });
}

const byPid = (s: ReturnType<typeof nodeSnapshot>, pid: number) => s.containers.find((c) => c.pid === pid)!;
const limitsOf = (s: ReturnType<typeof nodeSnapshot>, pid: number) => {
  const { sources, ...values } = byPid(s, pid).limits!;
  return { values, files: sources.map((f) => f.slice(f.indexOf("/cgroup/") + "/cgroup".length)) };
};

describe("a cgroup v2 node, systemd driver, containerd, no Docker engine (node-v2-systemd-containerd)", () => {
  const UID = "5e8f6a1c-3b2d-4c9e-8f7a-1b2c3d4e5f60";
  const POD = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e8f6a1c_3b2d_4c9e_8f7a_1b2c3d4e5f60.slice";
  const PAUSE = "c8b3acc499db260e80a5cec976ed2af044cb918030b56844f6eafea410f045d9";
  const APP = "44a55e2398864ee77d359274a7cd7534c07f29835e362a554e355f045ff94eb1";
  const s = nodeSnapshot("node-v2-systemd-containerd", NO_ENGINE);

  it("finds both containers in /proc and draws the pod with its pause hub", () => {
    expect(s.host.cgroupVersion).toBe("v2");
    expect(s.pods).toEqual([
      { id: PAUSE, name: UID, k8sNamespace: null, source: "kubernetes", managed: false, sandboxId: PAUSE, memberIds: [APP], runtime: "containerd", node: null, uid: UID, state: null },
    ]);
    expect(s.containers.map((c) => [c.id, c.name, c.pid, c.role, c.discoveredBy, c.runtime, c.image])).toEqual([
      [PAUSE, "containerd:c8b3acc499db", 2001, "sandbox", "procfs", "containerd", ""],
      [APP, "containerd:44a55e239886", 2050, "member", "procfs", "containerd", ""],
    ]);
    expect(s.links).toEqual([{ podId: PAUSE, sandboxId: PAUSE, memberId: APP, shared: ["ipc", "net", "uts"] }]);
    const app = byPid(s, 2050);
    expect([app.sharedWithSandbox, app.own, app.sharedWithHost]).toEqual([["ipc", "net", "uts"], ["cgroup", "mnt", "pid"], ["time", "user"]]);
    expect(app.processIds).toEqual([2050, 2051]);
    // containerd itself (812) is outside every container: counted, not read.
    expect(s.processes.map((p) => p.pid)).toEqual([1, 2001, 2050, 2051]);
    expect(s.processesOutsideContainers).toBe(1); // the shim runs on the host
  });

  it("names the pod as the kubelet's /var/log/pods/<namespace>_<name>_<uid> does, when only its cgroup revealed it", () => {
    const named = nodeSnapshot("node-v2-systemd-containerd", NO_ENGINE, [], { podLogs: true });
    expect(named.pods).toEqual([expect.objectContaining({ id: PAUSE, name: "redis-0", k8sNamespace: "default", uid: UID, source: "kubernetes" })]);
  });

  it("reads each container's limits and usage from its scope's cgroup v2 files", () => {
    expect(byPid(s, 2050).cgroupPath).toBe(`${POD}/cri-containerd-${APP}.scope`);
    expect(limitsOf(s, 2050)).toEqual({
      values: {
        memoryLimit: 134217728,
        memoryUsage: 9437184,
        cpuQuotaUs: 50000,
        cpuPeriodUs: 100000,
        cpuShares: null,
        cpuWeight: 10,
        pidsMax: "unlimited",
        pidsCurrent: 2,
        cpusetCpus: "0-3",
      },
      files: ["memory.max", "memory.current", "cpu.max", "cpu.weight", "pids.max", "pids.current", "cpuset.cpus.effective"].map(
        (f) => `${POD}/cri-containerd-${APP}.scope/${f}`,
      ),
    });
    expect(byPid(s, 2001).limits).toMatchObject({ memoryLimit: "unlimited", cpuQuotaUs: "unlimited", cpuWeight: 1 });
  });

  it("draws the cgroup tree from the pod cgroup down to the two scopes, with their processes", () => {
    expect(s.cgroups.map((n) => [n.path, n.parentPath, n.containerId, n.podUid, n.qos, n.pids])).toEqual([
      [POD, null, null, UID, "burstable", []],
      [`${POD}/cri-containerd-${APP}.scope`, POD, APP, UID, "burstable", [2050, 2051]],
      [`${POD}/cri-containerd-${PAUSE}.scope`, POD, PAUSE, UID, "burstable", [2001]],
    ]);
    expect(s.cgroups[0]!.limits).toMatchObject({ memoryLimit: "unlimited", pidsMax: 1024, pidsCurrent: 3 });
  });

  it("counts what it could not know as warnings: no engine, and what only an engine knows", () => {
    expect(s.warnings.map((w) => [w.code, w.count])).toEqual([
      ["engine-unreachable", undefined],
      ["procfs-containers", 2],
    ]);
  });
});

describe("a cgroup v1 node, cgroupfs driver, Docker (node-v1-cgroupfs-docker)", () => {
  const UID = "0b6d4e2a-7c1f-4a8e-9d3b-2f5e6a7b8c9d";
  const POD = `/kubepods/burstable/pod${UID}`;
  const PAUSE = "b7d89e2b316d5f42b12ba370d24ba2333523574e92c547f9f89578f6c238e36a";
  const APP = "2bb197c7ffce39ebf4f12872965bea153c70f963fcac03e51ee036991b24d62f";
  /** What the engine reports of the dockershim's containers (only what grouping uses matters). */
  const engineFacts = (id: string, name: string, pid: number, created: string): ContainerFacts =>
    containerFacts({
      id,
      name,
      pid,
      created,
      networkMode: name.startsWith("k8s_POD") ? "none" : `container:${PAUSE}`,
      ipcMode: name.startsWith("k8s_POD") ? "shareable" : `container:${PAUSE}`,
      pidMode: name.startsWith("k8s_POD") ? "" : `container:${PAUSE}`,
      cgroupParent: POD,
    });

  it("with the engine: the dockershim's pod, named from its containers' names", () => {
    const s = nodeSnapshot("node-v1-cgroupfs-docker", engine, [
      engineFacts(PAUSE, `k8s_POD_redis-0_default_${UID}_0`, 3001, "2026-11-22T04:00:00Z"),
      engineFacts(APP, `k8s_redis_redis-0_default_${UID}_0`, 3100, "2026-11-22T04:00:01Z"),
    ]);
    expect(s.host.cgroupVersion).toBe("v1");
    expect(s.pods).toEqual([
      { id: PAUSE, name: "redis-0", k8sNamespace: "default", source: "kubernetes", managed: false, sandboxId: PAUSE, memberIds: [APP], runtime: "docker", node: null, uid: UID, state: null },
    ]);
    expect(s.warnings).toEqual([]);
    // shareProcessNamespace: the app is PID 7 in the pause container's pid namespace, where pause is PID 1.
    const [pause, app] = [s.processes.find((p) => p.pid === 3001)!, s.processes.find((p) => p.pid === 3100)!];
    expect([pause.nspid, app.nspid, app.pidNs]).toEqual([[3001, 1], [3100, 7], pause.pidNs]);
    expect(byPid(s, 3100).sharedWithSandbox).toEqual(["ipc", "net", "pid", "uts"]);
    expect(limitsOf(s, 3100)).toEqual({
      values: {
        memoryLimit: 268435456,
        memoryUsage: 4956160,
        cpuQuotaUs: 100000,
        cpuPeriodUs: 100000,
        cpuShares: 512,
        cpuWeight: null,
        pidsMax: "unlimited",
        pidsCurrent: 1,
        cpusetCpus: "0-1",
      },
      files: [
        `/memory${POD}/${APP}/memory.limit_in_bytes`,
        `/memory${POD}/${APP}/memory.usage_in_bytes`,
        `/cpu,cpuacct${POD}/${APP}/cpu.cfs_quota_us`,
        `/cpu,cpuacct${POD}/${APP}/cpu.cfs_period_us`,
        `/cpu,cpuacct${POD}/${APP}/cpu.shares`,
        `/pids${POD}/${APP}/pids.max`,
        `/pids${POD}/${APP}/pids.current`,
        `/cpuset${POD}/${APP}/cpuset.cpus`,
      ],
    });
    expect(s.cgroups.map((n) => [n.path, n.parentPath, n.containerId, n.podUid, n.qos, n.pids])).toEqual([
      [POD, null, null, UID, "burstable", []],
      [`${POD}/${APP}`, POD, APP, UID, "burstable", [3100]],
      [`${POD}/${PAUSE}`, POD, PAUSE, UID, "burstable", [3001]],
    ]);
    expect(s.cgroups[2]!.limits).toMatchObject({ memoryLimit: "unlimited", cpuQuotaUs: "unlimited", cpuShares: 2 });
  });

  it("without the engine: the same pod from /proc, by its pod cgroup and the pause command", () => {
    const s = nodeSnapshot("node-v1-cgroupfs-docker", NO_ENGINE);
    expect(s.pods).toEqual([
      { id: PAUSE, name: UID, k8sNamespace: null, source: "kubernetes", managed: false, sandboxId: PAUSE, memberIds: [APP], runtime: "unknown", node: null, uid: UID, state: null },
    ]);
    // A bare id under kubepods does not say which runtime made it.
    expect(s.containers.map((c) => [c.name, c.runtime, c.discoveredBy])).toEqual([
      ["container:b7d89e2b316d", "unknown", "procfs"],
      ["container:2bb197c7ffce", "unknown", "procfs"],
    ]);
    expect(byPid(s, 3100).limits).toMatchObject({ memoryLimit: 268435456, cpuQuotaUs: 100000 });
  });
});

describe("a hybrid node, systemd driver, CRI-O, a guaranteed pod (node-hybrid-systemd-crio)", () => {
  const UID = "9a7b6c5d-4e3f-4a1b-8c2d-3e4f5a6b7c8d";
  const POD = "/kubepods.slice/kubepods-pod9a7b6c5d_4e3f_4a1b_8c2d_3e4f5a6b7c8d.slice";
  const PAUSE = "93ef10fead338e072f27da734c3e26ea7fb41898d77ace53376d2f941f1355af";
  const APP = "88400ffa86b6d5903b51d047eed4c482432c0c09182fa9971d2264bb2710ec78";
  const s = nodeSnapshot("node-hybrid-systemd-crio", NO_ENGINE);

  it("finds the CRI-O pod in /proc, the pause container its hub", () => {
    expect(s.host.cgroupVersion).toBe("hybrid");
    expect(s.pods.map((p) => [p.name, p.sandboxId, p.memberIds])).toEqual([[UID, PAUSE, [APP]]]);
    expect(s.containers.map((c) => [c.name, c.pid, c.runtime, c.processIds])).toEqual([
      ["cri-o:93ef10fead33", 4001, "cri-o", [4001]],
      ["cri-o:88400ffa86b6", 4100, "cri-o", [4100, 4101]],
    ]);
  });

  it("reads the limits from the v1 hierarchies, the guaranteed pod's own limits on its pod cgroup", () => {
    expect(limitsOf(s, 4100).values).toEqual({
      memoryLimit: 536870912,
      memoryUsage: 21991424,
      cpuQuotaUs: 50000,
      cpuPeriodUs: 100000,
      cpuShares: 512,
      cpuWeight: null,
      pidsMax: "unlimited",
      pidsCurrent: 2,
      cpusetCpus: "2-3",
    });
    expect(s.cgroups.map((n) => [n.path, n.qos, n.pids])).toEqual([
      [POD, "guaranteed", []],
      [`${POD}/crio-${APP}.scope`, "guaranteed", [4100, 4101]],
      [`${POD}/crio-${PAUSE}.scope`, "guaranteed", [4001]],
    ]);
    expect(s.cgroups[0]!.limits).toMatchObject({ memoryLimit: 536870912, cpuQuotaUs: 50000, pidsMax: 4096 });
    expect(s.warnings.map((w) => w.code)).toEqual(["engine-unreachable", "procfs-containers"]);
  });
});

describe("a runtime inside a node container (kind, minikube)", () => {
  it("takes each container's host PID from /proc: the runtime's PIDs are the node's pid namespace's", () => {
    const id = "c".repeat(64);
    const nodePath = `/docker/${"d".repeat(64)}/kubepods/besteffort/pod1234/${id}`;
    const init: ProcessFacts = {
      pid: 4242,
      name: "sleep",
      state: "S",
      ppid: 4200,
      nspid: [4242, 311, 1],
      uid: 0,
      namespaces: { net: 4026532900, pid: 4026532901 },
      cgroups: [{ hierarchyId: 4, controllers: ["memory"], path: nodePath }],
      cmdline: ["sleep", "3600"],
    };
    const nested = containerFacts({ id, name: "app", runtime: "containerd", node: "kind-control-plane", pid: 311 });
    const s = buildSnapshot({
      takenAt: "t",
      host,
      engine,
      runtimes: [],
      containers: [nested],
      scan: { processes: [init], outsideContainers: 0, skipped: [] },
      readCgroup: fakeCgroups().readCgroup,
    });
    const app = s.containers.find((c) => c.id === id)!;
    expect([app.pid, app.node, app.processIds, app.namespaces.net]).toEqual([4242, "kind-control-plane", [4242], 4026532900]);
  });
});
