/**
 * Docker unreachable, each way it happens on a trainer's laptop, against a real production
 * server whose DOCKER_HOST points at a socket path this test controls:
 *   - nothing at the path (ENOENT)                → "socket-missing"
 *   - a socket file nobody listens on (ECONNREFUSED; what a crashed dockerd leaves) → "no-daemon"
 *   - a listener that accepts and never answers    → "timeout" (the probe gives up after 1.5 s)
 *   - a socket the server's user may not open (EACCES) → "permission-denied" (server run as nobody)
 *   - then a path that leads to the real engine    → "ok" again, without restarting the server.
 * Each time the snapshot still carries what /proc says: the host's namespaces, and its processes counted.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineStatus, Snapshot } from "@/lib/model/types";
import { rawRequest } from "../support/api";
import { startExtraServer, type ExtraServer } from "../support/servers";

/** The budget the issue sets for showing an engine state (a bound, not a benchmark). */
const ANSWER_BUDGET_MS = 2_000;

/**
 * The processes outside every container, counted by this test itself: those whose
 * /proc/PID/cgroup names no 64-hex container id (a vanished one is not counted).
 */
function countOutsideContainers(): number {
  let n = 0;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (!/[0-9a-f]{64}/.test(fs.readFileSync(`/proc/${pid}/cgroup`, "utf8"))) n++;
    } catch {
      // vanished
    }
  }
  return n;
}

interface Answer {
  snapshot: Snapshot;
  ms: number;
  /** countOutsideContainers() just before and just after the request. */
  outside: [number, number];
}

async function snapshotOf(server: ExtraServer): Promise<Answer> {
  const before = countOutsideContainers();
  const started = performance.now();
  const res = await rawRequest("GET", "/api/snapshot", { Host: new URL(server.url).host }, undefined, server.url);
  const ms = performance.now() - started;
  const after = countOutsideContainers();
  expect(res.status, res.body).toBe(200);
  return { snapshot: JSON.parse(res.body) as Snapshot, ms, outside: [before, after] };
}

function expectUnreachable(engine: EngineStatus, reason: string, endpoint: string) {
  expect(engine.state).toBe("unreachable");
  if (engine.state !== "unreachable") return;
  expect(engine.reason).toBe(reason);
  expect(engine.endpoint).toBe(endpoint);
  expect(engine.message).toContain(endpoint);
  expect(engine.hint.length).toBeGreaterThan(20);
}

/** The processes outside containers counted as /proc lists them (within what came and went around the request). */
function expectProcessesCounted({ snapshot, outside: [before, after] }: Answer) {
  const counted = snapshot.processesOutsideContainers + 1; // PID 1 is read in full (or skipped), never counted
  expect(counted).toBeGreaterThanOrEqual(Math.min(before, after) - 5);
  expect(counted).toBeLessThanOrEqual(Math.max(before, after) + 5);
}

/** The procfs views keep working: the processes counted, and the host's namespaces as /proc says. */
function expectProcfsViews(answer: Answer) {
  expectProcessesCounted(answer);
  expect(answer.snapshot.host.namespaces.net).toBe(Number(/\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${answer.snapshot.host.namespacesFrom}/ns/net`))![1]));
}

function listen(server: net.Server, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(where, () => resolve());
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("Docker unreachable: a distinct, explained state for each cause", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-engine-"));
  fs.chmodSync(dir, 0o755);
  const sock = path.join(dir, "engine.sock");
  const endpoint = `unix://${sock}`;
  const realEngine = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
  const open = new Set<net.Socket>();
  let server: ExtraServer;

  beforeAll(async () => {
    server = await startExtraServer(1, { DOCKER_HOST: endpoint });
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("says the socket is missing when nothing is at DOCKER_HOST (ENOENT), and keeps the procfs views", async () => {
    expect(fs.existsSync(sock)).toBe(false);
    const answer = await snapshotOf(server);
    const { snapshot, ms } = answer;
    expectUnreachable(snapshot.engine, "socket-missing", endpoint);
    expectProcfsViews(answer);
    expect(ms).toBeLessThan(ANSWER_BUDGET_MS);
  });

  it("says no daemon answers when the socket file is there but nothing listens (ECONNREFUSED)", async () => {
    // A listener's socket file, kept (hard link) after the listener is gone: a crashed dockerd's leftover.
    const scratch = path.join(dir, "scratch.sock");
    const listener = net.createServer();
    await listen(listener, scratch);
    fs.linkSync(scratch, sock);
    await close(listener);
    expect(fs.statSync(sock).isSocket()).toBe(true);
    const answer = await snapshotOf(server);
    const { snapshot, ms } = answer;
    expectUnreachable(snapshot.engine, "no-daemon", endpoint);
    expectProcfsViews(answer);
    expect(ms).toBeLessThan(ANSWER_BUDGET_MS);
    fs.unlinkSync(sock);
  });

  it("says the engine does not answer when the daemon accepts and hangs, within the 2 s budget", async () => {
    const hung = net.createServer((s) => {
      open.add(s);
      s.resume(); // read the request, never answer
    });
    await listen(hung, sock);
    try {
      const answer = await snapshotOf(server);
      const { snapshot, ms } = answer;
      expectUnreachable(snapshot.engine, "timeout", endpoint);
      expect(snapshot.engine.state === "unreachable" && snapshot.engine.message).toContain("no answer within 1.5 s");
      expectProcfsViews(answer);
      expect(ms).toBeLessThan(ANSWER_BUDGET_MS);
    } finally {
      await new Promise<void>((resolve) => {
        hung.close(() => resolve());
        for (const s of open) s.destroy();
      });
    }
  });

  it("reconnects by itself when the engine is back: the same server reports it ok", async () => {
    // The path now leads to the real engine, byte for byte.
    const relay = net.createServer((client) => {
      const upstream = net.connect(realEngine);
      open.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => (client.destroy(), upstream.destroy());
      client.on("error", drop);
      upstream.on("error", drop);
    });
    await listen(relay, sock);
    try {
      const { snapshot } = await snapshotOf(server);
      expect(snapshot.engine).toMatchObject({ state: "ok", endpoint });
    } finally {
      await new Promise<void>((resolve) => {
        relay.close(() => resolve());
        for (const s of open) s.destroy();
      });
    }
  });

  it("says permission is denied when the server's user may not open the socket (EACCES)", async (ctx) => {
    // Root opens any socket file whatever its mode, so EACCES needs a server that is not root:
    // it runs as "nobody", which only root can arrange.
    ctx.skip(process.getuid?.() !== 0, "needs root to start a server as user nobody");
    const guarded = net.createServer((s) => s.destroy());
    await listen(guarded, sock);
    fs.chmodSync(sock, 0o600); // root's socket, not for "nobody"
    let nobody: ExtraServer | undefined;
    try {
      nobody = await startExtraServer(2, { DOCKER_HOST: endpoint, HOME: dir }, { uid: 65534, gid: 65534 });
      const answer = await snapshotOf(nobody);
      const { snapshot, ms } = answer;
      expectUnreachable(snapshot.engine, "permission-denied", endpoint);
      expectProcessesCounted(answer); // the host's ns links are not nobody's to read
      expect(ms).toBeLessThan(ANSWER_BUDGET_MS);
    } finally {
      await nobody?.stop();
      await close(guarded);
    }
  });
});
