/**
 * The Podman adapter against the REAL Podman (libpod API at /run/podman/podman.sock, started
 * by scripts/runtimes/podman.sh ensure_podman) and the real /proc: the demo pod made as a
 * Podman pod, whose infra container is its sandbox and whose members share its net, ipc and
 * uts namespaces as the kernel says; a pod made with the podman CLI; Podman's pod cgroups;
 * the service going away and coming back (a second service of the test's own); deletion
 * leaving nothing behind. Everything carries this run's label and is removed in afterAll.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverProcfsContainers } from "@/lib/model/discover-containers";
import { containerIdFromCgroups, parseCgroupFile } from "@/lib/model/parse-proc";
import type { PodSpec } from "@/lib/model/pod-spec";
import { LABEL_RUN, type ContainerFacts } from "@/lib/model/types";
import { DockerodeClient } from "@/lib/server/docker";
import { scanProcesses } from "@/lib/server/procfs";
import { PodmanRuntime } from "@/lib/server/runtimes/podman/adapter";
import { removePodCgroups } from "@/lib/server/runtimes/podman/cgroups";
import type { RuntimeChange } from "@/lib/server/runtimes/runtime";
import { getUntil } from "../support/api";

const RUN = (process.env.POD_ANATOMY_RUN_ID ??= `podman-dev-${randomBytes(3).toString("hex")}`);
const SOCKET = "/run/podman/podman.sock";
const PORT = Number(process.env.POD_ANATOMY_PODMAN_TEST_PORT ?? 8882);
const SUFFIX = randomBytes(3).toString("hex");
const DEMO = `demo-${SUFFIX}`;
const CLI_POD = `pa-cli-${SUFFIX}`;
const TEST_SOCKET = `/tmp/pa-podman-test-${SUFFIX}.sock`;
const CONF = "/etc/pod-anatomy/podman/containers.conf";

const podman = (...args: string[]) => execFileSync("podman", ["--url", `unix://${SOCKET}`, ...args], { encoding: "utf8", timeout: 60_000 }).trim();
const rt = new PodmanRuntime({ socketPath: SOCKET, docker: new DockerodeClient() });

function inode(pid: number, type: string): string {
  return fs.readlinkSync(`/proc/${pid}/ns/${type}`);
}

/** The host's namespace: PID 1's, or kthreadd's (PID 2) where PID 1's links are unreadable even to root. */
function hostInode(type: string): string {
  try {
    return inode(1, type);
  } catch {
    return inode(2, type);
  }
}

/** The host ends of Podman's veth pairs (on its bridge podman0; the CRI's are on another bridge, not ours to count). */
/** The hierarchies where a cgroup path exists (v1 hybrid: every controller's, name=systemd, unified). */
function cgroupsAt(p: string): string[] {
  return fs.readdirSync("/sys/fs/cgroup").filter((h) => fs.existsSync(`/sys/fs/cgroup/${h}${p}`));
}

