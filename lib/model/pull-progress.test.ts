import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aggregatePull, applyPullMessage, endPull, parsePullMessage, PullProgressSchema, startPull, type PullMessage } from "./pull-progress";

/** A stream in the engine's documented format (test/fixtures/README.md), parsed as docker.ts does. */
function fixture(name: string): PullMessage[] {
  const text = fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "docker-pull", name), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const m = parsePullMessage(JSON.parse(line));
      if (!m) throw new Error(`not a pull message: ${line}`);
      return m;
    });
}

const nginx = fixture("nginx-1.27-alpine.ndjson");
/** The summary after the first n messages. */
const after = (n: number) => aggregatePull("nginx:1.27-alpine", nginx.slice(0, n));
/** 0 (already there) + 1792 + 16973449 + 627. */
const TOTAL = 16_975_868;

describe("aggregatePull on a whole pull", () => {
  it("is resolving until the engine names a layer; the tag line is not a layer", () => {
    expect(after(0)).toEqual(startPull("nginx:1.27-alpine"));
    expect(after(1)).toEqual({
      ref: "nginx:1.27-alpine",
      layers: [],
      bytesDone: 0,
      bytesTotal: null,
      fraction: null,
      phase: "resolving",
      message: "Pulling from library/nginx",
    });
  });

  it("has no total while a layer still to fetch has not said its size", () => {
    const p = after(10);
    expect(p.phase).toBe("downloading");
    expect(p.layers.map((l) => [l.id, l.status, l.current, l.total, l.downloaded])).toEqual([
      ["f18232174bc9", "Already exists", 0, 0, true],
      ["61ca4f733c80", "Download complete", 1792, 1792, true],
      ["b464cfdf2a63", "Downloading", 162234, 16973449, false],
      ["d7e507024086", "Waiting", 0, null, false],
    ]);
    expect([p.bytesDone, p.bytesTotal, p.fraction]).toEqual([1792 + 162234, null, null]);
    expect(p.message).toBe("b464cfdf2a63: Downloading");
  });

  it("sums bytes once every size is known", () => {
    expect([after(11).bytesDone, after(11).bytesTotal, after(11).fraction]).toEqual([164653, TOTAL, 164653 / TOTAL]);
    expect([after(14).bytesDone, after(14).fraction]).toEqual([8505632, 8505632 / TOTAL]);
    // Extracting one layer while another still downloads: still downloading, extraction bytes not counted.
    expect([after(16).phase, after(16).bytesDone]).toEqual(["downloading", 8505632]);
  });

  it("is extracting once every layer is downloaded", () => {
    expect([after(19).phase, after(19).bytesDone, after(19).fraction]).toEqual(["extracting", TOTAL, 1]);
    expect(after(25).message).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
  });

  it("is done when the engine says so, with every layer complete", () => {
    const p = aggregatePull("nginx:1.27-alpine", nginx);
    expect(PullProgressSchema.parse(p)).toEqual(p);
    expect([p.phase, p.fraction, p.bytesDone, p.bytesTotal, p.message]).toEqual(["done", 1, TOTAL, TOTAL, "Downloaded newer image for nginx:1.27-alpine"]);
    expect(p.layers.map((l) => l.status)).toEqual(["Already exists", "Pull complete", "Pull complete", "Pull complete"]);
    // An ended pull stays as it ended.
    expect(applyPullMessage(p, { error: "late" })).toBe(p);
  });
});

describe("failures", () => {
  it("keeps the engine's error message and the bytes reached", () => {
    const p = aggregatePull("busybox:1.36", fixture("broken-download.ndjson"));
    expect(p).toEqual({
      ref: "busybox:1.36",
      layers: [{ id: "9ad63333ebc9", status: "Downloading", current: 540672, total: 2152262, downloaded: false }],
      bytesDone: 540672,
      bytesTotal: 2152262,
      fraction: 540672 / 2152262,
      phase: "failed",
      message: "read tcp 172.17.0.1:51234->104.16.100.207:443: read: connection reset by peer",
    });
    expect(applyPullMessage(p, { status: "Status: Downloaded newer image for busybox:1.36" })).toBe(p);
  });

  it("takes `error` when there is no errorDetail message", () => {
    expect(applyPullMessage(startPull("x"), { error: "manifest unknown" })).toMatchObject({ phase: "failed", message: "manifest unknown" });
  });

  it("rejects what is not the documented format", () => {
    expect(parsePullMessage({ status: 5 })).toBeNull();
    expect(parsePullMessage("Downloading")).toBeNull();
    expect(parsePullMessage({ status: "Waiting", id: "ab", extra: true })).toEqual({ status: "Waiting", id: "ab" });
  });
});

describe("endPull", () => {
  it("marks a pull that ended without a final status", () => {
    expect(endPull(after(19), null)).toMatchObject({ phase: "done", fraction: 1, message: "Pulled nginx:1.27-alpine" });
    expect(endPull(after(10), "pulling nginx:1.27-alpine took longer than 900 s")).toMatchObject({
      phase: "failed",
      bytesDone: 164026,
      message: "pulling nginx:1.27-alpine took longer than 900 s",
    });
  });

  it("keeps how the engine ended it", () => {
    const failed = applyPullMessage(startPull("x"), { error: "no such host" });
    expect(endPull(failed, "(HTTP code 500) server error - no such host")).toBe(failed);
  });
});
