import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, release, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { containerIdFromCgroups, parseNamespaceLink, ProcParseError } from "@/lib/model/parse-proc";
import type { CgroupEntry, ProcessFacts } from "@/lib/model/types";
import {
  listPids,
  readCgroupVersion,
  readHostFacts,
  readNamespaces,
  readProcess,
  scanProcesses,
} from "@/lib/server/procfs";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const PROC = join(FIXTURES, "proc-basic");

const PAUSE_ID = "058b9c366d1a17f955f8fbb102933e96534dafe514b20df4bf28a58762cf949e";
const APP_ID = "59d133dafae0c209689622d2d25d4ad9170f89732c631bb7b179b80a6ebd7a7d";

const HOST_NS = {
  cgroup: 4026531835,
  ipc: 4026531839,
  mnt: 4026531841,
  net: 4026531840,
  pid: 4026531836,
  time: 4026531834,
  user: 4026531837,
  uts: 4026531838,
};

/** The hybrid layout of the fixture: nine v1 hierarchies plus the 0:: line, all at `path`. */
function hybrid(path: string): CgroupEntry[] {
  return [
    { hierarchyId: 9, controllers: ["name=systemd"], path },
    { hierarchyId: 8, controllers: ["pids"], path },
    { hierarchyId: 7, controllers: ["blkio"], path },
    { hierarchyId: 6, controllers: ["freezer"], path },
    { hierarchyId: 5, controllers: ["devices"], path },
    { hierarchyId: 4, controllers: ["memory"], path },
    { hierarchyId: 3, controllers: ["cpuset"], path },
    { hierarchyId: 2, controllers: ["net_cls", "net_prio"], path },
    { hierarchyId: 1, controllers: ["cpu", "cpuacct"], path },
    { hierarchyId: 0, controllers: [], path },
  ];
}