function veths(): string[] {
  return execFileSync("ip", ["-o", "link", "show", "type", "veth"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes("master podman0"))
    .map((l) => l.split(":")[1]!.trim().split("@")[0]!);
}

/** A second service, on a socket of the test's own (so the shared one is never stopped). */
function startTestService(): ChildProcess {
  const child = spawn("podman", ["system", "service", "--time=0", `unix://${TEST_SOCKET}`], {
    env: { ...process.env, CONTAINERS_CONF: CONF },
    stdio: "ignore",
    detached: true,
  });
  return child;
}

async function untilStatus(runtime: PodmanRuntime, state: "ok" | "unreachable", tries = 60) {
  let s = await runtime.status();
  for (let i = 0; i < tries && s.state !== state; i++) {
    await new Promise((r) => setTimeout(r, 250));
    s = await runtime.status();
  }
  return s;
}

let service: ChildProcess | null = null;
const before = { veths: [] as string[], netns: [] as string[] };

beforeAll(async () => {
  const s = await rt.status();
  if (s.state !== "ok") throw new Error(`Podman's API does not answer at ${SOCKET}: ${s.message} ${s.hint} (scripts/runtimes/podman.sh ensure_podman starts it)`);
  before.veths = veths();
  before.netns = fs.existsSync("/run/netns") ? fs.readdirSync("/run/netns") : [];
});

afterAll(async () => {
  // By label, whatever failed: pods, containers, volumes of this run; then the test's own service.
  const pods = podman("pod", "ps", "-q", "--no-trunc", "--filter", `label=${LABEL_RUN}=${RUN}`);
  if (pods) {
    const parents = pods.split("\n").map((id) => [id, podman("pod", "inspect", id, "--format", "{{.CgroupParent}}")] as const);
    podman("pod", "rm", "-f", "-t", "0", ...pods.split("\n"));
    for (const [id, parent] of parents) removePodCgroups(parent, id);
  }
  const ctrs = podman("ps", "-aq", "--filter", `label=${LABEL_RUN}=${RUN}`);
  if (ctrs) podman("rm", "-fv", ...ctrs.split("\n"));
  const vols = podman("volume", "ls", "-q", "--filter", `label=${LABEL_RUN}=${RUN}`);
  if (vols) podman("volume", "rm", "-f", ...vols.split("\n"));
  if (service?.pid && service.exitCode === null) process.kill(service.pid, "SIGTERM");
  fs.rmSync(TEST_SOCKET, { force: true });
});

describe("the demo pod as a Podman pod", () => {
  let facts: ContainerFacts[] = [];
  let podId = "";

  it("is created (ghost behind nginx), all its containers running", async () => {
    const [created] = await rt.pods.createCatalogueEntry("ghost-behind-nginx", { suffix: SUFFIX, hostPort: PORT });
    expect(created!.name).toBe(DEMO);
    podId = created!.podId!;
    expect(podman("pod", "inspect", DEMO, "--format", "{{.Id}}")).toBe(podId);
    facts = await rt.pods.podContainers(DEMO);
    expect(facts.map((f) => f.name).sort()).toEqual([`${DEMO}-ghost`, `${DEMO}-nginx`, `${DEMO}-pause`]);
    for (const f of facts) expect(f.state).toBe("running");
  });

  it("its infra container is the pod's sandbox, in containers() too", async () => {
    const infraId = podman("pod", "inspect", DEMO, "--format", "{{.InfraContainerID}}");
    const all = (await rt.containers()).filter((c) => c.pod?.name === DEMO);
    expect(all).toHaveLength(3);
    const sandboxes = all.filter((c) => c.pod!.isSandbox);
    expect(sandboxes.map((c) => c.id)).toEqual([infraId]);
    expect(sandboxes[0]!.image).toMatch(/^localhost\/podman-pause:/);
    expect(sandboxes[0]!.ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: PORT }]);
    for (const c of all) expect(c.pod).toMatchObject({ sandboxId: infraId, name: DEMO, namespace: null, uid: null, attempt: null, state: "Running" });
  });

  it("every member's net, ipc and uts (and pid: the demo shares it) are the infra container's, as /proc says; mnt is its own", () => {
    const infra = facts.find((f) => f.pod!.isSandbox)!;
    for (const m of facts.filter((f) => !f.pod!.isSandbox)) {
      for (const t of ["net", "ipc", "uts", "pid"]) expect(inode(m.pid!, t), `${m.name} ${t}`).toBe(inode(infra.pid!, t));
      expect(inode(m.pid!, "mnt")).not.toBe(inode(infra.pid!, "mnt"));
      expect(m.networkMode).toBe(`container:${infra.id}`);
      expect(m.utsMode).toBe(`container:${infra.id}`);
    }
    expect(inode(infra.pid!, "net")).not.toBe(hostInode("net"));
  });

  it(`answers on http://127.0.0.1:${PORT}/ through the proxy`, async () => {
    const body = await getUntil(`http://127.0.0.1:${PORT}/`, (b) => b.includes(DEMO), 20);
    expect(body).toContain(`Blog of pod ${DEMO}`);
  });

  it("its cgroups: each container's is its own libpod-<id>, the pod's (/libpod_parent/<pod id>) and conmon's are no container's", () => {
    for (const f of facts) {
      const cg = parseCgroupFile(fs.readFileSync(`/proc/${f.pid}/cgroup`, "utf8"));
      expect(containerIdFromCgroups(cg)).toBe(f.id);
      expect(cg.some((e) => e.path.includes(`/${podId}/`))).toBe(true);
      const conmon = Number(fs.readFileSync(podman("inspect", f.id, "--format", "{{.ConmonPidFile}}"), "utf8").trim());
      expect(containerIdFromCgroups(parseCgroupFile(fs.readFileSync(`/proc/${conmon}/cgroup`, "utf8")))).toBeNull();
    }
    expect(fs.existsSync(`/sys/fs/cgroup/memory/libpod_parent/${podId}`)).toBe(true);
    expect(containerIdFromCgroups([{ hierarchyId: 4, controllers: ["memory"], path: `/libpod_parent/${podId}` }])).toBeNull();
  });

  it("exec: output, exit code, bounded output", async () => {
    const nginx = facts.find((f) => f.name.endsWith("-nginx"))!;
    const ps = await rt.pods.exec(nginx.id, ["ps", "-o", "pid,comm"], { timeoutMs: 10_000, maxBytes: 64 * 1024 });
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout).toMatch(/^\s*1\s+catatonit/m); // the shared pid namespace's PID 1 is the infra's catatonit
    const seven = await rt.pods.exec(nginx.id, ["sh", "-c", "echo oops >&2; exit 7"], { timeoutMs: 10_000, maxBytes: 1024 });
    expect(seven).toMatchObject({ exitCode: 7, stderr: "oops\n", timedOut: false });
    const big = await rt.pods.exec(nginx.id, ["sh", "-c", "yes | head -c 100000"], { timeoutMs: 10_000, maxBytes: 1000 });
    expect(big.truncated).toBe(true);
    expect(big.stdout.length).toBe(1000);
  });

  it("imageChoices: Podman's infra image as a pause, and the stand-ins the pod uses, present", async () => {
    const choices = await rt.pods.imageChoices();
    expect(choices).toContainEqual(expect.objectContaining({ ref: facts.find((f) => f.pod!.isSandbox)!.image, role: "pause", present: true }));
    for (const f of facts.filter((f) => !f.pod!.isSandbox)) {
      const ref = f.image.replace(/^localhost\//, "");
      expect(choices).toContainEqual(expect.objectContaining({ ref, source: "stand-in", present: true }));
    }
  });

  it("refuses a second pod of the same name", async () => {
    await expect(rt.pods.createCatalogueEntry("ghost-behind-nginx", { suffix: SUFFIX, hostPort: PORT + 1 })).rejects.toThrow(/exists already/);
  });
});

