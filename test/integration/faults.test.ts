/**
 * Faults while creating a pod leave nothing behind:
 *   - the host port already taken → 409 with what to do, no container left;
 *   - an image that cannot be pulled, or a stand-in that cannot be built → a clear error, no container;
 *   - the daemon killed in the middle of creating a pod → once it is back, the half-made pod
 *     is found by label and removed: by the running server, and by a server starting up.
 *
 * Killing the shared engine would break everyone else's work, so the last two run against a
 * second, private dockerd: own data root, exec root and socket, and its own network namespace
 * (its own docker0 and its own port 8880 — never `--bridge none`, which deletes the host's
 * docker0 under the shared engine). It starts empty: the server builds the stand-ins there. The server reaches it
 * through a relay on a unix socket that SIGKILLs the daemon at one exact moment: when the
 * server asks it to create the pod's second container (after the sandbox was created and
 * started) — a daemon crash half-way through, every time, with no race.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_POD_SIZE } from "@/lib/model/half-made-pods";
import { LABEL_POD, LABEL_RUN } from "@/lib/model/types";
import { createDemoPod, dockerIdsWithLabel, fetchToken, pageHeaders, rawRequest, removeByLabel, type RawResponse } from "../support/api";
import { startExtraServer, type ExtraServer } from "../support/servers";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;

describe("the host port is already taken", () => {
  afterAll(() => removeByLabel(RUN_LABEL));

  it("answers 409 with what to do, and leaves no container behind", async () => {
    const token = await fetchToken();
    const before = dockerIdsWithLabel(RUN_LABEL).sort();
    // Hold 127.0.0.1:8880 only for this one request (or find it held already, e.g. by someone's demo pod).
    const holder = net.createServer();
    const held = await new Promise<boolean>((resolve, reject) => {
      holder.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" ? resolve(false) : reject(e)));
      holder.listen(8880, "127.0.0.1", () => resolve(true));
    });
    let res: RawResponse;
    try {
      res = await createDemoPod(token);
    } finally {
      if (held) await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    expect(res.status, res.body).toBe(409);
    expect(JSON.parse(res.body)).toEqual({
      error: "Port in use",
      detail:
        "Host port 8880 is already in use, so the pod's sandbox cannot publish it. Delete the pod that holds it (the demo pod uses 8880), or stop whatever listens on 8880.",
    });
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
  });
});

/**
 * A private Docker engine for this file, in its own network namespace: containerd runs as a
 * service of its own (as Debian's containerd.service does), and dockerd can be SIGKILLed and
 * started again at will. (With dockerd's built-in containerd, a SIGKILLed dockerd leaves an
 * orphaned containerd that this machine's PID 1 never reaps, and the next dockerd waits for
 * that zombie forever; on a systemd host it would be reaped.)
 */
class PrivateEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-faults-"));
  readonly socket = path.join(this.dir, "docker.sock");
  readonly dataRoot = path.join(this.dir, "data");
  private readonly containerdSocket = path.join(this.dir, "containerd", "containerd.sock");
  /** Holds the network namespace; everything of this engine runs in it. */
  private netns: ChildProcess | null = null;
  private containerd: ChildProcess | null = null;
  private daemon: ChildProcess | null = null;

  async start(): Promise<void> {
    if (!this.netns) await this.startServices();
    this.daemon = this.inNetns("dockerd", [
      "--data-root", this.dataRoot, "--exec-root", path.join(this.dir, "exec"), "-H", `unix://${this.socket}`,
      "--pidfile", path.join(this.dir, "dockerd.pid"), "--containerd", this.containerdSocket, "--iptables=false", "--ip-masq=false",
    ]);
    for (let i = 0; i < 120; i++) {
      if (this.daemon.exitCode !== null) break;
      if (this.answers()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the private dockerd did not start:\n${this.log().slice(-2000)}`);
  }

  private async startServices(): Promise<void> {
    this.netns = spawn("unshare", ["--net", "sh", "-c", "ip link set lo up && exec sleep infinity"], { stdio: "ignore" });
    const own = fs.readlinkSync("/proc/self/ns/net");
    await until("the private network namespace", () => !["", own].includes(this.netnsOf(this.netns!.pid!)), 10);
    const root = path.join(this.dir, "containerd");
    fs.mkdirSync(root);
    fs.writeFileSync(
      path.join(root, "config.toml"),
      [
        "version = 2",
        `root = "${root}/root"`,
        `state = "${root}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        "[grpc]",
        `  address = "${this.containerdSocket}"`,
        "[ttrpc]",
        `  address = "${this.containerdSocket}.ttrpc"`,
        "[debug]",
        `  address = "${root}/debug.sock"`,
      ].join("\n"),
    );
    this.containerd = this.inNetns("containerd", ["--config", path.join(root, "config.toml")]);
    await until("the private containerd", () => fs.existsSync(this.containerdSocket), 30);
  }

  /** nsenter execs the program in place: the child's PID is the program's. */
  private inNetns(program: string, args: string[]): ChildProcess {
    const log = fs.openSync(path.join(this.dir, `${program}.log`), "a");
    const child = spawn("nsenter", ["-t", String(this.netns!.pid), "-n", program, ...args], { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    return child;
  }

  private netnsOf(pid: number): string {
    try {
      return fs.readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return "";
    }
  }

  answers(): boolean {
    try {
      this.docker("version", "--format", "{{.Server.Version}}");
      return true;
    } catch {
      return false;
    }
  }

  /** A crash: SIGKILL, no chance to clean up. */
  async crash(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  private async signal(sig: NodeJS.Signals, child: ChildProcess | null = this.daemon): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(sig);
    await exited;
  }

  docker(...args: string[]): string {
    return execFileSync("docker", ["-H", `unix://${this.socket}`, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  }

  idsOfPod(pod: string): string[] {
    return this.docker("ps", "-aq", "--filter", `label=${LABEL_POD}=${pod}`).split("\n").filter(Boolean);
  }

  /** Names of the containers the daemon keeps on disk (readable while it is down). */
  containersOnDisk(): string[] {
    const dir = path.join(this.dataRoot, "containers");
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).map((id) => (JSON.parse(fs.readFileSync(path.join(dir, id, "config.v2.json"), "utf8")) as { Name: string }).Name.replace(/^\//, ""));
  }

  log(): string {
    return fs.readFileSync(path.join(this.dir, "dockerd.log"), "utf8");
  }

  /**
   * Remove every container, stop dockerd and containerd, then end whatever a crash could
   * leave — shims (their command lines name our directories) and container processes (their
   * cgroups name our containers' ids) — and delete every file.
   */
  async destroy(): Promise<void> {
    if (this.answers()) {
      const all = this.docker("ps", "-aq").split("\n").filter(Boolean);
      if (all.length > 0) this.docker("rm", "-f", ...all);
    }
    await this.stop();
    await this.signal("SIGTERM", this.containerd);
    const containersDir = path.join(this.dataRoot, "containers");
    const ids = fs.existsSync(containersDir) ? fs.readdirSync(containersDir) : [];
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8");
        if (cmdline.includes(this.dir) || ids.some((id) => cgroup.includes(id))) process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone already
      }
    }
    this.netns?.kill("SIGKILL");
    const mounts = fs.readFileSync("/proc/self/mounts", "utf8").split("\n").map((l) => l.split(" ")[1] ?? "").filter((m) => m.startsWith(this.dir));
    for (const m of mounts.reverse()) execFileSync("umount", ["-l", m]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A relay on a unix socket in front of the private engine. Armed, it SIGKILLs the daemon
 * when the request to create a pod's nginx container comes through, and drops that request.
 */
class CrashingRelay {
  readonly socket: string;
  private armed = false;
  private crashedPod: ((pod: string) => void) | null = null;
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();

  constructor(private readonly engine: PrivateEngine) {
    this.socket = path.join(engine.dir, "relay.sock");
    this.server = net.createServer((client) => {
      const upstream = net.connect(engine.socket);
      this.open.add(client).add(upstream);
      const drop = () => (client.destroy(), upstream.destroy());
      client.on("data", (chunk: Buffer) => {
        const create = this.armed ? /^POST (?:\/v[\d.]+)?\/containers\/create\?(?:\S*&)?name=([a-z0-9-]+)-nginx[& ]/m.exec(chunk.toString("latin1")) : null;
        if (!create) return void upstream.write(chunk);
        this.armed = false;
        void engine.crash().then(() => {
          drop();
          this.crashedPod?.(create[1]!);
        });
      });
      upstream.on("data", (chunk: Buffer) => client.write(chunk));
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socket, resolve));
  }

  /** Crash the daemon at the next pod's second container; resolves with that pod's name. */
  arm(): Promise<string> {
    this.armed = true;
    return new Promise((resolve) => (this.crashedPod = resolve));
  }

  close(): Promise<void> {
    for (const s of this.open) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function postPod(server: ExtraServer): Promise<RawResponse> {
  const token = await fetchToken(server.url);
  return rawRequest("POST", "/api/pods", pageHeaders(token, server.url), JSON.stringify({ sample: "ghost-behind-nginx" }), server.url);
}

async function until(what: string, ok: () => boolean, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 2; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

describe("faults on a private Docker engine", () => {
  const engine = new PrivateEngine();
  const relay = new CrashingRelay(engine);
  let server: ExtraServer | undefined;
  const env = (over: Record<string, string> = {}) => ({ DOCKER_HOST: `unix://${relay.socket}`, POD_ANATOMY_IMAGES: "stand-in", ...over });

  beforeAll(async () => {
    await engine.start();
    await relay.listen();
  });

  afterAll(async () => {
    await server?.stop();
    await relay.close();
    await engine.destroy();
  });

  it("an image that cannot be pulled: a clear error, and no container", async () => {
    server = await startExtraServer(1, env({ POD_ANATOMY_IMAGES: "real" }));
    const res = await postPod(server);
    await server.stop();
    expect(res.status, res.body).toBe(500);
    const body = JSON.parse(res.body) as { error: string; detail: string };
    expect(body.error).toMatch(/^Could not pull registry\.k8s\.io\/pause:3\.10: /);
    expect(body.detail).toBe("Check the registry is reachable, or use POD_ANATOMY_IMAGES=auto.");
    expect(engine.docker("ps", "-aq")).toBe("");
  });

  it("a stand-in that cannot be built: a clear error, and no container", async () => {
    server = await startExtraServer(1, env({ POD_ANATOMY_BUSYBOX: "/nonexistent/busybox" }));
    const res = await postPod(server);
    await server.stop();
    expect(res.status, res.body).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      error: "No static busybox at /nonexistent/busybox to build the nginx stand-in.",
      detail: "Install it (on Debian: apt-get install -y busybox-static) or set POD_ANATOMY_BUSYBOX.",
    });
    expect(engine.docker("ps", "-aq")).toBe("");
  });

  it("the daemon killed half-way: the running server removes the half-made pod once the daemon is back", async () => {
    server = await startExtraServer(1, env());
    const crashed = relay.arm();
    const res = await postPod(server);
    expect(res.status, res.body).toBe(503);
    const pod = await crashed;
    expect(JSON.parse(res.body).error).toContain("dropped the connection in the middle of a request");
    // While the daemon is down, its own store shows what it had made: the sandbox only.
    expect(engine.containersOnDisk()).toEqual([`${pod}-pause`]);
    await engine.start();
    await until(`the half-made pod ${pod} removed`, () => engine.idsOfPod(pod).length === 0, 90);
    expect(server.log()).toContain(`removed half-made pod ${pod}: ${pod}-pause`);
  });

  it("the daemon killed half-way and the server gone too: the next server removes it at start-up, and keeps complete pods", async () => {
    const complete = await postPod(server!);
    expect(complete.status, complete.body).toBe(201);
    const whole = (JSON.parse(complete.body) as { pod: { name: string } }).pod.name;
    // Stopped, as a daemon restart leaves it (and so its port 8880, in this engine's namespace, is free again).
    engine.docker("stop", "-t", "1", ...engine.idsOfPod(whole));

    const crashed = relay.arm();
    const res = await postPod(server!);
    expect(res.status, res.body).toBe(503);
    const pod = await crashed;
    await server!.stop();
    await engine.start();
    // With no server running, the daemon shows the half-made pod: its sandbox, labelled as one of three.
    const left = engine.idsOfPod(pod);
    expect(left).toHaveLength(1);
    expect(engine.docker("inspect", "-f", `{{.Name}} {{index .Config.Labels "${LABEL_POD_SIZE}"}}`, left[0]!)).toBe(`/${pod}-pause 3`);
    expect(engine.idsOfPod(whole)).toHaveLength(3);

    server = await startExtraServer(1, env());
    // register() has run before the first answer: the half-made pod is gone, the complete one kept.
    expect(engine.idsOfPod(pod)).toEqual([]);
    expect(engine.idsOfPod(whole)).toHaveLength(3);
    expect(server.log()).toContain(`removed half-made pod ${pod}: ${pod}-pause`);
    expect(server.log()).not.toContain(`removed half-made pod ${whole}`);

    const token = await fetchToken(server.url);
    const del = await rawRequest("DELETE", `/api/pods/${whole}`, pageHeaders(token, server.url), undefined, server.url);
    expect(del.status, del.body).toBe(200);
    expect(engine.docker("ps", "-aq")).toBe("");
  });
});
