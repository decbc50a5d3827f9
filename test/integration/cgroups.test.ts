/**
 * Cgroups, host namespaces and shared pid namespaces on the real engine and the real kernel.
 * The test starts its own containers with the docker CLI (each labelled with the run id, all
 * removed afterwards) from an image it builds FROM scratch: busybox, and the project's
 * pause.c compiled with gcc -static. What the API reports must be what the kernel says: the
 * cgroup files and /proc are read here directly, without the app's readers.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import { LABEL_RUN, type Container, type Snapshot } from "@/lib/model/types";
import { cgroupReader } from "@/lib/server/cgroupfs";
import { readHostFacts, scanProcesses } from "@/lib/server/procfs";
import { getSnapshot, removeByLabel } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;
const IMAGE = `pod-anatomy-test/cgroups:${RUN_ID.toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`;
const CGROUP_PARENT = "/pod-test";
const ROOT = "/sys/fs/cgroup";
const IS_V2 = fs.existsSync(`${ROOT}/cgroup.controllers`);

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const run = (...args: string[]) => docker("run", "-d", "--label", RUN_LABEL, ...args);

/** The image: busybox and the pause stand-in, FROM scratch (no registry here). */
function buildImage(): void {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), "pod-anatomy-cgroups-test-"));
  try {
    fs.copyFileSync("/bin/busybox", path.join(ctx, "busybox"));
    execFileSync("gcc", ["-static", "-O2", "-o", path.join(ctx, "pause"), path.resolve("images/stand-in/pause.c")]);
    fs.writeFileSync(path.join(ctx, "Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY pause /pause\n");
    docker("build", "-q", "--label", RUN_LABEL, "-t", IMAGE, ctx);
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/** What the kernel says: a cgroup file of the process's cgroup, found from /proc/PID/cgroup (v1: the controller's hierarchy). */
function kernelCgroupFile(pid: number, controller: string, file: string): string {
  const lines = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n");
  if (IS_V2) return fs.readFileSync(`${ROOT}${lines.find((l) => l.startsWith("0::"))!.slice(3)}/${file}`, "utf8").trim();
  const [, controllers, cgroupPath] = /^\d+:([^:]*):(.*)$/.exec(lines.find((l) => l.split(":")[1]!.split(",").includes(controller))!)!;
  const dir = fs.existsSync(`${ROOT}/${controllers}`) ? controllers : controller;
  return fs.readFileSync(`${ROOT}/${dir}${cgroupPath}/${file}`, "utf8").trim();
}

function kernelStatus(pid: number, key: string): string {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${key}:`))!;
  return line.slice(key.length + 1).trim();
}

const kernelNs = (pid: number, type: string) => Number(/\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/ns/${type}`))![1]);

