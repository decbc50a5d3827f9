import { describe, expect, it } from "vitest";
import { diffSnapshots } from "@/lib/model/snapshot-delta";
import type { Snapshot } from "@/lib/model/types";
import { DeltaFollower } from "./delta-follower";

const snap = (takenAt: string) => ({ takenAt, containers: [], pods: [] }) as unknown as Snapshot;
const versions = new WeakMap<Snapshot, number>();
const at = (s: Snapshot, v: number) => (versions.set(s, v), s);
const follower = () => new DeltaFollower((s) => versions.get(s));

describe("DeltaFollower", () => {
  const s1 = at(snap("1"), 1);
  const s2 = snap("2");
  const s3 = snap("3");
  const d12 = diffSnapshots(s1, s2, 1, 2);
  const d23 = diffSnapshots(s2, s3, 2, 3);

  it("applies a delta from the version shown", () => {
    const r = follower().receive(s1, d12);
    expect(r).toEqual({ kind: "show", snapshot: s2, version: 2 });
  });

  it("refetches when one was missed", () => {
    expect(follower().receive(s1, d23).kind).toBe("refetch");
  });

  it("keeps deltas while its request is on its way, and applies those after the answer", () => {
    const f = follower();
    f.started();
    expect(f.receive(s1, d12)).toEqual({ kind: "none" }); // held: the answer may be newer
    expect(f.receive(s1, d23)).toEqual({ kind: "none" });
    const answer = at(snap("1"), 1);
    expect(f.finished(answer)).toEqual({ kind: "show", snapshot: s3, version: 3 });
  });

  it("an answer newer than the deltas kept: they are dropped; one past a gap: refetch", () => {
    const f = follower();
    f.started();
    f.receive(undefined, d12);
    const newer = at(snap("3"), 3);
    expect(f.finished(newer)).toEqual({ kind: "show", snapshot: newer, version: 3 });
    const g = follower();
    g.started();
    g.receive(undefined, d23);
    expect(g.finished(at(snap("1"), 1)).kind).toBe("refetch");
  });

  it("a delta that does not fit refetches", () => {
    const f = follower();
    const bad = { from: 1, to: 2, ops: [{ op: "collection" as const, key: "containers", remove: ["x"], patch: [{ id: "gone", set: [[["state"], "x"]] as [string[], unknown][] }] }] };
    expect(f.receive(s1, bad).kind).toBe("refetch");
  });
});
