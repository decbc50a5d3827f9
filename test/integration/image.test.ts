/**
 * The container image (npm run image → pod-anatomy:local), run with the README's run line
 * on 127.0.0.1:3941 (3942 for the second instance, the one each privilege is removed from in
 * turn), against the real Docker engine and the real /proc.
 *
 * POD_ANATOMY_IMAGE_TESTS=1 (set by npm test, which runs npm run image first): the image must
 * exist, and these tests FAIL without it. Unset: they run when the image exists, and are
 * skipped (saying so) when it does not.
 *
 * Port 8880 (the demo pod) is taken under `flock /tmp/pa-8880.lock` unless
 * POD_ANATOMY_HOLDS_8880=1 says the caller already holds it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "@/lib/model/types";
import { fetchToken, pageHeaders, rawRequest } from "@/test/support/api";

const IMAGE = process.env.POD_ANATOMY_IMAGE_TAG ?? "pod-anatomy:local";
const REQUIRED = process.env.POD_ANATOMY_IMAGE_TESTS === "1";
const RUN = process.env.POD_ANATOMY_RUN_ID ?? `image-dev-${process.pid}`;
const PORT = 3941;
const SECOND_PORT = 3942;

function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}
const imagePresent = spawnSync("docker", ["image", "inspect", IMAGE], { stdio: "ignore" }).status === 0;

/**
 * The README's run line (README.md, "Run it as a container"), with this test's host port,
 * name and run label. `drop` removes one of its options (each privilege in turn).
 */
function runLine(name: string, hostPort: number, change: { drop?: string[]; add?: string[] } = {}): string[] {
  const sockets = ["/var/run/docker.sock", "/run/containerd/containerd.sock", "/run/podman/podman.sock"].filter((s) => fs.existsSync(s));
  const options: string[][] = [
    ["--pid", "host"],
    ["--cgroupns", "host"],
    ["--uts", "host"],
    ["-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro"],
    ...sockets.map((s) => ["-v", `${s}:${s}`]),
    ["--read-only"],
    ["--tmpfs", "/tmp"],
    ["--tmpfs", "/app/.next/cache"],
    ["--cap-drop", "ALL"],
    ["--cap-add", "SYS_PTRACE"],
    ["--security-opt", "apparmor=unconfined"],
    ["--security-opt", "no-new-privileges"],
  ];
  const kept = options.filter((o) => !(change.drop ?? []).includes(o.join(" ")));
  return [
    "run", "-d", "--name", name,
    "--label", `io.pod-anatomy.run=${RUN}`,
    "-e", `POD_ANATOMY_RUN_ID=${RUN}`,
    "-e", `POD_ANATOMY_PUBLIC_PORT=${hostPort}`,
    ...kept.flat(),
    ...(change.add ?? []),
    "-p", `127.0.0.1:${hostPort}:3000`,
    IMAGE,
  ];
}

