import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLiveMessage, toSseFrame } from "./live-messages";
import { applyDelta, decideDelta, DeltaMismatchError, diffSnapshots, jsonEqual, type SnapshotDelta } from "./snapshot-delta";
import type { Snapshot } from "./types";

/** Recorded from a real server by scripts/record-snapshot-deltas.ts: two pods; a container started; a pod removed. */
const dir = path.join(__dirname, "..", "..", "test", "fixtures", "snapshots");
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as Snapshot;
const twoPods = load("two-pods");
const started = load("container-started");
const removed = load("pod-removed");

const clone = <T>(x: T): T => structuredClone(x);
/** apply(diff(a, b), a) must deep-equal b, and a must be left as it was. */
function roundTrip(a: Snapshot, b: Snapshot): SnapshotDelta {
  const before = clone(a);
  const delta = diffSnapshots(a, b, 1, 2);
  // Through the wire, as the page gets it.
  const received = parseLiveMessage("delta", toSseFrame({ type: "delta", delta }).split("\n")[1]!.slice("data: ".length));
  expect(received?.type).toBe("delta");
  const applied = applyDelta(a, received!.type === "delta" ? received!.delta : delta);
  expect(applied).toEqual(b);
  expect(a).toEqual(before);
  return delta;
}

describe("snapshot deltas on recorded snapshots", () => {
  it("the fixtures differ where the recording says", () => {
    expect(started.containers.length).toBe(twoPods.containers.length + 1);
    expect(removed.containers.length).toBe(started.containers.length - 3);
  });

  it("apply(diff(a, b), a) equals b: a container started, a pod removed, and back", () => {
    for (const [a, b] of [
      [twoPods, started],
      [started, removed],
      [removed, twoPods],
      [twoPods, removed],
    ] as const)
      roundTrip(a, b);
  });

  it("a container started costs a small part of the snapshot", () => {
    const delta = roundTrip(twoPods, started);
    const keys = delta.ops.map((o) => o.key);
    expect(keys).toContain("containers");
    expect(keys).toContain("takenAt");
    expect(JSON.stringify(delta).length).toBeLessThan(JSON.stringify(started).length / 2);
  });

  it("nothing changed: no operation", () => {
    expect(diffSnapshots(started, clone(started), 4, 5)).toEqual({ from: 4, to: 5, ops: [] });
  });

  it("a changed usage figure is one value at its path, not the container", () => {
    const b = clone(twoPods);
    const c = b.containers.find((x) => x.limits !== null)!;
    c.limits!.memoryUsage = (c.limits!.memoryUsage ?? 0) + 4096;
    const delta = roundTrip(twoPods, b);
    expect(delta.ops).toEqual([{ op: "collection", key: "containers", patch: [{ id: c.id, set: [[["limits", "memoryUsage"], c.limits!.memoryUsage]] }] }]);
  });

  it("keys removed, items reordered, a new top-level field, a field gone", () => {
    const b = clone(twoPods) as Snapshot & { network?: unknown };
    delete (b.containers[0]!.labels as Record<string, string>)[Object.keys(b.containers[0]!.labels)[0]!];
    b.containers.reverse();
    b.network = { interfaces: [{ name: "eth0" }] };
    delete (b as Partial<Snapshot>).warnings;
    const delta = roundTrip(twoPods, b);
    const containers = delta.ops.find((o) => o.key === "containers");
    expect(containers?.op === "collection" && containers.order).toEqual(b.containers.map((c) => c.id));
    expect(delta.ops).toContainEqual({ op: "replace", key: "network", value: b.network });
    expect(delta.ops).toContainEqual({ op: "replace", key: "warnings" });
  });

  it("a long array changed in one place is spliced, not sent whole (a host namespace's containerIds)", () => {
    const a = clone(twoPods);
    const ns = a.namespaces[0]!;
    ns.containerIds = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, "0")}${"a".repeat(62)}`);
    const b = clone(a);
    b.namespaces[0]!.containerIds.splice(17, 0, "new".padEnd(64, "b"));
    const delta = roundTrip(a, b);
    expect(delta.ops).toEqual([{ op: "collection", key: "namespaces", patch: [{ id: ns.id, splice: [[["containerIds"], 17, 0, ["new".padEnd(64, "b")]]] }] }]);
    const c = clone(b);
    c.namespaces[0]!.containerIds.splice(3, 2);
    roundTrip(b, c);
    roundTrip(c, a);
  });

  it("a collection whose ids are not unique is sent whole", () => {
    const b = clone(twoPods);
    b.links = [...b.links, ...b.links];
    const delta = roundTrip(twoPods, b);
    expect(delta.ops).toContainEqual({ op: "replace", key: "links", value: b.links });
  });

  it("keeps what did not change by reference", () => {
    const applied = applyDelta(twoPods, diffSnapshots(twoPods, started, 1, 2));
    const kept = twoPods.containers[0]!;
    const same = applied.containers.find((c) => c.id === kept.id)!;
    if (jsonEqual(kept, started.containers.find((c) => c.id === kept.id))) expect(same).toBe(kept);
    expect(applied.host).toBe(jsonEqual(twoPods.host, started.host) ? twoPods.host : applied.host);
  });

  it("a delta that does not fit the snapshot throws DeltaMismatchError (the page refetches)", () => {
    const delta = diffSnapshots(started, removed, 1, 2);
    const gone = removed.containers[0]!.id;
    const other = clone(twoPods);
    other.containers = other.containers.filter((c) => c.id !== gone);
    const patching: SnapshotDelta = { from: 1, to: 2, ops: [{ op: "collection", key: "containers", patch: [{ id: "nope", set: [[["state"], "running"]] }] }] };
    expect(() => applyDelta(twoPods, patching)).toThrow(DeltaMismatchError);
    expect(() => applyDelta(twoPods, { ops: [{ op: "collection", key: "containers", insert: [{ at: 999, item: {} }] }] })).toThrow(DeltaMismatchError);
    expect(() => applyDelta(twoPods, { ops: [{ op: "collection", key: "notACollection", remove: ["x"] }] })).toThrow(DeltaMismatchError);
    expect(delta.ops.length).toBeGreaterThan(0);
  });
});

describe("decideDelta: which delta a page applies", () => {
  it("applies from its version, ignores what it has, refetches on a gap, holds while it has none", () => {
    expect(decideDelta(7, { from: 7, to: 8 })).toBe("apply");
    expect(decideDelta(8, { from: 7, to: 8 })).toBe("ignore");
    expect(decideDelta(9, { from: 7, to: 8 })).toBe("ignore");
    expect(decideDelta(7, { from: 8, to: 9 })).toBe("refetch"); // missed 7→8
    expect(decideDelta(900, { from: 3, to: 904 })).toBe("refetch"); // versions of a restarted server start past the old ones
    expect(decideDelta(undefined, { from: 7, to: 8 })).toBe("hold");
  });
});

describe("the delta message", () => {
  it("refuses malformed deltas", () => {
    expect(parseLiveMessage("delta", JSON.stringify({ from: 1, to: 2, ops: [{ op: "explode", key: "x" }] }))).toBeNull();
    expect(parseLiveMessage("delta", JSON.stringify({ from: 1, ops: [] }))).toBeNull();
    expect(parseLiveMessage("delta", JSON.stringify({ from: 1, to: 2, ops: [{ op: "collection", key: "pods", patch: [{ id: "a", set: [[[], 1]] }] }] }))).toBeNull();
    expect(parseLiveMessage("resync", JSON.stringify({ version: 12 }))).toEqual({ type: "resync", version: 12 });
    expect(parseLiveMessage("resync", JSON.stringify({ version: "12" }))).toBeNull();
  });
});
