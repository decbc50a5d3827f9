import "server-only";
import { applyPullMessage, endPull, startPull, type PullMessage, type TrackedPull } from "@/lib/model/pull-progress";
import { processSingleton } from "./singleton";

/** How long an ended pull stays listed: long enough for a page polling every 500 ms to show how it ended. */
export const KEEP_ENDED_MS = 30_000;

/**
 * The pulls this server runs (lib/server/images.ts feeds it), each with its progress folded
 * from the engine's stream (lib/model/pull-progress.ts); GET /api/pulls lists them. Pulls in
 * flight stay until they end; ended ones for KEEP_ENDED_MS.
 */
export class PullTracker {
  private readonly pulls = new Map<string, TrackedPull>();
  private seq = 0;

  constructor(
    private readonly keepEndedMs = KEEP_ENDED_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A pull begins; its id, for report and end. */
  begin(ref: string, onFailure: TrackedPull["onFailure"]): string {
    const id = `pull-${++this.seq}`;
    const startedAt = new Date(this.now()).toISOString();
    this.pulls.set(id, { ...startPull(ref), id, startedAt, endedAt: null, remembered: false, onFailure });
    return id;
  }

  /** One message of the engine's stream. */
  report(id: string, message: PullMessage): void {
    const pull = this.pulls.get(id);
    if (pull && pull.endedAt === null) this.pulls.set(id, { ...pull, ...applyPullMessage(pull, message) });
  }

  /**
   * The pull ended: `error` null when it succeeded. Returns how it ended: a failure the
   * engine already reported in the stream keeps the engine's message.
   */
  end(id: string, error: string | null): TrackedPull | undefined {
    const pull = this.pulls.get(id);
    if (pull && pull.endedAt === null) {
      this.pulls.set(id, { ...pull, ...endPull(pull, error), endedAt: new Date(this.now()).toISOString() });
    }
    return this.pulls.get(id);
  }

  /** A pull not tried again because it failed a moment ago: listed as failed, with that error. */
  remembered(ref: string, error: string, onFailure: TrackedPull["onFailure"]): void {
    const id = this.begin(ref, onFailure);
    const pull = this.end(id, error);
    if (pull) this.pulls.set(id, { ...pull, remembered: true });
  }

  /** Pulls in flight and those ended within keepEndedMs, oldest first. */
  list(): TrackedPull[] {
    const cutoff = this.now() - this.keepEndedMs;
    for (const [id, pull] of this.pulls) {
      if (pull.endedAt !== null && Date.parse(pull.endedAt) < cutoff) this.pulls.delete(id);
    }
    return [...this.pulls.values()];
  }
}

/** The one tracker of this server process (on globalThis so every route bundle shares it). */
export function getPullTracker(): PullTracker {
  return processSingleton("__podAnatomyPulls", () => new PullTracker());
}