describe("cgroups and namespaces of containers the test starts itself", () => {
  const ids: Record<"limited" | "hostnet" | "sandbox" | "member", string> = { limited: "", hostnet: "", sandbox: "", member: "" };
  let snapshot: Snapshot;
  const container = (key: keyof typeof ids): Container => {
    const c = snapshot.containers.find((x) => x.id === ids[key]);
    if (!c) throw new Error(`${key} (${ids[key]}) is not in the snapshot`);
    return c;
  };

  beforeAll(async () => {
    buildImage();
    // --network none where the network does not matter: no dependence on the engine's bridge.
    ids.limited = run(
      "--network", "none", "--memory", "64m", "--cpus", "0.5", "--pids-limit", "50", "--cgroup-parent", CGROUP_PARENT,
      IMAGE, "/bin/busybox", "sleep", "3600",
    );
    ids.hostnet = run("--network", "host", IMAGE, "/bin/busybox", "sleep", "3600");
    ids.sandbox = run("--network", "none", "--ipc", "shareable", IMAGE, "/pause");
    const join = `container:${ids.sandbox}`;
    ids.member = run("--network", join, "--ipc", join, "--pid", join, IMAGE, "/bin/busybox", "sleep", "3600");
    snapshot = await getSnapshot();
  });

  afterAll(() => {
    removeByLabel(RUN_LABEL);
    try {
      docker("rmi", IMAGE);
    } catch {
      // still used by a container of a concurrent run: its cleanup removes it
    }
    // Docker leaves the --cgroup-parent directory behind; remove it once empty.
    for (const dir of IS_V2 ? [ROOT] : fs.readdirSync(ROOT).map((d) => `${ROOT}/${d}`)) {
      try {
        fs.rmdirSync(`${dir}${CGROUP_PARENT}`);
      } catch {
        // absent, or still holding another run's container
      }
    }
  });

  it("shows --memory 64m --cpus 0.5 --pids-limit 50 exactly, as the kernel's cgroup files say", () => {
    const c = container("limited");
    expect(c.limits).toMatchObject({ memoryLimit: 67108864, cpuQuotaUs: 50000, cpuPeriodUs: 100000, pidsMax: 50 });
    const pid = c.pid!;
    if (IS_V2) {
      expect(kernelCgroupFile(pid, "memory", "memory.max")).toBe("67108864");
      expect(kernelCgroupFile(pid, "cpu", "cpu.max")).toBe("50000 100000");
    } else {
      expect(kernelCgroupFile(pid, "memory", "memory.limit_in_bytes")).toBe("67108864");
      expect(kernelCgroupFile(pid, "cpu", "cpu.cfs_quota_us")).toBe("50000");
      expect(kernelCgroupFile(pid, "cpu", "cpu.cfs_period_us")).toBe("100000");
      expect(c.limits!.cpuShares).toBe(Number(kernelCgroupFile(pid, "cpu", "cpu.shares")));
    }
    expect(kernelCgroupFile(pid, "pids", "pids.max")).toBe("50");
    expect(c.limits!.pidsCurrent).toBe(Number(kernelCgroupFile(pid, "pids", "pids.current")));
    expect(c.limits!.memoryUsage).toBeGreaterThan(0);
    for (const file of c.limits!.sources) expect(fs.existsSync(file), file).toBe(true);
  });

  it("sits under /pod-test in the cgroup tree, with the processes cgroup.procs lists", () => {
    const c = container("limited");
    expect(c.cgroupPath).toBe(`${CGROUP_PARENT}/${c.id}`);
    const parent = snapshot.cgroups.find((n) => n.path === CGROUP_PARENT);
    const own = snapshot.cgroups.find((n) => n.path === c.cgroupPath);
    expect(parent).toMatchObject({ parentPath: null, containerId: null, podUid: null, qos: null });
    expect(own).toMatchObject({ parentPath: CGROUP_PARENT, containerId: c.id, pids: [c.pid] });
    expect(own!.limits).toEqual(c.limits);
    const kernelProcs = kernelCgroupFile(c.pid!, "memory", "cgroup.procs").split("\n").map(Number);
    expect(own!.pids).toEqual(kernelProcs);
    // Parents before children.
    expect(snapshot.cgroups.indexOf(parent!)).toBeLessThan(snapshot.cgroups.indexOf(own!));
  });

  it("shows a --network host container's net namespace as the host's", () => {
    const c = container("hostnet");
    expect(c.sharedWithHost).toContain("net");
    expect(c.own).not.toContain("net");
    expect(c.namespaces.net).toBe(kernelNs(snapshot.host.namespacesFrom, "net"));
    expect(c.namespaces.net).toBe(kernelNs(c.pid!, "net"));
  });

  it("shows, in a --pid container:<sandbox> container, the sandbox's process as PID 1 of the same pid namespace", () => {
    const sandbox = container("sandbox");
    const member = container("member");
    expect(member.podId).toBe(sandbox.id);
    expect(member.sharedWithSandbox).toEqual(["ipc", "net", "pid"]);
    const sandboxProcess = snapshot.processes.find((p) => p.pid === sandbox.pid)!;
    const memberProcess = snapshot.processes.find((p) => p.pid === member.pid)!;
    expect(sandboxProcess.cmdline).toEqual(["/pause"]);
    expect(sandboxProcess.nspid).toEqual([sandbox.pid, 1]);
    expect(memberProcess.pidNs).toBe(sandboxProcess.pidNs);
    expect(memberProcess.nspid.at(-1)).toBeGreaterThan(1);
    // Who is PID 1 in the member's pid namespace: the sandbox's pause.
    const pid1 = snapshot.processes.filter((p) => p.pidNs === memberProcess.pidNs && p.nspid.at(-1) === 1);
    expect(pid1.map((p) => p.pid)).toEqual([sandbox.pid]);
    // The kernel agrees.
    expect(kernelStatus(sandbox.pid!, "NSpid").split(/\s+/).map(Number)).toEqual(sandboxProcess.nspid);
    expect(kernelStatus(member.pid!, "NSpid").split(/\s+/).map(Number)).toEqual(memberProcess.nspid);
    expect(kernelNs(member.pid!, "pid")).toBe(kernelNs(sandbox.pid!, "pid"));
  });

  it("finds the same containers and the pod from /proc alone when no engine answers", () => {
    const host = readHostFacts();
    const s = buildSnapshot({
      takenAt: new Date().toISOString(),
      host,
      engine: { state: "unreachable", reason: "socket-missing", endpoint: "unix:///nowhere.sock", message: "no engine", hint: "" },
      runtimes: [],
      containers: [],
      scan: scanProcesses(),
      readCgroup: cgroupReader({ root: ROOT, version: host.cgroupVersion }),
    });
    const found = (key: keyof typeof ids) => s.containers.find((c) => c.id === ids[key])!;
    // Docker's cgroupfs driver: /docker/<id> names Docker; a bare id under /pod-test names no runtime.
    const runtimes = { limited: "unknown", hostnet: "docker", sandbox: "docker", member: "docker" };
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
      expect(found(key), key).toMatchObject({ discoveredBy: "procfs", runtime: runtimes[key], pid: container(key).pid, image: "" });
    }
    // The pause process is recognised by its command: the sandbox of the member that joined it.
    const pod = s.pods.find((p) => p.sandboxId === ids.sandbox);
    expect(pod).toMatchObject({ source: "inferred", memberIds: [ids.member] });
    expect(found("limited").limits).toMatchObject({ memoryLimit: 67108864, cpuQuotaUs: 50000, pidsMax: 50 });
    expect(found("limited").cgroupPath).toBe(`${CGROUP_PARENT}/${ids.limited}`);
  });
});
