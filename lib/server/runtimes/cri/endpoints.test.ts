import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCriEndpoints, findNestedCriEndpoints } from "./endpoints";

/**
 * A fake /proc (and a fake host root) built at run time, since sockets cannot be committed:
 * PID 1 on the host's mount namespace; 4242 a containerd in a node's own mount namespace with
 * --address; 4243 a containerd on the host's (dockerd's: not nested); 4244 a crio in a
 * namespace of its own with its default socket; 4245 a containerd whose socket is gone.
 */
let root = "";
const servers: net.Server[] = [];

async function socketAt(p: string): Promise<void> {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(p, r));
  servers.push(s);
}

function proc(pid: string, comm: string, mnt: string, argv: string[]) {
  const d = path.join(root, "proc", pid);
  fs.mkdirSync(path.join(d, "ns"), { recursive: true });
  fs.writeFileSync(path.join(d, "comm"), `${comm}\n`);
  fs.writeFileSync(path.join(d, "cmdline"), argv.join("\0") + "\0");
  fs.symlinkSync(`mnt:[${mnt}]`, path.join(d, "ns", "mnt"));
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cri-ep-"));
  proc("1", "systemd", "4026531840", ["/sbin/init"]);
  proc("4242", "containerd", "4026532001", ["containerd", "--address", "/run/k/containerd.sock"]);
  proc("4243", "containerd", "4026531840", ["containerd", "--config", "/var/run/docker/containerd/containerd.toml"]);
  proc("4244", "crio", "4026532002", ["crio"]);
  proc("4245", "containerd", "4026532003", ["containerd"]);
  fs.mkdirSync(path.join(root, "proc", "self"));
  await socketAt(path.join(root, "proc", "4242", "root", "run", "k", "containerd.sock"));
  await socketAt(path.join(root, "proc", "4243", "root", "run", "containerd", "containerd.sock"));
  await socketAt(path.join(root, "proc", "4244", "root", "run", "crio", "crio.sock"));
  await socketAt(path.join(root, "host", "run", "containerd", "containerd.sock"));
  await socketAt(path.join(root, "host", "var", "run", "docker", "containerd", "containerd.sock"));
});

afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  fs.rmSync(root, { recursive: true, force: true });
});

describe("findNestedCriEndpoints", () => {
  it("finds the runtimes in a mount namespace other than the host's, by --address or their default socket", () => {
    const procRoot = path.join(root, "proc");
    expect(findNestedCriEndpoints(procRoot)).toEqual([
      { endpoint: `unix://${procRoot}/4242/root/run/k/containerd.sock`, socketPath: `${procRoot}/4242/root/run/k/containerd.sock`, source: "nested", pid: 4242, process: "containerd" },
      { endpoint: `unix://${procRoot}/4244/root/run/crio/crio.sock`, socketPath: `${procRoot}/4244/root/run/crio/crio.sock`, source: "nested", pid: 4244, process: "crio" },
    ]);
  });

  it("looks only at the PIDs given, when given", () => {
    const procRoot = path.join(root, "proc");
    expect(findNestedCriEndpoints(procRoot, [4244, 999999]).map((e) => e.pid)).toEqual([4244]);
    expect(findNestedCriEndpoints(procRoot, [])).toEqual([]);
  });
});

describe("findCriEndpoints", () => {
  it("lists the well-known sockets that exist (never dockerd's own containerd), then the nested ones", () => {
    const found = findCriEndpoints({ procRoot: path.join(root, "proc"), hostRoot: path.join(root, "host"), env: {} });
    expect(found.map((f) => [f.source, f.pid])).toEqual([["well-known", null], ["nested", 4242], ["nested", 4244]]);
    expect(found[0]!.socketPath).toBe(path.join(root, "host", "run", "containerd", "containerd.sock"));
  });

  it("takes CONTAINER_RUNTIME_ENDPOINT alone when set", () => {
    expect(findCriEndpoints({ procRoot: path.join(root, "proc"), hostRoot: path.join(root, "host"), env: { CONTAINER_RUNTIME_ENDPOINT: "unix:///run/crio/crio.sock" } })).toEqual([
      { endpoint: "unix:///run/crio/crio.sock", socketPath: "/run/crio/crio.sock", source: "env", pid: null, process: null },
    ]);
  });
});
