import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HostFacts } from "@/lib/model/types";
import { readSelf } from "./self";

/** A fake /proc (self/cgroup, our PID's ns links, PID 2's status and root) and a fake cgroup v1 tree, made per test. */
const ID = "4f1c0ffee0000000000000000000000000000000000000000000000000000abc";
let dir = "";
let procRoot = "";
let cgroupRoot = "";

function tree(opts: { cgroupPath: string; kthreadd: boolean; ownUts: number; cgroupDirExists: boolean; hostname?: string }) {
  fs.mkdirSync(path.join(procRoot, "self"), { recursive: true });
  fs.writeFileSync(path.join(procRoot, "self", "cgroup"), `12:memory:${opts.cgroupPath}\n11:pids:${opts.cgroupPath}\n0::/\n`);
  const ns = path.join(procRoot, String(process.pid), "ns");
  fs.mkdirSync(ns, { recursive: true });
  fs.symlinkSync(`uts:[${opts.ownUts}]`, path.join(ns, "uts"));
  fs.mkdirSync(path.join(procRoot, "2", "root", "etc"), { recursive: true });
  fs.writeFileSync(path.join(procRoot, "2", "status"), opts.kthreadd ? "Name:\tkthreadd\nPid:\t2\n" : "Name:\tsleep\n");
  if (opts.hostname) fs.writeFileSync(path.join(procRoot, "2", "root", "etc", "hostname"), `${opts.hostname}\n`);
  fs.mkdirSync(path.join(cgroupRoot, "memory", opts.cgroupDirExists ? opts.cgroupPath : ""), { recursive: true });
}

const host = (namespaces: HostFacts["namespaces"]): HostFacts => ({ hostname: "container-name", kernel: "6.1", cgroupVersion: "hybrid", namespaces, namespacesFrom: 2 });

describe("readSelf (in a container: POD_ANATOMY_IN_CONTAINER=1)", () => {
  const saved = process.env.POD_ANATOMY_IN_CONTAINER;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-self-"));
    procRoot = path.join(dir, "proc");
    cgroupRoot = path.join(dir, "cgroup");
    process.env.POD_ANATOMY_IN_CONTAINER = "1";
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.POD_ANATOMY_IN_CONTAINER;
    else process.env.POD_ANATOMY_IN_CONTAINER = saved;
  });

  it("with every privilege: its container id from its cgroup path, the host's everything", () => {
    tree({ cgroupPath: `/docker/${ID}`, kthreadd: true, ownUts: 4026531838, cgroupDirExists: true });
    const r = readSelf({ procRoot, cgroupRoot, host: host({ uts: 4026531838, net: 4026531833 }) });
    expect(r.self?.containerId).toBe(ID);
    expect(r.hostHostname).toBeNull();
    expect(r.privileges).toEqual({
      inContainer: true,
      hostPidNamespace: true,
      hostNamespacesReadable: true,
      hostCgroupNamespace: true,
      hostCgroupTree: true,
      hostUts: true,
    });
  });

  it("without them: own pid, cgroup and uts namespaces, no host ns links, the container's own cgroup mount", () => {
    tree({ cgroupPath: "/", kthreadd: false, ownUts: 4026532999, cgroupDirExists: false });
    const r = readSelf({ procRoot, cgroupRoot, host: host({}) });
    expect(r.self?.containerId).toBeNull();
    expect(r.privileges).toMatchObject({ hostPidNamespace: false, hostNamespacesReadable: false, hostCgroupNamespace: false, hostUts: null });
  });

  it("with the host's cgroup namespace but not its tree, and its own uts: the host's hostname through PID 2's root", () => {
    tree({ cgroupPath: `/docker/${ID}`, kthreadd: true, ownUts: 4026532999, cgroupDirExists: false, hostname: "node-1" });
    const r = readSelf({ procRoot, cgroupRoot, host: host({ uts: 4026531838 }) });
    expect(r.privileges).toMatchObject({ hostCgroupNamespace: true, hostCgroupTree: false, hostUts: false });
    expect(r.hostHostname).toBe("node-1");
  });
});
