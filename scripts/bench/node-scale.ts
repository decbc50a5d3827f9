/**
 * The bench at node scale (issue 15, part 4): what an open page pays for a container event
 * (deltas on GET /api/events against the full snapshot), the browser (arrival of a snapshot
 * or delta → the painted frame showing it; pan and zoom frame rate), and the soak (open
 * pages, a container started or removed every 2 s, the server's memory and streams).
 */
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { parseLiveMessage } from "@/lib/model/live-messages";
import { applyDelta, SNAPSHOT_VERSION_HEADER, type SnapshotDelta } from "@/lib/model/snapshot-delta";
import type { Snapshot } from "@/lib/model/types";
import { BASE_URL, PORT, RUN_ID } from "./config";
import { docker, sleep } from "./exec";
import type { DemoPlanner } from "./pods";
import { fitLinear, round, summarize, type Summary } from "./stats";

const HOST = `localhost:${PORT}`;

export interface Frame {
  type: string;
  data: string;
  /** Bytes of the whole frame on the wire (event line, data line, blank line). */
  bytes: number;
  at: number;
}

/** A client of GET /api/events that keeps every frame with its type and size, and tells when the stream ends. */
export class FrameStream {
  readonly frames: Frame[] = [];
  ended = false;
  private waiters = new Set<() => void>();
  private constructor(private readonly req: http.ClientRequest) {}

  static open(path = "/api/events"): Promise<FrameStream> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port: PORT, path, headers: { Host: HOST, Accept: "text/event-stream" }, setHost: false }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          return;
        }
        const s = new FrameStream(req);
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = "message";
            let data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event: ")) type = line.slice(7);
              else if (line.startsWith("data: ")) data += line.slice(6);
            }
            if (data !== "") s.frames.push({ type, data, bytes: Buffer.byteLength(block) + 2, at });
          }
          for (const w of [...s.waiters]) w();
        });
        const end = () => {
          s.ended = true;
          for (const w of [...s.waiters]) w();
        };
        res.on("end", end);
        res.on("aborted", end);
        res.on("error", end);
        resolve(s);
      });
      req.on("error", reject);
    });
  }

  /** The first frame from index `from` on that `match` accepts, waiting up to timeoutMs. */
  async next(match: (f: Frame) => boolean, from: number, timeoutMs: number): Promise<{ frame: Frame; index: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.frames.length; i++) if (match(this.frames[i]!)) return { frame: this.frames[i]!, index: i };
      if (this.ended) throw new Error("GET /api/events: the stream ended");
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching frame on /api/events within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          wake();
        };
        const timer = setTimeout(done, Math.min(left, 1000));
        this.waiters.add(done);
      });
    }
  }

  close(): void {
    this.req.destroy();
  }
}

