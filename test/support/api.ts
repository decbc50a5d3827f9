/**
 * Talking to the running Pod Anatomy server from tests, as a browser on its page would
 * (or as an attacker would: every header can be forged here).
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import type { Snapshot } from "@/lib/model/types";

export const BASE_URL = process.env.POD_ANATOMY_URL ?? "http://localhost:3999";
const base = new URL(BASE_URL);

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request with exactly the headers given (Host included); to another server of the tests when `baseUrl` is given. */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  baseUrl: string = BASE_URL,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: new URL(baseUrl).port, method, path, headers, setHost: false },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (data += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      },
    );
    req.on("error", reject);
    req.setTimeout(180_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The launch token, read from the page the way the browser gets it. */
export async function fetchToken(baseUrl: string = BASE_URL): Promise<string> {
  const res = await rawRequest("GET", "/", { Host: new URL(baseUrl).host }, undefined, baseUrl);
  const m = /<meta name="pod-anatomy-token" content="([0-9a-f]+)"/.exec(res.body);
  if (!m) throw new Error(`no launch token in the page (HTTP ${res.status})`);
  return m[1]!;
}

/** Headers of a legitimate same-origin request from the app's page. */
export function pageHeaders(token: string, baseUrl: string = BASE_URL): Record<string, string> {
  const host = new URL(baseUrl).host;
  return {
    Host: host,
    Origin: `http://${host}`,
    "Sec-Fetch-Site": "same-origin",
    "x-pod-anatomy-token": token,
    "Content-Type": "application/json",
  };
}

export async function getSnapshot(): Promise<Snapshot> {
  const res = await rawRequest("GET", "/api/snapshot", { Host: base.host });
  if (res.status !== 200) throw new Error(`GET /api/snapshot: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Snapshot;
}

export async function createDemoPod(token: string): Promise<RawResponse> {
  return rawRequest("POST", "/api/pods", pageHeaders(token), JSON.stringify({ sample: "ghost-behind-nginx" }));
}

export async function deletePod(token: string, name: string): Promise<RawResponse> {
  return rawRequest("DELETE", `/api/pods/${name}`, pageHeaders(token));
}

/** `docker ps -aq --filter label=…` through the docker CLI: an independent witness. */
export function dockerIdsWithLabel(label: string): string[] {
  const out = execFileSync("docker", ["ps", "-aq", "--no-trunc", "--filter", `label=${label}`], { encoding: "utf8" });
  return out.split("\n").filter(Boolean);
}

/** Remove, by label, every container a test run created (also when the test failed). */
export function removeByLabel(label: string): void {
  const ids = dockerIdsWithLabel(label);
  if (ids.length > 0) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
}

/** GET `url` every 0.5 s for up to `seconds` until it answers 2xx and `ok` accepts the body; the last answer or error otherwise. */
export async function getUntil(url: string, ok: (body: string) => boolean, seconds: number): Promise<string> {
  let last = "";
  for (let i = 0; i < seconds * 2; i++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
      if (res.ok && ok(last)) return last;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} never answered as expected; last: ${last}`);
}

/** Ask `probe` every `everyMs` until it gives something (not undefined); fails after `seconds`, saying what did not happen and the last error. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, { seconds = 30, everyMs = 250 } = {}): Promise<T> {
  let last: unknown;
  for (let i = 0; i < (seconds * 1000) / everyMs; i++) {
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what} did not happen within ${seconds} s${last ? `: ${String(last)}` : ""}`);
}