describe("a pod made with the podman CLI", () => {
  it("appears in containers() by name with its members, and the event stream tells", async () => {
    const abort = new AbortController();
    const seen: RuntimeChange[] = [];
    const it = rt.changes(abort.signal)[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ kind: "connected" });
    const image = (await rt.pods.podContainers(DEMO)).find((f) => f.name.endsWith("-ghost"))!.image;
    podman("pod", "create", "--name", CLI_POD, "--label", `${LABEL_RUN}=${RUN}`);
    const sleeper = podman("run", "-d", "--pod", CLI_POD, "--name", `${CLI_POD}-sleeper`, "--label", `${LABEL_RUN}=${RUN}`, "--entrypoint", "sleep", image, "600");
    for (;;) {
      const next = await it.next();
      if (next.done) throw new Error("the event stream ended");
      seen.push(next.value);
      if (next.value.kind === "changed" && next.value.containerId === sleeper && next.value.action === "start") break;
    }
    abort.abort();
    expect(seen.some((c) => c.kind === "changed" && c.action === "pod-create")).toBe(true);

    const mine = (await rt.containers()).filter((c) => c.pod?.name === CLI_POD);
    expect(mine.map((c) => c.name).sort()).toEqual([`${podman("pod", "inspect", CLI_POD, "--format", "{{.Id}}").slice(0, 12)}-infra`, `${CLI_POD}-sleeper`].sort());
    const member = mine.find((c) => c.name === `${CLI_POD}-sleeper`)!;
    const infra = mine.find((c) => c.pod!.isSandbox)!;
    expect(member.pod!.sandboxId).toBe(infra.id);
    // The measured bug: its cgroup /libpod_parent/<pod id>/libpod-<id> was taken for a container named after the pod.
    expect(containerIdFromCgroups(parseCgroupFile(fs.readFileSync(`/proc/${member.pid}/cgroup`, "utf8")))).toBe(member.id);
    expect(inode(member.pid!, "net")).toBe(inode(infra.pid!, "net"));

    // What the page reads from /proc alone (containers no runtime reported): the pod's two
    // containers, by their own ids and as Podman's, never a "container" named after the pod.
    const podId = podman("pod", "inspect", CLI_POD, "--format", "{{.Id}}");
    const discovered = discoverProcfsContainers(scanProcesses().processes, new Set());
    expect(discovered.find((c) => c.id === podId)).toBeUndefined();
    for (const c of [member, infra]) expect(discovered.find((d) => d.id === c.id)).toMatchObject({ runtime: "podman", pid: c.pid });
  });

  it("is not Pod Anatomy's: deletePod leaves it, exec is refused", async () => {
    expect(await rt.pods.deletePod(CLI_POD)).toEqual([]);
    expect(podman("pod", "inspect", CLI_POD, "--format", "{{.State}}")).toBe("Running");
    await expect(rt.pods.exec(`${CLI_POD}-sleeper`, ["true"], { timeoutMs: 5000, maxBytes: 100 })).rejects.toThrow(/not a container of Pod Anatomy's/);
  });
});