async function getSnapshot(): Promise<{ snapshot: Snapshot; version: number; bytes: number }> {
  const res = await fetch(`${BASE_URL}/api/snapshot`);
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /api/snapshot: HTTP ${res.status}`);
  return { snapshot: JSON.parse(text) as Snapshot, version: Number(res.headers.get(SNAPSHOT_VERSION_HEADER)), bytes: Buffer.byteLength(text) };
}

const deltaOf = (f: Frame): SnapshotDelta | null => {
  const m = f.type === "delta" ? parseLiveMessage("delta", f.data) : null;
  return m?.type === "delta" ? m.delta : null;
};

export interface DeltaResult {
  /** GET /api/snapshot at the time, bytes. */
  snapshotBytes: number;
  /** Per container event (start or removal): bytes of the deltas from the command to the one showing it. */
  perEvent: Summary;
  perEventSamples: number[];
  /** The same as a share of the full snapshot, %. */
  perEventPercent: Summary;
  /** Deltas of the usage refresh (nothing started or removed), bytes. */
  usageRefresh: Summary;
  /** From the docker command returning to the delta showing the change, ms. */
  lag: Summary;
  /** Page fell behind: refetches a page would have made (a gap in the chain). */
  gaps: number;
}

/**
 * Container events at the current scale, as an open page sees them: the page's snapshot, then
 * the chain of deltas applied to it. Each trial starts a container (the sandbox of a demo pod)
 * and then removes it; for each, the bytes of every delta from the command to the one after
 * which the page shows the change.
 */
export async function measureDeltas(plan: DemoPlanner, trials: number, log: (m: string) => void): Promise<DeltaResult> {
  const stream = await FrameStream.open();
  const made: string[] = [];
  try {
    let { snapshot: held, version, bytes: snapshotBytes } = await getSnapshot();
    let index = 0;
    let gaps = 0;
    const take = async (done: (s: Snapshot) => boolean, timeoutMs: number): Promise<{ bytes: number; at: number }> => {
      let bytes = 0;
      for (;;) {
        const { frame, index: i } = await stream.next((f) => f.type === "delta" || f.type === "resync", index, timeoutMs);
        index = i + 1;
        const delta = deltaOf(frame);
        if (delta === null) throw new Error(`not a delta: ${frame.type}`);
        if (delta.to <= version) continue;
        if (delta.from !== version) {
          gaps++;
          ({ snapshot: held, version } = await getSnapshot());
          continue;
        }
        bytes += frame.bytes;
        held = applyDelta(held, delta);
        version = delta.to;
        if (done(held)) return { bytes, at: frame.at };
      }
    };
    /** Apply every delta received so far. */
    const drain = () => {
      for (; index < stream.frames.length; index++) {
        const delta = deltaOf(stream.frames[index]!);
        if (delta === null || delta.to <= version) continue;
        if (delta.from !== version) throw new Error(`a gap in the deltas: holding ${version}, got ${delta.from}→${delta.to}`);
        held = applyDelta(held, delta);
        version = delta.to;
      }
    };
    // The usage refresh alone: the deltas of about 8 s in which the bench changes nothing.
    drain();
    const quietFrom = stream.frames.length;
    await sleep(8_000);
    const usage = stream.frames.slice(quietFrom).filter((f) => f.type === "delta").map((f) => f.bytes);
    drain();
    const perEvent: number[] = [];
    const lags: number[] = [];
    for (let i = 0; i < trials; i++) {
      const { names, runs } = plan(`${RUN_ID}-dl${i}`, null);
      const name = names[0]!;
      made.push(name);
      const id = (await docker(runs[0]!)).trim();
      const ran = performance.now();
      const started = await take((s) => s.containers.some((c) => c.id === id && c.state === "running"), 20_000);
      perEvent.push(started.bytes);
      lags.push(started.at - ran);
      await docker(["rm", "-f", name]);
      const rm = performance.now();
      const removed = await take((s) => !s.containers.some((c) => c.id === id), 20_000);
      perEvent.push(removed.bytes);
      lags.push(removed.at - rm);
    }
    const snapshotNow = (await getSnapshot()).bytes;
    snapshotBytes = Math.round((snapshotBytes + snapshotNow) / 2);
    const result: DeltaResult = {
      snapshotBytes,
      perEvent: summarize(perEvent),
      perEventSamples: perEvent,
      perEventPercent: summarize(perEvent.map((b) => (100 * b) / snapshotBytes)),
      usageRefresh: summarize(usage.length ? usage : [0]),
      lag: summarize(lags),
      gaps,
    };
    log(
      `  deltas: per container event median ${result.perEvent.median} B, max ${result.perEvent.max} B ` +
        `(${result.perEventPercent.median}% / ${result.perEventPercent.max}% of the ${snapshotBytes} B snapshot); usage refresh median ${result.usageRefresh.median} B; gaps ${gaps}`,
    );
    return result;
  } finally {
    stream.close();
    if (made.length) await docker(["rm", "-f", ...made]).catch(() => "");
  }
}

// ---------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export interface BrowserResult {
  /** Arrival of a snapshot or a delta (the app's performance mark) → the animation frame after the page shows its version, ms. */
  arrivalToFrame: Summary;
  samples: number[];
  /** Versions whose arrival was marked but that the page never showed (superseded before a render, or lost). */
  unshown: number;
  /** Frames per second while wheel-zooming and dragging the element d3-zoom is attached to; null when the page has none. */
  panZoomFps: number | null;
  /** What the zoomed element was (tag and data-testid / class, for the record). */
  zoomTarget: string | null;
  viewport: { width: number; height: number };
}

/**
 * Installed in the page before its scripts: timestamps of the app's arrival marks, and of the
 * first animation frame after the dashboard root's data-snapshot-version shows each version.
 */
const PAGE_PROBE = `(() => {
  const arrived = new Map(); const painted = new Map();
  window.__paProbe = { arrived, painted };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const v = e.detail && e.detail.version;
      if (typeof v === "number" && !arrived.has(v)) arrived.set(v, e.startTime);
    }
  }).observe({ type: "mark", buffered: true });
  const seen = (el) => {
    const v = Number(el.getAttribute("data-snapshot-version"));
    if (!v || painted.has(v)) return;
    painted.set(v, -1);
    requestAnimationFrame(() => painted.set(v, performance.now()));
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes" && r.target.hasAttribute && r.target.hasAttribute("data-snapshot-version")) seen(r.target);
      for (const n of r.addedNodes || []) if (n.querySelectorAll) for (const el of [n, ...n.querySelectorAll("[data-snapshot-version]")]) if (el.hasAttribute && el.hasAttribute("data-snapshot-version")) seen(el);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-snapshot-version"] });
})();`;

/**
 * Open the dashboard in Chromium at the current scale: for `seconds`, every snapshot and delta
 * that arrives (the usage refresh every 2 s, and a container started and removed meanwhile)
 * is timed to its frame; then pan and zoom on the element d3-zoom owns, frames counted.
 */
/** Where pan and zoom are measured: the graph of every pod, the largest SVG the page draws. */
export const PAN_ZOOM_PATH = "/?view=graph";

export async function measureBrowser(plan: DemoPlanner, seconds: number, log: (m: string) => void): Promise<BrowserResult> {
  const { chromium } = await import("playwright-core");
  const viewport = { width: 1600, height: 1000 };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  openBrowsers.add(browser);
  const made: string[] = [];
  try {
    const page = await browser.newPage({ viewport });
    await page.addInitScript(PAGE_PROBE);
    await page.goto(`${BASE_URL}/`, { waitUntil: "load", timeout: 120_000 });
    await page.waitForSelector("[data-snapshot-version]", { timeout: 120_000 });
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
      if (i % 2 === 0) {
        const { names, runs } = plan(`${RUN_ID}-br${i}`, null);
        made.push(names[0]!);
        await docker(runs[0]!);
      } else {
        await docker(["rm", "-f", made.pop()!]);
      }
      await sleep(3_000);
    }
    await sleep(2_500);
    // Strings, not functions: tsx's helpers (__name) do not exist in the page.
    const probe = (await page.evaluate("({ arrived: [...window.__paProbe.arrived.entries()], painted: [...window.__paProbe.painted.entries()] })")) as {
      arrived: [number, number][];
      painted: [number, number][];
    };
    const painted = new Map(probe.painted);
    const samples: number[] = [];
    let unshown = 0;
    for (const [v, at] of probe.arrived) {
      const p = painted.get(v);
      if (p === undefined || p < 0) unshown++;
      else samples.push(p - at);
    }
    // Pan and zoom: wheel and drag over the element with d3-zoom (it keeps its transform in __zoom),
    // on the graph of every pod (at many pods "/" opens the overview, tiles without zoom).
    await page.goto(`${BASE_URL}${PAN_ZOOM_PATH}`, { waitUntil: "load", timeout: 120_000 });
    await page.waitForSelector("[data-canvas] svg", { timeout: 120_000 });
    await sleep(1_000);
    const target = await page.evaluateHandle(`[...document.querySelectorAll("*")].find((e) => "__zoom" in e) ?? null`);
    const el = target.asElement() as unknown as import("playwright-core").ElementHandle | null;
    let panZoomFps: number | null = null;
    let zoomTarget: string | null = null;
    if (el) {
      zoomTarget = (await page.evaluate(
        `(() => { const e = [...document.querySelectorAll("*")].find((x) => "__zoom" in x); return e.tagName.toLowerCase() + (e.getAttribute("aria-label") ? ' "' + e.getAttribute("aria-label") + '"' : "") + " " + Math.round(e.getBoundingClientRect().width) + "×" + Math.round(e.getBoundingClientRect().height); })()`,
      )) as string;
      await el.scrollIntoViewIfNeeded();
      const box = (await el.boundingBox())!;
      const cx = box.x + Math.min(box.width, viewport.width) / 2;
      const cy = box.y + Math.min(box.height, viewport.height - box.y) / 2;
      await page.evaluate(`(() => { window.__frames = 0; window.__counting = true; const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
      const start = performance.now();
      await page.mouse.move(cx, cy);
      for (let i = 0; i < 40; i++) await page.mouse.wheel(0, i % 20 < 10 ? -120 : 120);
      await page.mouse.down();
      for (let i = 0; i < 60; i++) await page.mouse.move(cx + 200 * Math.sin(i / 6), cy + 120 * Math.cos(i / 6));
      await page.mouse.up();
      const frames = (await page.evaluate(`(() => { window.__counting = false; return window.__frames; })()`)) as number;
      panZoomFps = round(frames / ((performance.now() - start) / 1000), 1);
    }
    const r: BrowserResult = { arrivalToFrame: summarize(samples.length ? samples : [NaN]), samples: samples.map((x) => round(x)), unshown, panZoomFps, zoomTarget, viewport };
    log(`  browser: arrival → frame median ${r.arrivalToFrame.median} ms, p95 ${r.arrivalToFrame.p95} ms (${samples.length} versions, ${unshown} never shown); pan/zoom ${panZoomFps ?? "n/a"} fps on ${zoomTarget ?? "nothing"}`);
    return r;
  } finally {
    await browser.close().catch(() => undefined);
    openBrowsers.delete(browser);
    if (made.length) await docker(["rm", "-f", ...made]).catch(() => "");
  }
}

