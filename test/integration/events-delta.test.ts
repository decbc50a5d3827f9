/**
 * Snapshot deltas on GET /api/events against the real engine: a container started with the
 * docker CLI arrives as a delta; the deltas applied to the snapshot a page fetched give what
 * a fresh GET /api/snapshot says; a page at a version the server cannot bring up to date is
 * told to refetch. The container carries this run's label and is removed by label.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLiveMessage } from "@/lib/model/live-messages";
import { applyDelta, SNAPSHOT_VERSION_HEADER, type SnapshotDelta } from "@/lib/model/snapshot-delta";
import { LABEL_RUN, type Snapshot } from "@/lib/model/types";
import { DockerodeClient } from "@/lib/server/docker";
import { resolveImage } from "@/lib/server/images";
import { BASE_URL, rawRequest, removeByLabel } from "../support/api";
import { EventStream } from "../support/event-stream";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID ?? "unset";
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;
const host = new URL(BASE_URL).host;

async function getSnapshot(): Promise<{ snapshot: Snapshot; version: number; bytes: number }> {
  const res = await rawRequest("GET", "/api/snapshot", { Host: host });
  expect(res.status).toBe(200);
  const version = Number(res.headers[SNAPSHOT_VERSION_HEADER.toLowerCase()]);
  expect(Number.isSafeInteger(version) && version > 0, `${SNAPSHOT_VERSION_HEADER}: ${res.headers[SNAPSHOT_VERSION_HEADER.toLowerCase()]}`).toBe(true);
  return { snapshot: JSON.parse(res.body) as Snapshot, version, bytes: Buffer.byteLength(res.body) };
}

const deltaOf = (data: string): SnapshotDelta => {
  const m = parseLiveMessage("delta", data);
  if (m?.type !== "delta") throw new Error(`not a delta: ${data.slice(0, 200)}`);
  return m.delta;
};

describe("snapshot deltas on GET /api/events", () => {
  let stream: EventStream;
  let image = "";
  beforeAll(async () => {
    image = (await resolveImage(new DockerodeClient(), "pause")).ref;
    stream = (await EventStream.open()).stream;
  });
  afterAll(() => {
    stream?.close();
    removeByLabel(RUN_LABEL);
  });

  it("a container started from the CLI arrives as a delta; applied to the page's snapshot it gives the server's", async () => {
    const first = await getSnapshot();
    let held = first.snapshot;
    let version = first.version;
    const from = stream.frames.length;
    const id = execFileSync("docker", ["run", "-d", "--network", "none", "--label", RUN_LABEL, "--name", `delta-${RUN_ID}-${process.pid}`, image], {
      encoding: "utf8",
    }).trim();
    // Follow the chain of deltas from the version fetched until the container shows running.
    let index = from;
    let deltaBytes = 0;
    for (;;) {
      const next = await stream.next(`a delta showing ${id.slice(0, 12)} running`, (f) => (f.type === "delta" ? deltaOf(f.data) : undefined), index);
      index = next.index + 1;
      const delta = next.value;
      if (delta.to <= version) continue; // began before the snapshot fetched
      expect(delta.from, "a gap in the chain of deltas").toBe(version);
      held = applyDelta(held, delta);
      version = delta.to;
      deltaBytes = Buffer.byteLength(next.frame.data);
      if (held.containers.some((c) => c.id === id && c.state === "running")) break;
    }
    const fresh = await getSnapshot();
    console.log(`[delta] container start: delta ${deltaBytes} bytes, snapshot ${fresh.bytes} bytes (${((100 * deltaBytes) / fresh.bytes).toFixed(1)}%)`);
    // The machine is shared: other containers change meanwhile. Follow the deltas up to the
    // version fetched: the same version must be the same snapshot, in every field.
    while (version < fresh.version) {
      const next = await stream.next(`the delta to version ${fresh.version}`, (f) => (f.type === "delta" ? deltaOf(f.data) : undefined), index);
      index = next.index + 1;
      if (next.value.to <= version) continue;
      expect(next.value.from, "a gap in the chain of deltas").toBe(version);
      held = applyDelta(held, next.value);
      version = next.value.to;
    }
    expect(version).toBe(fresh.version);
    expect(held).toEqual(fresh.snapshot);
    const started = held.containers.find((c) => c.id === id)!;
    expect(started.pid).toBeGreaterThan(0);
    expect(started.processIds).toContain(started.pid);
  });

  it("a page at a version the server cannot bring up to date is told to refetch; one up to date is not", async () => {
    const { version } = await getSnapshot();
    const stale = await EventStream.open(BASE_URL, "/api/events?version=1");
    try {
      const resync = await stale.stream.next("resync", (f) => (f.type === "resync" ? parseLiveMessage("resync", f.data) : undefined));
      expect(resync.value).toEqual({ type: "resync", version: expect.any(Number) });
      expect(resync.value?.type === "resync" && resync.value.version).toBeGreaterThanOrEqual(version);
    } finally {
      stale.stream.close();
    }
    const current = await getSnapshot();
    const upToDate = await EventStream.open(BASE_URL, `/api/events?version=${current.version}`);
    try {
      // The next delta it gets starts at its version, or later if the server built one meanwhile (then it was replayed first).
      const first = await upToDate.stream.next("a delta", (f) => (f.type === "delta" || f.type === "resync" ? f : undefined));
      expect(first.value.type).toBe("delta");
      expect(deltaOf(first.value.data).from).toBe(current.version);
    } finally {
      upToDate.stream.close();
    }
  });

  it("refuses a version that is not a whole number", async () => {
    const res = await rawRequest("GET", "/api/events?version=abc", { Host: host });
    expect(res.status).toBe(400);
  });
});