describe("all or nothing", () => {
  it("a port already in use: PortInUseError, and nothing of the pod is left", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(PORT + 1, "127.0.0.1", resolve));
    try {
      await expect(rt.pods.createCatalogueEntry("ghost-behind-nginx", { suffix: `${SUFFIX}x`, hostPort: PORT + 1 })).rejects.toMatchObject({
        name: "PortInUseError",
        port: PORT + 1,
      });
    } finally {
      blocker.close();
    }
    expect(podman("pod", "ps", "-q", "--filter", `name=^demo-${SUFFIX}x$`)).toBe("");
    expect(podman("ps", "-aq", "--filter", `label=io.pod-anatomy.pod=demo-${SUFFIX}x`)).toBe("");
  });
});

describe("init containers, volumes and limits", () => {
  it("init-and-emptydir: Podman's init containers ran to completion in order, the app serves what the first wrote, the cache is a 50m tmpfs", async () => {
    const [created] = await rt.pods.createCatalogueEntry("init-and-emptydir", { suffix: SUFFIX });
    const pod = created!.name;
    const facts = await rt.pods.podContainers(pod);
    const byName = (n: string) => facts.find((f) => f.name === `${pod}-${n}`)!;
    for (const n of ["write-site", "write-cache"]) expect(byName(n)).toMatchObject({ state: "exited", exitCode: 0 });
    const [site, cache] = ["write-site", "write-cache"].map((n) => Date.parse(podman("inspect", byName(n).id, "--format", "{{.State.FinishedAt}}")));
    const [webStart] = ["web"].map((n) => Date.parse(podman("inspect", byName(n).id, "--format", "{{.State.StartedAt}}")));
    expect(site!).toBeLessThanOrEqual(Date.parse(podman("inspect", byName("write-cache").id, "--format", "{{.State.StartedAt}}")));
    expect(cache!).toBeLessThanOrEqual(webStart!);
    const reader = byName("reader");
    const page = await rt.pods.exec(reader.id, ["timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:80/"], { timeoutMs: 10_000, maxBytes: 4096 });
    expect(page.stdout).toContain(`Written by init container ${pod}-write-site`);
    const mounts = fs.readFileSync(`/proc/${reader.pid}/mountinfo`, "utf8").split("\n").find((l) => l.split(" ")[4] === "/data/cache");
    expect(mounts).toMatch(/ - tmpfs .*size=51200k/);
    const note = await rt.pods.exec(reader.id, ["cat", "/data/cache/note.txt"], { timeoutMs: 5000, maxBytes: 4096 });
    expect(note.stdout).toContain(`cached by ${pod}-write-cache`);
    expect(podman("volume", "ls", "-q", "--filter", `label=io.pod-anatomy.pod=${pod}`).split("\n").sort()).toEqual([`${pod}-cache`, `${pod}-site`]);
    await rt.pods.deletePod(pod);
    expect(podman("volume", "ls", "-q", "--filter", `label=io.pod-anatomy.pod=${pod}`)).toBe("");
    expect(cgroupsAt(`/libpod_parent/${created!.podId}`)).toEqual([]);
  });

  it("by-hand: the pod's cgroup parent, a member's memory limit in its cgroup, pid not shared", async () => {
    const [created] = await rt.pods.createCatalogueEntry("by-hand", { suffix: SUFFIX });
    const pod = created!.name;
    const facts = await rt.pods.podContainers(pod);
    const app = facts.find((f) => f.name === `${pod}-app`)!;
    const infra = facts.find((f) => f.pod!.isSandbox)!;
    expect(app.cgroupParent).toBe(`/pod-${pod}/${created!.podId}`);
    const memory = parseCgroupFile(fs.readFileSync(`/proc/${app.pid}/cgroup`, "utf8")).find((e) => e.controllers.includes("memory"))!;
    expect(memory.path).toBe(`/pod-${pod}/${created!.podId}/libpod-${app.id}`);
    expect(fs.readFileSync(`/sys/fs/cgroup/memory${memory.path}/memory.limit_in_bytes`, "utf8").trim()).toBe(String(256 * 1024 * 1024));
    expect(inode(app.pid!, "pid")).not.toBe(inode(infra.pid!, "pid"));
    expect(inode(app.pid!, "net")).toBe(inode(infra.pid!, "net"));
    await rt.pods.deletePod(pod);
    expect(cgroupsAt(`/pod-${pod}`)).toEqual([]);
  });
});