/** Browsers open now (closed by closeBrowsers on failure or Ctrl-C). */
const openBrowsers = new Set<{ close(): Promise<void> }>();
export async function closeBrowsers(): Promise<void> {
  await Promise.all([...openBrowsers].map((b) => b.close().catch(() => undefined)));
  openBrowsers.clear();
}

// ---------------------------------------------------------------------------------------
// The soak
// ---------------------------------------------------------------------------------------

export interface SoakResult {
  seconds: number;
  pages: number;
  changes: number;
  failedChanges: number;
  /** Server RSS (the whole process group's largest process, VmRSS), MiB. */
  rssMiB: { start: number; peak: number; end: number; samples: [number, number][] };
  /** Least-squares slope of RSS over the second half, MiB per minute. */
  rssSlopeMiBPerMin: number;
  /** Streams that ended while the server ran. */
  streamsEnded: number;
  /** Deltas received per page; refetches (gaps) a page would have made. */
  deltasPerPage: number[];
  gaps: number;
}

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? round(Number(m[1]) / 1024) : NaN;
}

/**
 * `pages` open event streams (as EventSource clients) for `seconds`, while a container is
 * started or removed every 2 s (a standalone sandbox, alternately); the server's RSS sampled
 * every 5 s. Each page applies the deltas to its snapshot, refetching on a gap, as the page does.
 */
