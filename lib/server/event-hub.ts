import "server-only";
import { backoffDelay, type Backoff } from "@/lib/model/backoff";
import { EventCursor, type ContainerEvent } from "@/lib/model/engine-events";
import { EventHistory } from "@/lib/model/event-history";
import type { EngineFeed, LiveMessage } from "@/lib/model/live-messages";
import { manualSignalHandling } from "./config";
import { getDockerClient, type DockerClient } from "./docker";
import { explainEngineError } from "./engine-errors";
import { processSingleton } from "./singleton";

/**
 * The server's one follower of the Docker engine's `/events` stream, shared by every
 * browser that listens (GET /api/events). It starts with the first subscriber and then keeps
 * following: the history it gathers tells the pods' timelines.
 *
 *   - It asks the engine first for every event the engine still buffers (its last 256), so a
 *     pod made shortly before the server started still has its story.
 *   - When the stream breaks (the engine restarted or went away), it reconnects with backoff
 *     and resumes with `since`, so nothing that happened meanwhile is missed; the cursor
 *     drops what the engine replays twice.
 *   - On `create` it reads the new container's modes (one bounded inspect): once it is
 *     removed, they tell which pod it had joined.
 */

/** `since` of the very first request: 1970-01-01T00:00:01Z, i.e. everything the engine still buffers. */
const REPLAY_ALL = "1000000000";

/** Reconnecting to the engine: 0.5 s, 1 s, 2 s, … at most 30 s. */
const ENGINE_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** One open stream to a browser: its messages, and how to end it when the server shuts down. */
export interface Subscriber {
  message(message: LiveMessage): void;
  end(): void;
}

export class EventHub {
  readonly history = new EventHistory();
  private readonly cursor = new EventCursor();
  private readonly listeners = new Set<Subscriber>();
  private readonly stop = new AbortController();
  private feed: EngineFeed = { state: "connecting" };
  private running = false;
  /** Lines of the engine stream that could not be used, since start. */
  dropped = 0;

  constructor(
    private readonly docker: Pick<DockerClient, "endpoint" | "events" | "inspectContainer">,
    private readonly backoff: Backoff = ENGINE_BACKOFF,
  ) {}

  /** Listen to container events and feed changes; returns the unsubscribe function. Starts following. */
  subscribe(subscriber: Subscriber): () => void {
    if (this.stop.signal.aborted) {
      subscriber.end();
      return () => undefined;
    }
    this.listeners.add(subscriber);
    this.start();
    this.deliver(subscriber, { type: "feed", feed: this.feed, subscribers: this.listeners.size });
    return () => {
      this.listeners.delete(subscriber);
    };
  }

  /** True once shutdown() has run: the server is exiting. */
  get isShutDown(): boolean {
    return this.stop.signal.aborted;
  }

  /** Start following the engine (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.follow();
  }

  /** Stop following for good and end every subscriber's stream (server shutdown; tests). */
  shutdown(): void {
    this.stop.abort();
    const ending = [...this.listeners];
    this.listeners.clear();
    for (const subscriber of ending) subscriber.end();
  }

  private async follow(): Promise<void> {
    const signal = this.stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      let reason = "the engine closed the event stream";
      try {
        for await (const item of this.docker.events({ since: this.cursor.resumeFrom() ?? REPLAY_ALL, signal })) {
          if (item.kind === "connected") {
            failures = 0;
            this.setFeed({ state: "following" });
          } else if (item.kind === "dropped") {
            this.dropped += item.count;
            console.warn(`pod-anatomy: dropped ${item.count} line(s) of the engine's event stream: ${item.reason} (${this.dropped} in all)`);
          } else if (this.cursor.accept(item.event)) {
            this.receive(item.event);
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        reason = explainEngineError(err, this.docker.endpoint).message;
      }
      if (signal.aborted) break;
      failures++;
      const retryInMs = backoffDelay(failures, this.backoff);
      this.setFeed({ state: "reconnecting", failures, retryInMs, reason });
      await sleep(retryInMs, signal);
    }
  }

  private receive(event: ContainerEvent): void {
    this.history.add(event);
    if (event.action === "create") {
      // Read its modes while it exists; a container already gone keeps none.
      this.docker.inspectContainer(event.containerId).then(
        (facts) => facts && this.history.setModes(event.containerId, { network: facts.networkMode, ipc: facts.ipcMode, pid: facts.pidMode }),
        () => undefined,
      );
    }
    this.broadcast({ type: "container", event });
  }

  private setFeed(feed: EngineFeed): void {
    this.feed = feed;
    this.broadcast({ type: "feed", feed, subscribers: this.listeners.size });
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

/** The one hub of this server process (kept on globalThis so every route bundle shares it). */
export function getEventHub(): EventHub {
  return processSingleton("__podAnatomyEventHub", () => {
    const hub = new EventHub(getDockerClient());
    // On SIGINT/SIGTERM `next start` stops listening and waits for every open response to
    // end; an event stream never would. End them, so the server can exit (unless the app
    // handles signals itself: NEXT_MANUAL_SIG_HANDLE).
    if (!manualSignalHandling()) {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => hub.shutdown());
    }
    return hub;
  });
}