const EXPECTED: Record<number, ProcessFacts> = {
  1: {
    pid: 1,
    name: "systemd",
    state: "S",
    ppid: 0,
    nspid: [1],
    uid: 0,
    namespaces: HOST_NS,
    pidForChildren: 4026531836,
    cgroups: hybrid("/"),
    cmdline: ["/lib/systemd/systemd", "--system", "--deserialize", "31"],
  },
  700: {
    pid: 700,
    name: "sshd",
    state: "S",
    ppid: 1,
    nspid: [700],
    uid: 0,
    namespaces: { ipc: 4026531839, mnt: 4026531841, net: 4026531840, pid: 4026531836, user: 4026531837, uts: 4026531838 },
    cgroups: [
      { hierarchyId: 5, controllers: ["name=systemd"], path: "/system.slice/ssh.service" },
      { hierarchyId: 4, controllers: ["memory"], path: "/system.slice/ssh.service" },
      { hierarchyId: 3, controllers: ["devices"], path: "/system.slice/ssh.service" },
      { hierarchyId: 2, controllers: ["cpu", "cpuacct"], path: "/system.slice/ssh.service" },
      { hierarchyId: 1, controllers: ["cpuset"], path: "/" },
    ],
    cmdline: ["/usr/sbin/sshd", "-D"],
  },
  4242: {
    pid: 4242,
    name: "pause",
    state: "S",
    ppid: 4220,
    nspid: [4242, 1],
    uid: 65535,
    namespaces: {
      cgroup: 4026531835,
      ipc: 4026532301,
      mnt: 4026532299,
      net: 4026532304,
      pid: 4026532302,
      time: 4026531834,
      user: 4026531837,
      uts: 4026532300,
    },
    pidForChildren: 4026532302,
    cgroups: hybrid(`/docker/${PAUSE_ID}`),
    cmdline: ["/pause"],
  },
  4300: {
    pid: 4300,
    name: "httpd",
    state: "S",
    ppid: 4280,
    nspid: [4300, 7],
    uid: 0,
    namespaces: {
      cgroup: 4026531835,
      ipc: 4026532301,
      mnt: 4026532410,
      net: 4026532304,
      pid: 4026532302,
      time: 4026531834,
      user: 4026531837,
      uts: 4026532411,
    },
    pidForChildren: 4026532302,
    cgroups: hybrid(`/docker/${APP_ID}`),
    cmdline: ["httpd", "-f", "-p", "2368"],
  },
  4310: {
    pid: 4310,
    name: "sh",
    state: "Z",
    ppid: 4300,
    nspid: [4310, 9],
    uid: 0,
    namespaces: { pid: 4026532302, user: 4026531837 },
    cgroups: hybrid(`/docker/${APP_ID}`),
    cmdline: [],
  },
};

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("procfs on the fake tree test/fixtures/proc-basic", () => {
  it("listPids: numeric entries only, ascending (not 'self')", () => {
    expect(listPids(PROC)).toEqual([1, 666, 700, 999, 4242, 4300, 4310]);
  });

  it.each([1, 700, 4242, 4300, 4310])("readProcess(%i) reads exactly what the files say", (pid) => {
    expect(readProcess(pid, PROC)).toStrictEqual(EXPECTED[pid]);
  });

  it("has no pidForChildren key when the kernel has no pid_for_children entry", () => {
    expect(Object.keys(readProcess(700, PROC))).not.toContain("pidForChildren");
    expect(Object.keys(readProcess(4310, PROC))).not.toContain("pidForChildren");
  });

  it("the app shares net, ipc, pid with the pause container, and has its own mnt and uts", () => {
    const pause = readProcess(4242, PROC).namespaces;
    const app = readProcess(4300, PROC).namespaces;
    const host = readProcess(1, PROC).namespaces;
    expect(app.net).toBe(pause.net);
    expect(app.ipc).toBe(pause.ipc);
    expect(app.pid).toBe(pause.pid);
    expect(app.mnt).not.toBe(pause.mnt);
    expect(app.uts).not.toBe(pause.uts);
    expect(pause.net).not.toBe(host.net);
    expect(app.user).toBe(host.user);
  });

  it("the container id comes out of each process's cgroup paths", () => {
    const ids = Object.fromEntries(
      [1, 700, 4242, 4300, 4310].map((pid) => [pid, containerIdFromCgroups(readProcess(pid, PROC).cgroups)]),
    );
    expect(ids).toEqual({ 1: null, 700: null, 4242: PAUSE_ID, 4300: APP_ID, 4310: APP_ID });
  });

  it("readProcess throws ENOENT for the vanished PID and for a PID that never existed", () => {
    expect(errorOf(() => readProcess(999, PROC))).toMatchObject({ code: "ENOENT" });
    expect(errorOf(() => readProcess(31337, PROC))).toMatchObject({ code: "ENOENT" });
  });

  it("readProcess throws a ProcParseError naming the corrupt status file", () => {
    const err = errorOf(() => readProcess(666, PROC));
    expect(err).toBeInstanceOf(ProcParseError);
    expect(err).toMatchObject({ file: "status", message: 'missing "Name:" line' });
  });

  it("scanProcesses reads PID 1 and the container processes in full, counts the others, and skips the vanished and the corrupt with a reason", () => {
    const scan = scanProcesses(PROC);
    expect(scan.processes).toStrictEqual([1, 4242, 4300, 4310].map((pid) => EXPECTED[pid]));
    expect(scan.outsideContainers).toBe(1); // 700, sshd on the host
    expect(scan.skipped).toEqual([
      { pid: 666, reason: 'corrupt status: missing "Name:" line' },
      { pid: 999, reason: "vanished" },
    ]);
  });

  it("readNamespaces: PID 1 (the host's, without pid_for_children/time_for_children)", () => {
    expect(readNamespaces(1, PROC)).toStrictEqual(HOST_NS);
  });

  it("readNamespaces: partial sets, and {} for a vanished PID", () => {
    expect(readNamespaces(4310, PROC)).toStrictEqual({ pid: 4026532302, user: 4026531837 });
    expect(readNamespaces(700, PROC)).toStrictEqual(EXPECTED[700]?.namespaces);
    expect(readNamespaces(999, PROC)).toStrictEqual({});
    expect(readNamespaces(666, PROC)).toStrictEqual({});
  });

  it("readHostFacts: os hostname and release, the cgroup layout, PID 1's namespaces", () => {
    expect(readHostFacts({ procRoot: PROC, cgroupRoot: join(FIXTURES, "cgroup-hybrid") })).toStrictEqual({
      hostname: hostname(),
      kernel: release(),
      cgroupVersion: "hybrid",
      namespaces: HOST_NS,
      namespacesFrom: 1,
    });
  });

  it("readHostFacts: falls back to PID 2 (kthreadd) when PID 1's ns links are unreadable", () => {
    const root = mkdtempSync(join(tmpdir(), "pod-anatomy-host-"));
    try {
      mkdirSync(join(root, "1", "ns"), { recursive: true }); // listed, but nothing readable
      mkdirSync(join(root, "2", "ns"), { recursive: true });
      symlinkSync("net:[4026531833]", join(root, "2", "ns", "net"));
      symlinkSync("uts:[4026531838]", join(root, "2", "ns", "uts"));
      const facts = readHostFacts({ procRoot: root, cgroupRoot: join(FIXTURES, "cgroup-v2") });
      expect(facts.namespaces).toStrictEqual({ net: 4026531833, uts: 4026531838 });
      expect(facts.namespacesFrom).toBe(2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("procfs on a broken ns/ directory (temporary tree)", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "pod-anatomy-procfs-"));
    const dir = join(root, "50");
    mkdirSync(join(dir, "ns"), { recursive: true });
    writeFileSync(join(dir, "status"), "Name:\tx\nState:\tS (sleeping)\nPid:\t50\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
    writeFileSync(join(dir, "cgroup"), `0::/docker/${"c".repeat(64)}\n`); // in a container: every ns link is read
    writeFileSync(join(dir, "cmdline"), "x\0");
    symlinkSync("ipc:[4026531839]", join(dir, "ns", "ipc"));
    symlinkSync("not a namespace", join(dir, "ns", "net"));
    writeFileSync(join(dir, "ns", "uts"), "a regular file, not a link");
    symlinkSync("futurens:[4026532999]", join(dir, "ns", "futurens"));
    const bad = join(root, "51");
    mkdirSync(join(bad, "ns"), { recursive: true });
    writeFileSync(join(bad, "status"), "Name:\tx\nState:\tS (sleeping)\nPid:\t51\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
    writeFileSync(join(bad, "cgroup"), "this is not a cgroup line\n");
    writeFileSync(join(bad, "cmdline"), "");
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("readNamespaces leaves out what cannot be read or parsed, and unknown types", () => {
    expect(readNamespaces(50, root)).toStrictEqual({ ipc: 4026531839 });
  });

  it("readProcess throws on a bad link; scanProcesses says which file was corrupt", () => {
    const err = errorOf(() => readProcess(50, root));
    expect(err).toBeInstanceOf(ProcParseError);
    expect(err).toMatchObject({ file: "ns/net" });
    expect(scanProcesses(root).skipped).toEqual([
      { pid: 50, reason: 'corrupt ns/net: link target is not "type:[inode]": "not a namespace"' },
      { pid: 51, reason: 'corrupt cgroup: cgroup line 1 has fewer than 3 fields: "this is not a cgroup line"' },
    ]);
    expect(scanProcesses(root).processes).toEqual([]);
  });
});

describe("readCgroupVersion on fixture layouts", () => {
  it.each([
    ["cgroup-v2", "v2"],
    ["cgroup-hybrid", "hybrid"],
    ["cgroup-v1", "v1"],
    ["proc-basic", "unknown"],
    ["does-not-exist", "unknown"],
  ])("%s → %s", (dir, version) => {
    expect(readCgroupVersion(join(FIXTURES, dir))).toBe(version);
  });
});

describe("procfs on the real /proc", () => {
  it("readProcess(process.pid) agrees with readlink /proc/self/ns/net and with our PID", () => {
    const me = readProcess(process.pid);
    const net = parseNamespaceLink(readlinkSync("/proc/self/ns/net", "utf8"));
    expect(net).not.toBeNull();
    expect(me.namespaces.net).toBe(net?.inode);
    expect(me.nspid[0]).toBe(process.pid);
    expect(me.pid).toBe(process.pid);
    expect(me.cgroups.length).toBeGreaterThan(0);
    expect(readNamespaces(process.pid)).toStrictEqual(me.namespaces);
  });

  it("listPids includes our PID and PID 1", () => {
    const pids = listPids();
    expect(pids).toContain(process.pid);
    expect(pids).toContain(1);
  });

  describe("a real zombie", () => {
    let parent: ChildProcess | undefined;

    afterEach(() => {
      parent?.kill("SIGKILL"); // the zombie is reparented and reaped
      parent = undefined;
    });

    it("is read, not skipped: state Z, empty cmdline, only the links the kernel still resolves", async () => {
      // sh starts a child that exits after 0.3 s, then becomes `sleep`, which never reaps it.
      const child = spawn("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "inherit"] });
      parent = child;
      const zombiePid = await new Promise<number>((resolve, reject) => {
        child.stdout?.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
        child.once("error", reject);
      });
      const deadline = Date.now() + 5_000;
      while (!/^State:\tZ/m.test(readFileSync(`/proc/${zombiePid}/status`, "utf8"))) {
        if (Date.now() > deadline) throw new Error(`PID ${zombiePid} did not become a zombie`);
        await new Promise((r) => setTimeout(r, 20));
      }

      const z = readProcess(zombiePid);
      const mine = readProcess(process.pid);
      expect(z.state).toBe("Z");
      expect(z.cmdline).toEqual([]);
      expect(z.ppid).toBe(child.pid);
      expect(z.namespaces.pid).toBe(mine.namespaces.pid);
      expect(z.namespaces.net).toBeUndefined();
      expect(scanProcesses().skipped.map((s) => s.pid)).not.toContain(zombiePid);
    });
  });
});
