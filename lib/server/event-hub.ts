import "server-only";
import { backoffDelay, type Backoff } from "@/lib/model/backoff";
import { EventHistory } from "@/lib/model/event-history";
import type { EngineFeed, LiveMessage } from "@/lib/model/live-messages";
import { manualSignalHandling } from "./config";
import { getRuntimeRegistry } from "./runtimes/registry";
import type { RuntimeAdapter, RuntimeChange } from "./runtimes/runtime";
import { processSingleton } from "./singleton";

/**
 * The server's one follower of every runtime's changes, shared by every browser that
 * listens (GET /api/events). It starts with the first subscriber and then keeps following:
 * the history it gathers tells the pods' timelines.
 *
 *   - One follower per runtime adapter (lib/server/runtimes/): Docker's event stream, the
 *     CRI's bounded poll, Podman's event stream. Runtimes that appear later (a containerd
 *     started after the server) are followed from the next `sync()`; one runtime down never
 *     stops the others.
 *   - When a runtime's feed breaks, it reconnects with backoff; the adapter resumes where
 *     it was (Docker: `since`, the replayed events dropped by its cursor).
 *   - A change that carries a ContainerEvent goes into the history: Docker's and Podman's
 *     own events, and those the CRI's poll synthesizes from the CRI's times. On `create` the
 *     new container's modes are read (one bounded inspect, or PodSandboxStatus): once it is
 *     removed, they tell which pod it had joined.
 */

/** Reconnecting to a runtime: 0.5 s, 1 s, 2 s, … at most 30 s. */
const ENGINE_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** One open stream to a browser: its messages, and how to end it when the server shuts down. */
export interface Subscriber {
  message(message: LiveMessage): void;
  end(): void;
}

interface Follower {
  runtime: RuntimeAdapter;
  feed: EngineFeed;
  stop: AbortController;
}

export class EventHub {
  readonly history = new EventHistory();
  private readonly listeners = new Set<Subscriber>();
  private readonly stop = new AbortController();
  private readonly followers = new Map<string, Follower>();
  private running = false;
  /** Lines of the runtimes' event streams that could not be used, since start. */
  dropped = 0;

  constructor(
    /** The runtimes to follow, asked again at each sync(). */
    private readonly runtimes: () => readonly RuntimeAdapter[],
    private readonly backoff: Backoff = ENGINE_BACKOFF,
  ) {}

  /** Listen to container changes and feed states; returns the unsubscribe function. Starts following. */
  subscribe(subscriber: Subscriber): () => void {
    if (this.stop.signal.aborted) {
      subscriber.end();
      return () => undefined;
    }
    this.listeners.add(subscriber);
    this.start();
    for (const f of this.followers.values()) this.deliver(subscriber, this.feedMessage(f));
    return () => {
      this.listeners.delete(subscriber);
    };
  }

  /** True once shutdown() has run: the server is exiting. */
  get isShutDown(): boolean {
    return this.stop.signal.aborted;
  }

  /** True while every runtime's changes are followed: then nothing can change unseen. */
  get allFollowing(): boolean {
    return this.followers.size > 0 && [...this.followers.values()].every((f) => f.feed.state === "following");
  }

  /** Start following (idempotent), and follow the runtimes found since. */
  start(): void {
    this.running = true;
    this.sync();
  }

  /** Follow every runtime the registry lists now; stop following those it no longer lists. */
  sync(): void {
    if (!this.running || this.stop.signal.aborted) return;
    const current = this.runtimes();
    const ids = new Set(current.map((r) => r.id));
    for (const [id, f] of this.followers) {
      if (!ids.has(id)) {
        f.stop.abort();
        this.followers.delete(id);
      }
    }
    for (const runtime of current) {
      if (this.followers.has(runtime.id)) continue;
      const f: Follower = { runtime, feed: { state: "connecting" }, stop: new AbortController() };
      this.followers.set(runtime.id, f);
      void this.follow(f);
    }
  }

  /** Stop following for good and end every subscriber's stream (server shutdown; tests). */
  shutdown(): void {
    this.stop.abort();
    for (const f of this.followers.values()) f.stop.abort();
    const ending = [...this.listeners];
    this.listeners.clear();
    for (const subscriber of ending) subscriber.end();
  }

  private async follow(f: Follower): Promise<void> {
    const signal = AbortSignal.any([this.stop.signal, f.stop.signal]);
    let failures = 0;
    while (!signal.aborted) {
      let reason = `${f.runtime.endpoint} closed the stream of changes`;
      try {
        for await (const item of f.runtime.changes(signal)) {
          if (item.kind === "connected") {
            failures = 0;
            this.setFeed(f, { state: "following" });
          } else if (item.kind === "dropped") {
            this.dropped += item.count;
            console.warn(`pod-anatomy: dropped ${item.count} line(s) of ${f.runtime.id}'s event stream: ${item.reason} (${this.dropped} in all)`);
          } else {
            this.receive(f.runtime, item);
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        reason = f.runtime.explain(err).message;
      }
      if (signal.aborted) break;
      failures++;
      const retryInMs = backoffDelay(failures, this.backoff);
      this.setFeed(f, { state: "reconnecting", failures, retryInMs, reason });
      await sleep(retryInMs, signal);
    }
  }

  private receive(runtime: RuntimeAdapter, change: Extract<RuntimeChange, { kind: "changed" }>): void {
    const events = change.events ?? [];
    if (events.length === 0) {
      this.broadcast({ type: "runtime", runtime: runtime.id, containerId: change.containerId, action: change.action });
      return;
    }
    for (const event of events) {
      this.history.add(event);
      if (event.action === "create" && runtime.joinModes) {
        // Read its modes while it exists; a container already gone keeps none.
        runtime.joinModes(event.containerId).then(
          (modes) => modes && this.history.setModes(event.containerId, modes),
          () => undefined,
        );
      }
      this.broadcast({ type: "container", event });
    }
  }

  /** Send every subscriber a message that does not come from a runtime (a snapshot's delta: snapshot.ts). */
  publish(message: LiveMessage): void {
    this.broadcast(message);
  }

  private feedMessage(f: Follower): LiveMessage {
    return { type: "feed", runtime: f.runtime.id, feed: f.feed, subscribers: this.listeners.size };
  }

  private setFeed(f: Follower, feed: EngineFeed): void {
    f.feed = feed;
    this.broadcast(this.feedMessage(f));
  }

  private broadcast(message: LiveMessage): void {
    for (const subscriber of this.listeners) this.deliver(subscriber, message);
  }

  private deliver(subscriber: Subscriber, message: LiveMessage): void {
    try {
      subscriber.message(message);
    } catch (err) {
      // One broken subscriber must not stop the others.
      console.warn("pod-anatomy: an event subscriber failed:", err);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The one hub of this server process (a process singleton: every route bundle shares it). */
export function getEventHub(): EventHub {
  return processSingleton("__podAnatomyEventHub", () => {
    const hub = new EventHub(() => getRuntimeRegistry().list());
    // On SIGINT/SIGTERM `next start` stops listening and waits for every open response to
    // end; an event stream never would. End them, so the server can exit (unless the app
    // handles signals itself: NEXT_MANUAL_SIG_HANDLE).
    if (!manualSignalHandling()) {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => hub.shutdown());
    }
    return hub;
  });
}
