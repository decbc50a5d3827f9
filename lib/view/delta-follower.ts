/**
 * The page's side of the snapshot deltas (lib/model/snapshot-delta.ts): which delta to apply
 * to the snapshot it shows, which to keep while its own request for a snapshot is on its way,
 * and when it has missed one and must fetch the snapshot again. Browser-side, no I/O: the
 * hook (use-live-snapshot.ts) calls it with the snapshot it holds and does what it says.
 */
import { applyDelta, decideDelta, DeltaMismatchError, type SnapshotDelta } from "@/lib/model/snapshot-delta";
import type { Snapshot } from "@/lib/model/types";

/** Deltas kept while a snapshot request is on its way (a request takes well under a second; deltas come every 2 s or on a change). */
const MAX_HELD = 32;

export type FollowResult =
  /** Show `snapshot`, of version `version`. */
  | { kind: "show"; snapshot: Snapshot; version: number }
  /** Nothing to do (kept for later, or already held). */
  | { kind: "none" }
  /** A delta is missing (or did not fit): GET /api/snapshot again. */
  | { kind: "refetch"; why: string };

export class DeltaFollower {
  private held: SnapshotDelta[] = [];
  private fetching = 0;

  constructor(private readonly versionOf: (s: Snapshot) => number | undefined) {}

  /** A delta arrived; `current` is the snapshot the page shows (undefined: none yet). */
  receive(current: Snapshot | undefined, delta: SnapshotDelta): FollowResult {
    const held = this.fetching > 0 || current === undefined ? undefined : this.versionOf(current);
    switch (decideDelta(held, delta)) {
      case "hold":
        this.held.push(delta);
        if (this.held.length > MAX_HELD) this.held.shift();
        return { kind: "none" };
      case "ignore":
        return { kind: "none" };
      case "refetch":
        return { kind: "refetch", why: `holding version ${held}, the delta is ${delta.from}→${delta.to}` };
      case "apply":
        return applyOrRefetch(current!, delta);
    }
  }

  /** A snapshot request begins: deltas are kept until it ends (finished()). */
  started(): void {
    this.fetching++;
  }

  /**
   * The request ended with `fetched` (or failed: undefined). Returns the snapshot to show,
   * with the deltas kept meanwhile applied, or a refetch when they leave a gap.
   */
  finished(fetched: Snapshot | undefined): FollowResult {
    this.fetching = Math.max(0, this.fetching - 1);
    if (fetched === undefined) return { kind: "none" };
    const version = this.versionOf(fetched);
    if (version === undefined) return { kind: "none" };
    const held = this.held;
    this.held = [];
    let result: FollowResult = { kind: "show", snapshot: fetched, version };
    for (const delta of held) {
      if (result.kind !== "show") break;
      const decision = decideDelta(result.version, delta);
      if (decision === "apply") result = applyOrRefetch(result.snapshot, delta);
      else if (decision === "refetch") return { kind: "refetch", why: `the snapshot is version ${result.version}, a delta kept meanwhile is ${delta.from}→${delta.to}` };
    }
    return result;
  }
}

function applyOrRefetch(snapshot: Snapshot, delta: SnapshotDelta): FollowResult {
  try {
    return { kind: "show", snapshot: applyDelta(snapshot, delta), version: delta.to };
  } catch (err) {
    if (err instanceof DeltaMismatchError) return { kind: "refetch", why: err.message };
    throw err;
  }
}
