/**
 * The CRI adapter's status() on endpoints that cannot be used, each real: a socket that is
 * missing, a socket file nobody listens on, a socket the caller may not open (the real
 * containerd's, asked as user 65534), a server that accepts and never answers, and a
 * containerd without the CRI (Docker's own). Each is reported as unreachable with its
 * reason, a message and a hint; status() never throws.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeStatus } from "@/lib/model/types";
import { CriRuntime } from "@/lib/server/runtimes/cri/adapter";

const SOCKET = process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock";
const DOCKER_CONTAINERD = "/var/run/docker/containerd/containerd.sock";
let dir = "";
let silent: net.Server;
const silentSockets = new Set<net.Socket>();
let accepted = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cri-faults-"));
  silent = net.createServer((s) => {
    accepted++;
    silentSockets.add(s); // accepted, never answered
    s.on("close", () => silentSockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(path.join(dir, "silent.sock"), r));
});

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function statusOf(socket: string): Promise<RuntimeStatus> {
  const rt = new CriRuntime({ endpoint: socket, readOnly: true });
  try {
    return await rt.status();
  } finally {
    rt.close();
  }
}

const unreachable = (s: RuntimeStatus, reason: string) => {
  expect(s).toMatchObject({ kind: "cri", state: "unreachable", reason, version: null });
  expect(s.message).toBeTruthy();
  expect(s.hint).toBeTruthy();
};

describe("CRI endpoints that cannot be used", () => {
  it("the real containerd answers (the contrast: ok with its version)", async () => {
    const s = await statusOf(SOCKET);
    expect(s).toMatchObject({ state: "ok", runtime: "containerd", apiVersion: "v1", reason: null });
    expect(s.version).toMatch(/^\d+\.\d+/);
  });

  it("socket missing", async () => {
    const sock = path.join(dir, "none.sock");
    const s = await statusOf(sock);
    unreachable(s, "socket-missing");
    expect(s.message).toContain(sock);
  });

  it("a socket file with nothing listening: connection refused, no daemon", async () => {
    const sock = path.join(dir, "dead.sock");
    // Bound but never listening: the file exists, connect() gets ECONNREFUSED.
    execFileSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", sock]);
    expect(fs.statSync(sock).isSocket()).toBe(true);
    unreachable(await statusOf(sock), "no-daemon");
  });

  it("permission denied: the real containerd's socket asked as user 65534", () => {
    const out = execFileSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "node_modules/.bin/tsx", "--conditions", "react-server", "test/support/cri-status-child.ts", SOCKET],
      { encoding: "utf8", cwd: process.cwd(), env: { ...process.env, HOME: dir } },
    );
    unreachable(JSON.parse(out) as RuntimeStatus, "permission-denied");
  });

  it("a server that accepts and never answers: timeout (Version's 1.5 s deadline)", async () => {
    const before = accepted;
    const s = await statusOf(path.join(dir, "silent.sock"));
    unreachable(s, "timeout");
    expect(accepted).toBeGreaterThan(before); // it did connect: the silence, not the socket, is the fault
  });

  it("Docker's own containerd has no CRI: wrong API (UNIMPLEMENTED)", async () => {
    expect(fs.statSync(DOCKER_CONTAINERD).isSocket()).toBe(true);
    const s = await statusOf(DOCKER_CONTAINERD);
    unreachable(s, "wrong-api");
    expect(s.message).toContain("UNIMPLEMENTED");
  });

  it("containers() throws on an unreachable endpoint (status() is the one that never does)", async () => {
    const rt = new CriRuntime({ endpoint: path.join(dir, "none.sock"), readOnly: true });
    try {
      await expect(rt.containers()).rejects.toMatchObject({ code: 14 });
      expect(rt.pods).toBeUndefined();
    } finally {
      rt.close();
    }
  });
});