describe("a builder pod", () => {
  it("a sleep sandbox (the spec's image, `sleep infinity`, as infra), uts shared, pid not: as the kernel says", async () => {
    const choices = await rt.pods.imageChoices();
    const busybox = choices.find((c) => c.source === "stand-in" && c.role === "busybox")!.ref;
    const name = `builder-${SUFFIX}`;
    const spec: PodSpec = {
      name,
      sandbox: { kind: "sleep", image: busybox },
      namespaces: { net: "sandbox", ipc: "sandbox", pid: "private", uts: "sandbox" },
      cgroupParent: null,
      port: null,
      initContainers: [],
      containers: [{ name: "web", image: busybox, command: "web", limits: { memoryMi: null, cpus: 0.5, pidsMax: 64 }, mountVolumes: false }],
      volumes: [],
      kubernetes: null,
    };
    const [created] = await rt.pods.createPods([spec], { sample: "builder" });
    const facts = await rt.pods.podContainers(name);
    const infra = facts.find((f) => f.pod!.isSandbox)!;
    const web = facts.find((f) => f.name === `${name}-web`)!;
    expect(infra.name).toBe(`${name}-sleep`);
    expect(fs.readFileSync(`/proc/${infra.pid}/cmdline`, "utf8").split("\0").filter(Boolean)).toEqual(["sleep", "infinity"]);
    for (const t of ["net", "ipc", "uts"]) expect(inode(web.pid!, t)).toBe(inode(infra.pid!, t));
    expect(inode(web.pid!, "pid")).not.toBe(inode(infra.pid!, "pid"));
    const cpu = parseCgroupFile(fs.readFileSync(`/proc/${web.pid}/cgroup`, "utf8")).find((e) => e.controllers.includes("cpu"))!;
    expect(fs.readFileSync(`/sys/fs/cgroup/cpu${cpu.path}/cpu.cfs_quota_us`, "utf8").trim()).toBe("50000");
    const pids = parseCgroupFile(fs.readFileSync(`/proc/${web.pid}/cgroup`, "utf8")).find((e) => e.controllers.includes("pids"))!;
    expect(fs.readFileSync(`/sys/fs/cgroup/pids${pids.path}/pids.max`, "utf8").trim()).toBe("64");
    const page = await rt.pods.exec(web.id, ["timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:80/"], { timeoutMs: 10_000, maxBytes: 4096 });
    expect(page.stdout).toContain(`${name}-web`);
    expect((await rt.pods.deletePod(name)).sort()).toEqual([`${name}-sleep`, `${name}-web`]);
    expect(cgroupsAt(`/libpod_parent/${created!.podId}`)).toEqual([]);
  });

  it("a spec Podman cannot make (no sandbox) is refused before anything is created", async () => {
    const name = `nosandbox-${SUFFIX}`;
    const busybox = (await rt.pods.imageChoices()).find((c) => c.source === "stand-in" && c.role === "busybox")!.ref;
    const spec: PodSpec = {
      name,
      sandbox: { kind: "none" },
      namespaces: { net: "sandbox", ipc: "sandbox", pid: "private", uts: "private" },
      cgroupParent: null,
      port: null,
      initContainers: [],
      containers: [{ name: "a", image: busybox, command: "sleep", limits: { memoryMi: null, cpus: null, pidsMax: null }, mountVolumes: false }],
      volumes: [],
      kubernetes: null,
    };
    await expect(rt.pods.createPods([spec], { sample: "builder" })).rejects.toMatchObject({ name: "PodSpecError", message: expect.stringContaining("infra") });
    expect(podman("pod", "ps", "-q", "--filter", `name=^${name}$`)).toBe("");
  });
});