async function waitFor200(url: string, seconds: number): Promise<number> {
  const t0 = performance.now();
  const host = new URL(url).host;
  for (let i = 0; i < seconds * 10; i++) {
    try {
      const res = await rawRequest("GET", "/", { Host: host }, undefined, url);
      if (res.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${seconds} s`);
}

async function snapshotOf(url: string): Promise<Snapshot> {
  const res = await rawRequest("GET", "/api/snapshot", { Host: new URL(url).host }, undefined, url);
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Snapshot;
}

function inode(link: string): number {
  return Number(/\[(\d+)\]/.exec(link)![1]);
}

const NS = ["cgroup", "ipc", "mnt", "net", "pid", "uts"] as const;

const suite = REQUIRED || imagePresent ? describe : describe.skip;
if (!REQUIRED && !imagePresent) console.warn(`image.test.ts: ${IMAGE} is not built (npm run image): skipped`);

suite(`the container image ${IMAGE}, run as the README says`, () => {
  const name = `pa-${RUN}-image`;
  const url = `http://127.0.0.1:${PORT}`;
  let id = "";

  beforeAll(async () => {
    expect(imagePresent, `${IMAGE} is missing: run npm run image`).toBe(true);
    spawnSync("docker", ["rm", "-f", name], { stdio: "ignore" });
    id = docker(...runLine(name, PORT));
    const ms = await waitFor200(`http://localhost:${PORT}`, 60);
    console.log(`image.test.ts: ${IMAGE} answered 200 ${Math.round(ms)} ms after docker run returned; size ${docker("image", "inspect", IMAGE, "--format", "{{.Size}}")} bytes`);
  }, 90_000);

  afterAll(() => {
    for (const c of docker("ps", "-aq", "--filter", `label=io.pod-anatomy.run=${RUN}`).split("\n").filter(Boolean)) {
      spawnSync("docker", ["rm", "-fv", c], { stdio: "ignore" });
    }
  });

  it("shows the host's facts, marks its own container as itself, and warns of no missing privilege", async () => {
    const snap = await snapshotOf(url);
    expect(snap.host.hostname).toBe(os.hostname());
    expect(snap.host.kernel).toBe(os.release());
    const pid = snap.host.namespacesFrom;
    expect(snap.host.namespaces.net).toBe(inode(fs.readlinkSync(`/proc/${pid}/ns/net`)));
    expect(snap.host.self?.containerId).toBe(id);
    const self = snap.containers.find((c) => c.id === id);
    expect(self?.podId).toBeNull();
    expect(self?.labels["io.pod-anatomy.self"]).toBe("true");
    expect(snap.warnings.filter((w) => w.code.startsWith("container-"))).toEqual([]);
  });

  it("reports a container started with docker run with the host's namespace inodes and cgroup limit files", async () => {
    const other = docker("run", "-d", "--label", `io.pod-anatomy.run=${RUN}`, "--memory", "64m", "--entrypoint", "/bin/busybox", IMAGE, "sleep", "600");
    const pid = Number(docker("inspect", other, "--format", "{{.State.Pid}}"));
    let c: Snapshot["containers"][number] | undefined;
    for (let i = 0; i < 50 && !c?.limits; i++) {
      c = (await snapshotOf(url)).containers.find((x) => x.id === other);
      if (!c?.limits) await new Promise((r) => setTimeout(r, 200));
    }
    expect(c?.pid).toBe(pid);
    for (const t of NS) expect(c!.namespaces[t], t).toBe(inode(fs.readlinkSync(`/proc/${pid}/ns/${t}`)));
    const cgroupLine = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n").find((l) => /(^|,|:)memory(,|:)/.test(l)) ?? "";
    const hostPath = cgroupLine.split(":")[2];
    const limitFile = fs.existsSync(`/sys/fs/cgroup/memory${hostPath}/memory.limit_in_bytes`)
      ? `/sys/fs/cgroup/memory${hostPath}/memory.limit_in_bytes`
      : `/sys/fs/cgroup${hostPath}/memory.max`;
    expect(c!.limits!.memoryLimit).toBe(Number(fs.readFileSync(limitFile, "utf8").trim()));
    expect(c!.limits!.memoryLimit).toBe(64 * 1024 * 1024);
    expect(c!.limits!.sources).toContain(limitFile);
  });

  it("answers the published port's loopback Host, and refuses a forged one with 403", async () => {
    expect((await rawRequest("GET", "/", { Host: `localhost:${PORT}` }, undefined, url)).status).toBe(200);
    expect((await rawRequest("GET", "/", { Host: `evil.example:${PORT}` }, undefined, url)).status).toBe(403);
    expect((await rawRequest("GET", "/api/snapshot", { Host: `192.168.1.5:${PORT}` }, undefined, url)).status).toBe(403);
    expect((await rawRequest("GET", "/", { Host: `localhost:${PORT + 100}` }, undefined, url)).status).toBe(403);
  });

  it("listens on the host at 127.0.0.1 only", () => {
    const lines = execFileSync("ss", ["-ltnH"], { encoding: "utf8" }).split("\n").filter((l) => new RegExp(`:${PORT}\\s`).test(l));
    const locals = lines.map((l) => l.trim().split(/\s+/)[3]);
    expect(locals).toContain(`127.0.0.1:${PORT}`);
    expect(locals.filter((a) => a !== `127.0.0.1:${PORT}`)).toEqual([]);
  });

  it("creates the demo pod through it, and http://127.0.0.1:8880/ answers through the proxy", async () => {
    let lock: ChildProcess | null = null;
    if (process.env.POD_ANATOMY_HOLDS_8880 !== "1") {
      lock = spawn("flock", ["-w", "600", "/tmp/pa-8880.lock", "sh", "-c", "echo locked; exec cat"], { stdio: ["pipe", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        lock!.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
        lock!.on("exit", (code) => reject(new Error(`flock exited ${code}`)));
      });
    }
    try {
      const token = await fetchToken(`http://localhost:${PORT}`);
      const headers = pageHeaders(token, `http://localhost:${PORT}`);
      const res = await rawRequest("POST", "/api/pods", headers, JSON.stringify({ sample: "ghost-behind-nginx" }), url);
      expect(res.status, res.body).toBe(201);
      const podName = (JSON.parse(res.body) as { pod: { name: string } }).pod.name;
      try {
        let body = "";
        for (let i = 0; i < 100 && !body; i++) {
          const r = spawnSync("curl", ["-fsS", "--max-time", "3", "http://127.0.0.1:8880/"], { encoding: "utf8" });
          if (r.status === 0) body = r.stdout;
          else await new Promise((r2) => setTimeout(r2, 300));
        }
        expect(body.length).toBeGreaterThan(0);
        const snap = await snapshotOf(url);
        const pod = snap.pods.find((p) => p.name === podName);
        expect(pod, `pod ${podName} in the snapshot`).toBeDefined();
        expect(snap.containers.find((c) => c.id === id)?.podId).toBeNull();
      } finally {
        const del = await rawRequest("DELETE", `/api/pods/${podName}`, headers, undefined, url);
        expect(del.status, del.body).toBe(200);
      }
    } finally {
      lock?.stdin?.end();
    }
  }, 240_000);

  describe.each([
    ["--cap-add SYS_PTRACE", { drop: ["--cap-add SYS_PTRACE"] }, "container-no-ptrace", "--cap-add SYS_PTRACE"],
    ["--pid host", { drop: ["--pid host"] }, "container-no-host-pid", "--pid host"],
    ["--cgroupns host", { drop: ["--cgroupns host"], add: ["--cgroupns", "private"] }, "container-no-host-cgroupns", "--cgroupns host"],
    ["the cgroup tree", { drop: ["-v /sys/fs/cgroup:/sys/fs/cgroup:ro"] }, "container-no-host-cgroup-tree", "-v /sys/fs/cgroup:/sys/fs/cgroup:ro"],
    ["the Docker socket", { drop: ["-v /var/run/docker.sock:/var/run/docker.sock"] }, "container-no-socket", "-v /var/run/docker.sock:/var/run/docker.sock"],
    ["--uts host", { drop: ["--uts host"] }, "container-own-uts", "--uts host"],
  ])("without %s", (_what, change, code, advice) => {
    it(`says ${code}: add ${advice}`, async () => {
      const second = `pa-${RUN}-image-2`;
      spawnSync("docker", ["rm", "-f", second], { stdio: "ignore" });
      docker(...runLine(second, SECOND_PORT, change));
      try {
        await waitFor200(`http://localhost:${SECOND_PORT}`, 60);
        const snap = await snapshotOf(`http://127.0.0.1:${SECOND_PORT}`);
        const w = snap.warnings.find((x) => x.code === code);
        expect(w?.message, JSON.stringify(snap.warnings.map((x) => x.code))).toContain(advice);
        if (code === "container-own-uts") expect(snap.host.hostname).toBe(os.hostname());
      } finally {
        spawnSync("docker", ["rm", "-f", second], { stdio: "ignore" });
      }
    }, 90_000);
  });

  it("stops cleanly on docker stop (SIGTERM, not the SIGKILL after 10 s)", () => {
    docker("stop", "-t", "10", name);
    const state = JSON.parse(docker("inspect", name, "--format", "{{json .State}}")) as { ExitCode: number; OOMKilled: boolean };
    expect(state.ExitCode).not.toBe(137);
  });
});

const podmanThere = spawnSync("podman", ["--version"], { stdio: "ignore" }).status === 0 && fs.existsSync("/run/podman/podman.sock");
const podmanSuite = (REQUIRED || imagePresent) && podmanThere ? describe : describe.skip;

podmanSuite(`the same image in rootful Podman (docker save | podman load)`, () => {
  const name = `pa-${RUN}-image-podman`;
  const url = `http://127.0.0.1:${SECOND_PORT}`;
  // The project's containers.conf: Podman's default rlimits cannot be set here (README, Troubleshooting).
  const env = { ...process.env, ...(fs.existsSync("/etc/pod-anatomy/podman/containers.conf") ? { CONTAINERS_CONF: "/etc/pod-anatomy/podman/containers.conf" } : {}) };
  const podman = (...args: string[]) => execFileSync("podman", args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] }).trim();
  let id = "";

  beforeAll(async () => {
    execFileSync("sh", ["-c", `docker save ${IMAGE} | podman load -q`], { env, stdio: "ignore" });
    spawnSync("podman", ["rm", "-f", name], { env, stdio: "ignore" });
    const line = runLine(name, SECOND_PORT);
    line[line.length - 1] = `localhost/${IMAGE}`;
    id = podman(...line);
    await waitFor200(`http://localhost:${SECOND_PORT}`, 60);
  }, 120_000);

  afterAll(() => {
    spawnSync("podman", ["rm", "-f", name], { env, stdio: "ignore" });
  });

  it("shows the host's facts, its own container as itself (Podman's), and no missing privilege", async () => {
    const snap = await snapshotOf(url);
    expect(snap.host.hostname).toBe(os.hostname());
    expect(snap.host.namespaces.net).toBe(inode(fs.readlinkSync(`/proc/${snap.host.namespacesFrom}/ns/net`)));
    expect(snap.host.self?.containerId).toBe(id);
    const self = snap.containers.find((c) => c.id === id);
    expect(self?.runtime).toBe("podman");
    expect(self?.podId).toBeNull();
    expect(snap.warnings.filter((w) => w.code.startsWith("container-"))).toEqual([]);
    expect((await rawRequest("GET", "/", { Host: `evil.example:${SECOND_PORT}` }, undefined, url)).status).toBe(403);
  });

  it("stops cleanly on podman stop", () => {
    podman("stop", "-t", "10", name);
    expect(Number(podman("inspect", name, "--format", "{{.State.ExitCode}}"))).not.toBe(137);
  });
});
