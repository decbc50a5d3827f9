/**
 * A bounded load test of a running Pod Anatomy server, on loopback only:
 *
 *   npm run load -- [--url http://localhost:3000] [--clients 50] [--seconds 60] [--pid PID]
 *
 * CLIENTS clients each GET /api/snapshot back to back for SECONDS seconds; when the server
 * has an event stream (/api/events answers text/event-stream), as many clients again hold
 * it open for the whole run. Reports requests, errors (any non-200, network error or early
 * end of a stream; the exit status is 1 when there is one), latency p50/p95/p99/max, and the
 * server's resident memory (VmRSS from /proc/PID/status) at start, at its peak and at the end.
 * The server's PID is found from its listening port unless --pid is given.
 */
import fs from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";
import { pidsListeningOn } from "./proc-net";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.POD_ANATOMY_URL ?? "http://localhost:3000" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    pid: { type: "string" },
  },
});

const url = new URL(values.url);
const clients = Number(values.clients);
const seconds = Number(values.seconds);
if (!["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
  console.error(`refusing ${url.href}: the load test runs against loopback only`);
  process.exit(2);
}
if (!Number.isInteger(clients) || clients < 1 || clients > 500 || !(seconds > 0 && seconds <= 600)) {
  console.error("--clients must be 1-500 and --seconds 1-600");
  process.exit(2);
}
const port = Number(url.port || 80);
const pid = values.pid ? Number(values.pid) : pidsListeningOn(port)[0];
if (!pid) {
  console.error(`no process found listening on port ${port}; pass --pid`);
  process.exit(2);
}

function rssKiB(): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: clients * 2 });
const headers = { Host: url.host };

/** One GET; resolves with the status and body length, rejects on a network error. */
function get(path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, headers, agent, setHost: false }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
  });
}

/** Is there an event stream? (Another issue adds it; until then only the snapshot is loaded.) */
function probeEvents(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/api/events", headers: { ...headers, Accept: "text/event-stream" }, setHost: false }, (res) => {
      const ok = res.statusCode === 200 && /text\/event-stream/.test(String(res.headers["content-type"]));
      req.destroy();
      resolve(ok);
    });
    req.on("error", () => resolve(false));
  });
}

const errors: string[] = [];
const latencies: number[] = [];
let bytes = 0;
let events = 0;

async function snapshotClient(deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    const t = performance.now();
    try {
      const res = await get("/api/snapshot");
      if (res.status !== 200) errors.push(`GET /api/snapshot: HTTP ${res.status}`);
      latencies.push(performance.now() - t);
      bytes += res.bytes;
    } catch (err) {
      errors.push(`GET /api/snapshot: ${(err as Error).message}`);
    }
  }
}

/** Hold the event stream open until the deadline; an early end is an error. */
function eventClient(deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/api/events", headers: { ...headers, Accept: "text/event-stream" }, setHost: false }, (res) => {
      if (res.statusCode !== 200) {
        errors.push(`GET /api/events: HTTP ${res.statusCode}`);
        res.resume();
        return resolve();
      }
      res.setEncoding("utf8");
      res.on("data", (c: string) => (events += c.split("\n\n").length - 1));
      res.on("error", () => undefined); // our own destroy at the deadline; an early end is counted on close
      res.on("close", () => {
        if (performance.now() < deadline) errors.push("GET /api/events: the stream ended early");
        resolve();
      });
    });
    req.on("error", (err) => {
      if (performance.now() < deadline) errors.push(`GET /api/events: ${err.message}`);
      resolve();
    });
    setTimeout(() => req.destroy(), Math.max(0, deadline - performance.now())).unref();
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

async function main() {
  const withEvents = await probeEvents();
  const rssStart = rssKiB();
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB())), 1_000);
  console.log(
    `load: ${clients} clients of GET /api/snapshot${withEvents ? ` and ${clients} of GET /api/events` : ""} for ${seconds} s against ${url.origin} (server PID ${pid})`,
  );
  if (!withEvents) console.log("load: no event stream at /api/events (404): loading the snapshot API only");
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  await Promise.all([
    ...Array.from({ length: clients }, () => snapshotClient(deadline)),
    ...(withEvents ? Array.from({ length: clients }, () => eventClient(deadline)) : []),
  ]);
  const elapsed = (performance.now() - started) / 1_000;
  clearInterval(sampler);
  agent.destroy();
  const rssEnd = rssKiB();
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(`requests:   ${latencies.length} in ${elapsed.toFixed(1)} s (${(latencies.length / elapsed).toFixed(1)}/s, ${fmt(bytes / 1024)} received)`);
  console.log(`errors:     ${errors.length}`);
  console.log(`latency:    p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? NaN)}`);
  if (withEvents) console.log(`events:     ${events} received on ${clients} streams`);
  console.log(`server RSS: start ${fmt(rssStart)}, peak ${fmt(rssPeak)}, end ${fmt(rssEnd)}`);
  for (const e of [...new Set(errors)].slice(0, 10)) console.log(`  error: ${e}`);
  process.exitCode = errors.length === 0 ? 0 : 1;
}

void main();