describe("the service going away and coming back", () => {
  it("a Docker socket is the wrong API", async () => {
    if (!fs.existsSync("/var/run/docker.sock")) throw new Error("no Docker socket to check against");
    const s = await new PodmanRuntime({ socketPath: "/var/run/docker.sock" }).status();
    expect(s).toMatchObject({ state: "unreachable", reason: "wrong-api" });
  });

  it("a missing socket: not running, with the command that starts it", async () => {
    const s = await new PodmanRuntime({ socketPath: TEST_SOCKET }).status();
    expect(s).toMatchObject({ state: "unreachable", reason: "socket-missing" });
    expect(s.message).toContain("Podman's API service is not running");
    expect(s.hint).toContain("podman system service --time=0 unix:///run/podman/podman.sock");
  });

  it("stopped mid-run: reported unreachable, its event stream ends; picked up again when restarted", async () => {
    const own = new PodmanRuntime({ socketPath: TEST_SOCKET });
    service = startTestService();
    expect((await untilStatus(own, "ok")).state).toBe("ok");
    const abort = new AbortController();
    const it = own.changes(abort.signal)[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ kind: "connected" });
    const ended = it.next().then(
      (r) => (r.done ? "ended" : "event"),
      () => "threw",
    );

    process.kill(service.pid!, "SIGTERM");
    // While it shuts down a request may be dropped (ECONNRESET: "dropped the connection"); then it is gone.
    let down = await untilStatus(own, "unreachable");
    for (let i = 0; i < 40 && !(down.message ?? "").includes("is not running"); i++) {
      await new Promise((r) => setTimeout(r, 250));
      down = await own.status();
    }
    expect(down.state).toBe("unreachable");
    expect(["socket-missing", "no-daemon"]).toContain(down.reason);
    expect(down.message).toContain("Podman's API service is not running");
    expect(["ended", "threw"]).toContain(await ended);

    service = startTestService();
    const up = await untilStatus(own, "ok");
    expect(up).toMatchObject({ state: "ok", version: expect.stringMatching(/^4\./) });
    const again = own.changes(abort.signal)[Symbol.asyncIterator]();
    expect((await again.next()).value).toEqual({ kind: "connected" });
    abort.abort();
    process.kill(service.pid!, "SIGTERM");
  });
});

describe("deleting", () => {
  it("removes the pod, its containers, its netns, its veth and its cgroup", async () => {
    const podId = podman("pod", "inspect", DEMO, "--format", "{{.Id}}");
    const infra = podman("pod", "inspect", DEMO, "--format", "{{.InfraContainerID}}");
    const netns = podman("inspect", infra, "--format", "{{.NetworkSettings.SandboxKey}}");
    expect(fs.existsSync(netns)).toBe(true);
    const removed = await rt.pods.deletePod(DEMO);
    expect(removed.sort()).toEqual([`${DEMO}-ghost`, `${DEMO}-nginx`, `${DEMO}-pause`]);
    expect(await rt.pods.podContainers(DEMO)).toEqual([]);
    expect(podman("pod", "ps", "-q", "--filter", `name=^${DEMO}$`)).toBe("");
    expect(fs.existsSync(netns)).toBe(false);
    expect(cgroupsAt(`/libpod_parent/${podId}`)).toEqual([]); // in no hierarchy (Podman alone leaves it in name=systemd and unified)
    // The CLI pod too (not ours by Pod Anatomy's label: removed with the CLI, and what Podman leaves of its cgroup), then nothing of this run is left.
    const cliPodId = podman("pod", "inspect", CLI_POD, "--format", "{{.Id}}");
    podman("pod", "rm", "-f", "-t", "0", CLI_POD);
    removePodCgroups("/libpod_parent", cliPodId);
    expect(cgroupsAt(`/libpod_parent/${cliPodId}`)).toEqual([]);
    expect(veths().sort()).toEqual(before.veths.sort());
    const nowNetns = fs.existsSync("/run/netns") ? fs.readdirSync("/run/netns") : [];
    expect(nowNetns.filter((n) => !before.netns.includes(n) && n.startsWith("netns-"))).toEqual([]);
    expect(podman("ps", "-aq", "--filter", `label=${LABEL_RUN}=${RUN}`)).toBe("");
    expect(await rt.pods.deletePod(DEMO)).toEqual([]);
  });
});
