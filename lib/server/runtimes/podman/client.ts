import "server-only";
import http from "node:http";
import path from "node:path";
import type { Readable } from "node:stream";
import { NdjsonSplitter } from "@/lib/model/ndjson";

/**
 * A thin client of Podman's libpod REST API over its unix socket (node:http with
 * socketPath). Every call has a deadline; bodies are JSON. Answers are handed back as
 * `unknown` JSON: lib/model/podman-facts.ts reshapes them, nothing else reads them.
 *
 * Errors: a node socket error keeps its `code` (ENOENT, EACCES, ECONNREFUSED, …); a call
 * past its deadline throws a TimeoutError; an HTTP status ≥ 400 throws a LibpodHttpError
 * with the status and libpod's own message (`{"cause","message","response"}`).
 */

/** The API version in every path: 4.0.0 is the oldest Podman 4 answers (MinAPIVersion). */
export const LIBPOD_PREFIX = "/v4.0.0/libpod";

/** The socket to ask: CONTAINER_HOST (unix://…) as Podman's own clients take it, else rootful or rootless default. */
export function podmanSocketPath(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  const host = env.CONTAINER_HOST;
  if (host) {
    if (!host.startsWith("unix://")) throw new Error(`CONTAINER_HOST=${host} is not a unix:// socket: Pod Anatomy speaks to Podman over a unix socket.`);
    return host.slice("unix://".length);
  }
  if (uid === 0) return "/run/podman/podman.sock";
  return path.join(env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`, "podman", "podman.sock");
}

export class LibpodHttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "LibpodHttpError";
  }
}

export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

export interface CallOptions {
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  timeoutMs: number;
}

/** Deadlines: the version and ping are quick; listing and creating a few seconds; a pod's start waits for its init containers. */
export const TIMEOUTS = { ping: 1500, list: 5000, create: 10_000, start: 150_000, remove: 30_000, load: 120_000 } as const;

function queryString(query: CallOptions["query"]): string {
  if (!query) return "";
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

function libpodMessage(status: number, text: string): string {
  try {
    const j = JSON.parse(text) as { message?: string; cause?: string; Errs?: string[] | null };
    if (j && typeof j.message === "string") return j.message;
    // A pod's start or stop answers {"Errs": [one per container], "Id"} (HTTP 409).
    if (j && Array.isArray(j.Errs) && j.Errs.length > 0) return j.Errs.join("; ");
  } catch {
    /* not JSON: a plain-text answer (a Docker engine's "page not found", Go's "Not Found") */
  }
  return text.trim().slice(0, 300) || `HTTP ${status}`;
}

export class LibpodClient {
  constructor(readonly socketPath: string = podmanSocketPath()) {}

  /** One request; resolves with status and body text; rejects on socket errors and past the deadline. */
  private send(
    method: string,
    urlPath: string,
    opts: { timeoutMs: number; body?: string | Readable; contentType?: string; signal?: AbortSignal },
  ): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Host: "d" };
      if (opts.body !== undefined) headers["Content-Type"] = opts.contentType ?? "application/json";
      const req = http.request({ socketPath: this.socketPath, method, path: urlPath, headers, signal: opts.signal });
      const timer = setTimeout(() => {
        req.destroy(new TimeoutError(`${method} ${urlPath} got no answer within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.on("response", (res) => {
        res.setEncoding("utf8");
        let text = "";
        res.on("data", (c: string) => {
          if (text.length < 16 * 1024 * 1024) text += c;
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text, headers: res.headers });
        });
        res.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      if (typeof opts.body === "string") req.end(opts.body);
      else if (opts.body) opts.body.pipe(req);
      else req.end();
    });
  }

  /** A libpod call answering JSON (or nothing): the parsed body; a LibpodHttpError for status ≥ 400. */
  async call(method: string, apiPath: string, opts: CallOptions): Promise<unknown> {
    const urlPath = `${LIBPOD_PREFIX}${apiPath}${queryString(opts.query)}`;
    const { status, text } = await this.send(method, urlPath, {
      timeoutMs: opts.timeoutMs,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (status >= 400) throw new LibpodHttpError(status, apiPath, libpodMessage(status, text));
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // _ping answers "OK"; image load and a few others answer plain text.
      return text;
    }
  }

  get(apiPath: string, opts: Omit<CallOptions, "body"> = { timeoutMs: TIMEOUTS.list }): Promise<unknown> {
    return this.call("GET", apiPath, opts);
  }

  post(apiPath: string, body: unknown, opts: Omit<CallOptions, "body"> = { timeoutMs: TIMEOUTS.create }): Promise<unknown> {
    return this.call("POST", apiPath, { ...opts, body });
  }

  /**
   * _ping: "OK" from a libpod service, with its versions in the headers (Libpod-Api-Version,
   * Server: Libpod/4.3.1). Quick, unlike /version (1.5 s measured: it runs conmon and runc
   * to ask theirs). A Docker engine at that path answers 404 (no /libpod endpoints).
   */
  async ping(): Promise<Record<string, string>> {
    const urlPath = `${LIBPOD_PREFIX}/_ping`;
    const { status, text, headers } = await this.send("GET", urlPath, { timeoutMs: TIMEOUTS.ping });
    if (status >= 400) throw new LibpodHttpError(status, "/_ping", libpodMessage(status, text));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (typeof v === "string") out[k.toLowerCase()] = v;
    return out;
  }

  /** /version: slow (see ping), so with the deadline of a list. */
  version(): Promise<unknown> {
    return this.get("/version", { timeoutMs: TIMEOUTS.list });
  }

  /** POST a stream (an image archive) with a deadline for the whole upload and answer. */
  async postStream(apiPath: string, body: Readable, contentType: string, timeoutMs: number): Promise<unknown> {
    const { status, text } = await this.send("POST", `${LIBPOD_PREFIX}${apiPath}`, { timeoutMs, body, contentType });
    if (status >= 400) throw new LibpodHttpError(status, apiPath, libpodMessage(status, text));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  /**
   * Open the event stream (newline-delimited JSON): resolves once the service answered (the
   * connection has a deadline, the stream none), with its lines as sent (the exact digits of
   * timeNano are in them); they end when the service closes the stream or `signal` aborts.
   */
  async openEventLines(filters: Record<string, string[]>, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const urlPath = `${LIBPOD_PREFIX}/events${queryString({ stream: true, filters: JSON.stringify(filters) })}`;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ socketPath: this.socketPath, method: "GET", path: urlPath, headers: { Host: "d" }, signal });
      const timer = setTimeout(() => req.destroy(new TimeoutError(`GET ${urlPath} got no answer within ${TIMEOUTS.ping} ms`)), TIMEOUTS.ping);
      req.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.on("response", (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      req.end();
    });
    if ((res.statusCode ?? 0) >= 400) {
      res.resume();
      throw new LibpodHttpError(res.statusCode ?? 0, "/events", `the event stream answered HTTP ${res.statusCode}`);
    }
    res.setEncoding("utf8");
    async function* lines(): AsyncGenerator<string> {
      const splitter = new NdjsonSplitter();
      try {
        for await (const chunk of res as AsyncIterable<string>) {
          for (const line of splitter.push(chunk).lines) yield line;
        }
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      } finally {
        res.destroy();
      }
    }
    return lines();
  }

  /** The stream's lines parsed (a malformed line is skipped). */
  async openEvents(filters: Record<string, string[]>, signal: AbortSignal): Promise<AsyncIterable<unknown>> {
    const lines = await this.openEventLines(filters, signal);
    return (async function* () {
      for await (const line of lines) {
        try {
          yield JSON.parse(line) as unknown;
        } catch {
          /* a malformed line is skipped */
        }
      }
    })();
  }

  /**
   * Start an exec instance created with AttachStdout/AttachStderr and collect its output:
   * the Docker-style multiplexed stream (8-byte headers: stream, 0, 0, 0, size as uint32 BE),
   * each of stdout and stderr bounded by `maxBytes`. Resolves timedOut when past `timeoutMs`.
   */
  execStart(execId: string, opts: { timeoutMs: number; maxBytes: number }): Promise<{ stdout: string; stderr: string; truncated: boolean; timedOut: boolean }> {
    const urlPath = `${LIBPOD_PREFIX}/exec/${encodeURIComponent(execId)}/start`;
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outLen = 0;
      let errLen = 0;
      let truncated = false;
      let pending = Buffer.alloc(0);
      let settled = false;
      const finish = (timedOut: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), truncated, timedOut });
      };
      const req = http.request({ socketPath: this.socketPath, method: "POST", path: urlPath, headers: { Host: "d", "Content-Type": "application/json" } });
      const timer = setTimeout(() => {
        finish(true);
        req.destroy();
      }, opts.timeoutMs);
      req.on("error", (e) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      });
      req.on("response", (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            reject(new LibpodHttpError(res.statusCode ?? 0, "/exec/start", libpodMessage(res.statusCode ?? 0, text)));
          });
          return;
        }
        const keep = (target: Buffer[], len: number, data: Buffer): number => {
          const room = opts.maxBytes - len;
          if (room <= 0) {
            if (data.length > 0) truncated = true;
            return len;
          }
          if (data.length > room) truncated = true;
          target.push(data.subarray(0, room));
          return len + Math.min(room, data.length);
        };
        res.on("data", (chunk: Buffer) => {
          pending = Buffer.concat([pending, chunk]);
          while (pending.length >= 8) {
            const size = pending.readUInt32BE(4);
            if (pending.length < 8 + size) break;
            const stream = pending[0];
            const data = pending.subarray(8, 8 + size);
            if (stream === 2) errLen = keep(err, errLen, data);
            else outLen = keep(out, outLen, data);
            pending = pending.subarray(8 + size);
          }
        });
        res.on("end", () => finish(false));
        res.on("error", () => finish(false));
      });
      req.end(JSON.stringify({ Detach: false, Tty: false }));
    });
  }
}