export async function soak(serverPid: () => number, plan: DemoPlanner, seconds: number, pages: number, log: (m: string) => void): Promise<SoakResult> {
  const streams = await Promise.all(Array.from({ length: pages }, () => FrameStream.open()));
  const made: string[] = [];
  const samples: [number, number][] = [];
  let changes = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    let nextSample = 0;
    for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
      const tick = performance.now();
      try {
        if (made.length === 0 || (i % 2 === 0 && made.length < 4)) {
          const { names, runs } = plan(`${RUN_ID}-soak${i}`, null);
          made.push(names[0]!);
          await docker(runs[0]!);
        } else {
          await docker(["rm", "-f", made.shift()!]);
        }
        changes++;
      } catch (err) {
        failed++;
        log(`  soak: a change failed: ${(err as Error).message.slice(0, 200)}`);
      }
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= nextSample) {
        samples.push([round(elapsed), rssMiB(serverPid())]);
        nextSample += 5;
        if (samples.length % 12 === 0) log(`  soak: ${Math.round(elapsed)} s, RSS ${samples.at(-1)![1]} MiB, ${changes} changes, streams ended ${streams.filter((s) => s.ended).length}`);
      }
      await sleep(Math.max(0, tick + 2_000 - performance.now()));
    }
  } finally {
    for (const s of streams) s.close();
    if (made.length) await docker(["rm", "-f", ...made]).catch(() => "");
  }
  const deltasPerPage = streams.map((s) => s.frames.filter((f) => f.type === "delta").length);
  let gaps = 0;
  for (const s of streams) {
    let last: number | null = null;
    for (const f of s.frames) {
      const d = deltaOf(f);
      if (!d) continue;
      if (last !== null && d.from !== last) gaps++;
      last = d.to;
    }
  }
  const ended = streams.filter((s) => s.ended).length;
  const half = samples.filter(([t]) => t >= seconds / 2);
  const fit = half.length >= 2 ? fitLinear(half.map(([t, y]) => ({ x: [t / 60], y }))) : null;
  const rss = samples.map(([, y]) => y);
  return {
    seconds,
    pages,
    changes,
    failedChanges: failed,
    rssMiB: { start: rss[0] ?? NaN, peak: Math.max(...rss), end: rss.at(-1) ?? NaN, samples },
    rssSlopeMiBPerMin: fit ? round(fit.coefficients[1]!, 2) : NaN,
    streamsEnded: ended,
    deltasPerPage,
    gaps,
  };
}
