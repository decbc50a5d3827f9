/**
 * A CRI runtime inside another mount namespace — as in a kind or minikube node — is found
 * by itself and reached through /proc/PID/root. A real second containerd is started under
 * `unshare -m` with its socket on a tmpfs mounted inside that namespace only: the host sees
 * an empty directory where the socket is, so only /proc/PID/root/… reaches it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CriRuntime } from "@/lib/server/runtimes/cri/adapter";
import { findCriEndpoints, findNestedCriEndpoints } from "@/lib/server/runtimes/cri/endpoints";

let base = "";
let mnt = "";
let child: ChildProcess | null = null;
let containerdPid = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "pa-nested-"));
  mnt = path.join(base, "mnt");
  fs.mkdirSync(mnt);
  fs.mkdirSync(path.join(base, "cni"));
  const config = `version = 2
root = "${mnt}/root"
state = "${mnt}/state"
[grpc]
  address = "${mnt}/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${base}/cni"
`;
  fs.writeFileSync(path.join(base, "config.toml"), config);
  child = spawn(
    "unshare",
    ["-m", "--propagation", "private", "--", "sh", "-c", `mount -t tmpfs -o size=64m pa-nested "${mnt}" && exec containerd --config "${base}/config.toml" --address "${mnt}/containerd.sock"`],
    { stdio: ["ignore", "ignore", fs.openSync(path.join(base, "containerd.log"), "w")] },
  );
  containerdPid = child.pid!;
  // Wait until it serves its socket (seen from the host through its root).
  const sock = `/proc/${containerdPid}/root${mnt}/containerd.sock`;
  for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await sleep(100);
  if (!fs.existsSync(sock)) throw new Error(`the nested containerd did not start: ${fs.readFileSync(path.join(base, "containerd.log"), "utf8").slice(-2000)}`);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  fs.rmSync(base, { recursive: true, force: true });
});

describe("a containerd in a private mount namespace", () => {
  it("serves a socket the host cannot see at its own path", () => {
    expect(fs.readFileSync(`/proc/${containerdPid}/comm`, "utf8").trim()).toBe("containerd");
    expect(fs.readlinkSync(`/proc/${containerdPid}/ns/mnt`)).not.toBe(fs.readlinkSync("/proc/self/ns/mnt"));
    expect(fs.readdirSync(mnt)).toEqual([]); // the host's view: an empty directory
  });

  it("is found by itself, with its pid and the path through /proc/PID/root", () => {
    const found = findNestedCriEndpoints().find((e) => e.pid === containerdPid);
    expect(found).toEqual({
      endpoint: `unix:///proc/${containerdPid}/root${mnt}/containerd.sock`,
      socketPath: `/proc/${containerdPid}/root${mnt}/containerd.sock`,
      source: "nested",
      pid: containerdPid,
      process: "containerd",
    });
    // Also among all endpoints, unless CONTAINER_RUNTIME_ENDPOINT chooses one; never Docker's own containerd.
    const all = findCriEndpoints({ env: {} });
    expect(all.map((e) => e.pid)).toContain(containerdPid);
    expect(all.map((e) => e.socketPath)).not.toContain("/var/run/docker/containerd/containerd.sock");
    expect(findCriEndpoints({ env: { CONTAINER_RUNTIME_ENDPOINT: "unix:///x.sock" } })).toEqual([
      { endpoint: "unix:///x.sock", socketPath: "/x.sock", source: "env", pid: null, process: null },
    ]);
  });

  it("answers Version through /proc/PID/root, read only, its containers named with the node", async () => {
    const [found] = findNestedCriEndpoints().filter((e) => e.pid === containerdPid);
    const rt = new CriRuntime({ endpoint: found!.socketPath, node: "nested-node" });
    try {
      const s = await rt.status();
      expect(s).toMatchObject({ state: "ok", runtime: "containerd", apiVersion: "v1", node: "nested-node", id: `cri:${found!.socketPath}` });
      expect(rt.pods).toBeUndefined();
      expect(await rt.containers()).toEqual([]);
    } finally {
      rt.close();
    }
  });
});
