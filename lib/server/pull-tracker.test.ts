import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aggregatePull, parsePullMessage, type PullMessage } from "@/lib/model/pull-progress";
import { DockerodeClient } from "./docker";
import { resolveImage } from "./images";
import { getPullTracker, PullTracker } from "./pull-tracker";

const recorded = fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "docker-pull", "nginx-1.27-alpine.ndjson"), "utf8");
const lines = recorded.split("\n").filter(Boolean);
const messages = lines.map((l) => parsePullMessage(JSON.parse(l))!);

describe("PullTracker", () => {
  let clock = 1_800_000_000_000;
  const tracker = () => new PullTracker(30_000, () => clock);

  it("folds each pull's messages, keeps an ended pull 30 s, then forgets it", () => {
    const t = tracker();
    const a = t.begin("nginx:1.27-alpine", "stand-in");
    const b = t.begin("busybox:1.36", "error");
    for (const m of messages.slice(0, 11)) t.report(a, m);
    expect(t.list().map((p) => [p.id, p.ref, p.phase, p.bytesDone, p.endedAt])).toEqual([
      ["pull-1", "nginx:1.27-alpine", "downloading", 164653, null],
      ["pull-2", "busybox:1.36", "resolving", 0, null],
    ]);
    clock += 1_000;
    expect(t.end(b, "no such host")).toMatchObject({ phase: "failed", message: "no such host", endedAt: "2027-01-15T08:00:01.000Z", onFailure: "error" });
    t.report(b, { status: "Status: Downloaded newer image for busybox:1.36" });
    expect(t.list()[1]).toMatchObject({ phase: "failed", startedAt: "2027-01-15T08:00:00.000Z", remembered: false });
    clock += 30_000;
    expect(t.list().map((p) => p.id)).toEqual(["pull-1", "pull-2"]);
    clock += 1;
    expect(t.list().map((p) => p.id)).toEqual(["pull-1"]);
    for (const m of messages.slice(11)) t.report(a, m);
    expect(t.end(a, null)).toMatchObject({ ...aggregatePull("nginx:1.27-alpine", messages), remembered: false });
  });

  it("lists a remembered failure as an ended, failed pull", () => {
    const t = tracker();
    t.remembered("registry.k8s.io/pause:3.10", "lookup registry.k8s.io: no such host", "stand-in");
    expect(t.list()).toEqual([
      expect.objectContaining({ ref: "registry.k8s.io/pause:3.10", phase: "failed", message: "lookup registry.k8s.io: no such host", remembered: true, onFailure: "stand-in" }),
    ]);
    expect(t.list()[0]!.endedAt).not.toBeNull();
  });
});

/**
 * The dockerode client against an engine look-alike serving the recorded-format stream over
 * HTTP (`POST /images/create`), as the engine does: chunked, objects ending in \r\n, chunks
 * cut anywhere. The real engine here has no registry: its refusal is served as it sends it.
 */
describe("DockerodeClient.pullImage progress, over HTTP", () => {
  let server: http.Server;
  let saved: string | undefined;
  const asked: string[] = [];
  let refuse = false;

  beforeEach(async () => {
    asked.length = 0;
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://engine");
      asked.push(`${req.method} ${url.pathname.replace(/^\/v[\d.]+/, "")}${url.search}`);
      if (req.method === "GET" && url.pathname.endsWith("/json")) {
        res.writeHead(404, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ message: "No such image" }));
      }
      if (refuse) {
        res.writeHead(500, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ message: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host' }));
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      const text = lines.map((l) => `${l}\r\n`).join("");
      for (let i = 0; i < text.length; i += 41) res.write(text.slice(i, i + 41));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    refuse = false;
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("reports every object of the stream, reshaped, in order", async () => {
    const got: PullMessage[] = [];
    await new DockerodeClient().pullImage("nginx:1.27-alpine", { startTimeoutMs: 5_000, totalTimeoutMs: 60_000, onProgress: (m) => got.push(m) });
    expect(got).toEqual(messages);
    expect(got[6]).toEqual({ status: "Downloading", progressDetail: { current: 1792, total: 1792 }, id: "61ca4f733c80" });
    expect(asked).toEqual(["POST /images/create?fromImage=nginx&tag=1.27-alpine"]);
  });

  it("reports a refused pull as one error message with the engine's own words, and rejects", async () => {
    refuse = true;
    const got: PullMessage[] = [];
    const pull = new DockerodeClient().pullImage("nginx:1.27-alpine", { startTimeoutMs: 5_000, totalTimeoutMs: 60_000, onProgress: (m) => got.push(m) });
    await expect(pull).rejects.toThrow(/HTTP code 500/);
    expect(got).toEqual([{ error: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host' }]);
  });

  it("resolveImage feeds the server's tracker: the real image pulled, its pull done", async () => {
    const saveMode = process.env.POD_ANATOMY_IMAGES;
    delete process.env.POD_ANATOMY_IMAGES;
    try {
      expect(await resolveImage(new DockerodeClient(), "nginx")).toEqual({ ref: "nginx:1.27-alpine", source: "real" });
    } finally {
      if (saveMode !== undefined) process.env.POD_ANATOMY_IMAGES = saveMode;
    }
    expect(asked).toEqual(["GET /images/nginx:1.27-alpine/json", "POST /images/create?fromImage=nginx&tag=1.27-alpine"]);
    const pull = getPullTracker().list().find((p) => p.ref === "nginx:1.27-alpine");
    expect(pull).toMatchObject({ phase: "done", bytesDone: 16_975_868, bytesTotal: 16_975_868, fraction: 1, remembered: false, onFailure: "stand-in" });
    expect(pull?.endedAt).not.toBeNull();
  });
});
