/**
 * A streaming client of GET /api/events for the integration tests, as EventSource would be
 * (raw http: every header is ours): the frames as they came, and waiting for one that matches.
 */
import http from "node:http";
import type { ContainerEvent } from "@/lib/model/engine-events";
import type { EngineFeed } from "@/lib/model/live-messages";
import { BASE_URL } from "./api";

/** How long to wait for an event before failing with a message (a guard, not a speed goal). */
const WAIT_MS = 30_000;

export interface Received {
  type: string;
  data: string;
  /** Date.now() when the frame was read. */
  at: number;
}

/** A streaming client of GET /api/events, as EventSource would be (raw http: every header is ours). */
export class EventStream {
  readonly frames: Received[] = [];
  private waiters: (() => void)[] = [];
  private buffer = "";
  /** Resolves when the response ends: true when the server ended it properly (the last chunk arrived), false when cut. */
  ended: Promise<boolean> = new Promise(() => undefined);
  private constructor(private readonly req: http.ClientRequest) {}

  static open(url: string = BASE_URL, path = "/api/events"): Promise<{ stream: EventStream; status: number; contentType: string | undefined }> {
    const { host, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path, headers: { Host: host, Accept: "text/event-stream" }, setHost: false });
      const stream = new EventStream(req);
      req.on("response", (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => stream.read(chunk));
        stream.ended = new Promise((done) => {
          res.once("end", () => done(res.complete));
          res.once("aborted", () => done(false));
          res.once("error", () => done(false));
        });
        resolve({ stream, status: res.statusCode ?? 0, contentType: res.headers["content-type"] });
      });
      req.on("error", reject);
      req.end();
    });
  }

  private read(chunk: string) {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf("\n\n"); end !== -1; end = this.buffer.indexOf("\n\n")) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let type = "message";
      const data: string[] = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event: ")) type = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length > 0) this.frames.push({ type, data: data.join("\n"), at: Date.now() });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The first frame (from `from` on) that matches, waiting for it if need be. */
  async next<T>(what: string, match: (f: Received) => T | undefined, from = 0): Promise<{ value: T; frame: Received; index: number }> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      for (let i = from; i < this.frames.length; i++) {
        const value = match(this.frames[i]!);
        if (value !== undefined) return { value, frame: this.frames[i]!, index: i };
      }
      if (Date.now() > deadline) throw new Error(`no ${what} on /api/events within ${WAIT_MS / 1000} s`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  containerEvent(id: string, action: ContainerEvent["action"], from = 0) {
    return this.next(`${action} event of ${id.slice(0, 12)}`, (f) => {
      if (f.type !== "container") return undefined;
      const e = JSON.parse(f.data) as ContainerEvent;
      return e.containerId === id && e.action === action ? e : undefined;
    }, from);
  }

  feed(from = 0) {
    return this.next("feed message", (f) => (f.type === "feed" ? (JSON.parse(f.data) as { feed: EngineFeed; subscribers: number }) : undefined), from);
  }

  close() {
    this.req.destroy();
  }
}

