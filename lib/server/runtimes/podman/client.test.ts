/**
 * The libpod client's own work, against a small HTTP server on a unix socket of the test's:
 * deadlines, libpod's error bodies, the multiplexed exec stream, the event stream split
 * across chunks, the socket path. (What Podman itself answers is tested against the real
 * service in test/integration/podman-adapter.test.ts.)
 */
import http from "node:http";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibpodClient, LibpodHttpError, podmanSocketPath as socketPathOf } from "./client";

const socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pa-libpod-")), "s.sock");
const frame = (stream: number, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

const server = http.createServer((req, res) => {
  const url = req.url ?? "";
  if (url.startsWith("/v4.0.0/libpod/_ping")) {
    res.writeHead(200, { "Libpod-Api-Version": "4.3.1", Server: "Libpod/4.3.1 (linux)" });
    return res.end("OK");
  }
  if (url.startsWith("/v4.0.0/libpod/slow")) return; // never answers
  if (url.startsWith("/v4.0.0/libpod/pods/p/start")) {
    res.writeHead(409, { "Content-Type": "application/json" });
    return res.end(JSON.stringify({ Errs: ["starting container x: bind: address already in use"], Id: "p" }));
  }
  if (url.startsWith("/v4.0.0/libpod/containers/nope/json")) {
    res.writeHead(404, { "Content-Type": "application/json" });
    return res.end(JSON.stringify({ cause: "no such container", message: "no container with name or ID \"nope\" found: no such container", response: 404 }));
  }
  if (url.startsWith("/v4.0.0/libpod/exec/e1/start")) {
    res.writeHead(200, { "Content-Type": "application/vnd.docker.raw-stream" });
    const all = Buffer.concat([frame(1, "hello "), frame(2, "warn\n"), frame(1, "world\n"), frame(1, "x".repeat(100))]);
    res.write(all.subarray(0, 5)); // a header split across chunks
    res.write(all.subarray(5, 20));
    return res.end(all.subarray(20));
  }
  if (url.startsWith("/v4.0.0/libpod/exec/e2/start")) {
    res.writeHead(200);
    return res.write(frame(1, "never ends")); // a command still running
  }
  if (url.startsWith("/v4.0.0/libpod/events")) {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write('{"Type":"container","Action":"start","Actor":{"ID":"a"}}\n{"Type":"pod","Act');
    res.write('ion":"create","Actor":{"ID":"p"}}\nnot json\n');
    return res.end();
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("page not found");
});

beforeAll(() => new Promise<void>((resolve) => server.listen(socket, resolve)));
afterAll(() => {
  server.closeAllConnections();
  server.close();
  fs.rmSync(path.dirname(socket), { recursive: true, force: true });
});

const client = new LibpodClient(socket);

describe("LibpodClient", () => {
  it("ping returns libpod's headers", async () => {
    expect(await client.ping()).toMatchObject({ "libpod-api-version": "4.3.1", server: "Libpod/4.3.1 (linux)" });
  });

  it("a call past its deadline throws a TimeoutError", async () => {
    await expect(client.get("/slow", { timeoutMs: 200 })).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("errors carry the status and libpod's message, or the Errs of a pod's start, or the plain text", async () => {
    await expect(client.get("/containers/nope/json")).rejects.toMatchObject({ status: 404, message: expect.stringContaining("no such container") });
    await expect(client.post("/pods/p/start", null)).rejects.toMatchObject({ status: 409, message: expect.stringContaining("address already in use") });
    const err = await client.get("/other").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibpodHttpError);
    expect((err as LibpodHttpError).message).toBe("page not found");
  });

  it("a socket that does not exist: ENOENT", async () => {
    await expect(new LibpodClient(`${socket}.none`).ping()).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("execStart demultiplexes stdout and stderr and bounds them", async () => {
    const out = await client.execStart("e1", { timeoutMs: 2000, maxBytes: 20 });
    expect(out).toMatchObject({ stdout: "hello world\nxxxxxxxx", stderr: "warn\n", truncated: true, timedOut: false });
    const whole = await client.execStart("e1", { timeoutMs: 2000, maxBytes: 1000 });
    expect(whole.truncated).toBe(false);
    expect(whole.stdout).toBe(`hello world\n${"x".repeat(100)}`);
  });

  it("execStart past its deadline: timed out, with what came", async () => {
    expect(await client.execStart("e2", { timeoutMs: 300, maxBytes: 100 })).toMatchObject({ stdout: "never ends", timedOut: true });
  });

  it("openEvents parses lines split across chunks and skips malformed ones", async () => {
    const events = await client.openEvents({ type: ["container", "pod"] }, new AbortController().signal);
    const seen: unknown[] = [];
    for await (const e of events) seen.push(e);
    expect(seen).toEqual([
      { Type: "container", Action: "start", Actor: { ID: "a" } },
      { Type: "pod", Action: "create", Actor: { ID: "p" } },
    ]);
  });
});

describe("podmanSocketPath", () => {
  it("CONTAINER_HOST, else rootful, else rootless", () => {
    const podmanSocketPath = (env: Record<string, string>, uid: number) => socketPathOf(env as NodeJS.ProcessEnv, uid);
    expect(podmanSocketPath({ CONTAINER_HOST: "unix:///tmp/x.sock" }, 0)).toBe("/tmp/x.sock");
    expect(podmanSocketPath({}, 0)).toBe("/run/podman/podman.sock");
    expect(podmanSocketPath({ XDG_RUNTIME_DIR: "/run/user/1000" }, 1000)).toBe("/run/user/1000/podman/podman.sock");
    expect(() => podmanSocketPath({ CONTAINER_HOST: "ssh://host/run/podman.sock" }, 0)).toThrow(/unix:\/\//);
  });
});
