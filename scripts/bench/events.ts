/**
 * Event-to-browser delay: from `docker start` on the command line to the change arriving at
 * a client of the server — over server-sent events (GET /api/events) when the server has
 * them, else by polling GET /api/snapshot every 100 ms (what a page without an event stream
 * must do).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { rawRequest } from "@/test/support/api";
import { PORT } from "./config";
import { docker, sleep, timeCommand } from "./exec";

export type EventMode = "sse" | "polling";

/** The change did not reach the client in time (the trial is counted as missed). */
export class NotSeenError extends Error {}

const HOST = `localhost:${PORT}`;

interface SseClient {
  /** Resolves with the arrival time (performance.now) of the first message after now that matches. */
  next(match: (data: string) => boolean, timeoutMs: number): Promise<number>;
  close(): void;
}

/** Connect to GET /api/events; null when the server has no event stream. */
export function connectSse(): Promise<SseClient | null> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: "127.0.0.1", port: PORT, path: "/api/events", headers: { Host: HOST, Accept: "text/event-stream" }, setHost: false },
      (res) => {
        if (res.statusCode !== 200 || !String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
          res.resume();
          req.destroy();
          resolve(null);
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        const waiters = new Set<(data: string, at: number) => void>();
        res.on("data", (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          const blocks = buffer.split(/\r?\n\r?\n/);
          buffer = blocks.pop() ?? "";
          for (const block of blocks) {
            const data = block
              .split(/\r?\n/)
              .filter((l) => l.startsWith("data:"))
              .map((l) => l.slice(5).trimStart())
              .join("\n");
            if (data !== "") for (const w of [...waiters]) w(data, at);
          }
        });
        resolve({
          next(match, timeoutMs) {
            return new Promise((ok, fail) => {
              const waiter = (data: string, at: number) => {
                if (!match(data)) return;
                waiters.delete(waiter);
                clearTimeout(timer);
                ok(at);
              };
              const timer = setTimeout(() => {
                waiters.delete(waiter);
                fail(new NotSeenError(`no event within ${timeoutMs} ms`));
              }, timeoutMs);
              waiters.add(waiter);
            });
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Whether a snapshot-shaped JSON text shows the container running; null when it is not snapshot-shaped. */
function showsRunning(text: string, id: string): boolean | null {
  const containers = (parseJson(text) as { containers?: unknown } | null)?.containers;
  if (!Array.isArray(containers)) return null;
  return containers.some((c: { id?: string; state?: string }) => c.id === id && c.state === "running");
}

/**
 * Whether an event's data tells that the container started: a whole snapshot must show it
 * running; an event with an `action` must be its "start"; anything else must name it.
 */
function tellsStarted(data: string, id: string, name: string): boolean {
  const running = showsRunning(data, id);
  if (running !== null) return running;
  const named = data.includes(id) || data.includes(id.slice(0, 12)) || data.includes(name);
  const action = (parseJson(data) as { action?: unknown } | null)?.action;
  return named && (typeof action !== "string" || action === "start");
}

/** Poll GET /api/snapshot every `everyMs` until the container is running; the arrival time of that answer. */
async function pollUntilRunning(id: string, timeoutMs: number, everyMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const sent = performance.now();
    const res = await rawRequest("GET", "/api/snapshot", { Host: HOST });
    const at = performance.now();
    if (showsRunning(res.body, id)) return at;
    if (at > deadline) throw new NotSeenError(`container not shown running within ${timeoutMs} ms`);
    await sleep(Math.max(0, sent + everyMs - performance.now()));
  }
}

export interface EventTrial {
  /** From issuing `docker start` to the change arriving at the client. */
  fromIssueMs: number;
  /**
   * From `docker start` returning (the terminal shows the container started; the engine has
   * sent its start event) to the change arriving: how far the client lags the terminal.
   */
  lagMs: number;
  /** How long `docker start` itself took (the engine starting the container). */
  dockerStartMs: number;
  /**
   * From `docker start` returning to a GET /api/snapshot showing it running, fetched as soon
   * as the change arrived (what a page that refetches on events can draw); = lagMs when polling.
   */
  visibleLagMs: number;
}

/**
 * One trial: `docker create` a container (from `createArgs`), let things settle, then time
 * `docker start` → arrival at the client.
 */
export async function eventTrial(mode: EventMode, sse: SseClient | null, createArgs: string[], name: string): Promise<EventTrial> {
  const id = (await docker(["create", ...createArgs])).trim();
  await sleep(500); // the create event must not be taken for the start
  const t0 = performance.now();
  const arrival = mode === "sse" ? sse!.next((data) => tellsStarted(data, id, name), 10_000) : pollUntilRunning(id, 10_000, 100);
  const [dockerStartMs, at] = await Promise.all([timeCommand("docker", ["start", name]), arrival]);
  const visibleAt = mode === "sse" ? await pollUntilRunning(id, 10_000, 0) : at;
  const returned = t0 + dockerStartMs;
  return { fromIssueMs: at - t0, lagMs: at - returned, dockerStartMs, visibleLagMs: visibleAt - returned };
}
