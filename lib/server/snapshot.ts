import "server-only";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import type { ContainerFacts, EngineStatus, Snapshot } from "@/lib/model/types";
import { cgroupReader } from "./cgroupfs";
import { getDockerClient, type DockerClient } from "./docker";
import { explainEngineError } from "./engine-errors";
import { getEventHub } from "./event-hub";
import { ParallelProcScanner } from "./proc-scan";
import { readHostFacts } from "./procfs";
import { processSingleton } from "./singleton";

export interface SnapshotSources {
  docker: DockerClient;
  procRoot: string;
  cgroupRoot: string;
  /** Inspect results that are still true, when the engine's event stream says so (see InspectCache). */
  inspectCache: InspectCache;
  /** Reads /proc on two threads (see proc-scan.ts). */
  scanner: ParallelProcScanner;
}

/**
 * The engine's container list and `docker inspect` results, kept between snapshots while the
 * engine's event stream is followed: every container change the engine makes is announced
 * there (create, start, die, rename, destroy, … see CONTAINER_ACTIONS), so between two such
 * events the engine's answer cannot differ. An event drops that container's entry and the
 * list (the next snapshot lists again, and inspects what is new or changed state). Without
 * the stream nothing is cached: a change could go unnoticed.
 */
export class InspectCache {
  private readonly entries = new Map<string, { state: string; facts: ContainerFacts }>();
  /** The last complete answer, and the event count it is true for. */
  private listed: { generation: number; containers: ContainerFacts[] } | null = null;
  /** Container events (and losses of the stream) seen so far. */
  private generation = 0;
  /** True while the engine's event stream is followed. */
  trusted = false;

  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
  }

  distrust(): void {
    this.generation++;
    this.trusted = false;
    this.entries.clear();
    this.listed = null;
  }

  /**
   * Every container: the cached answer when no container event came since it was made;
   * otherwise listed, inspecting only those not cached (or whose listed state changed).
   * What was read while an event came in is used once, not kept: it may predate the event.
   */
  async containers(docker: DockerClient): Promise<ContainerFacts[]> {
    if (!this.trusted) return docker.listContainers();
    if (this.listed?.generation === this.generation) return this.listed.containers;
    const generation = this.generation;
    const list = await docker.listSummaries();
    const inspected = await Promise.all(
      list.map(async ({ id, state }) => {
        const hit = this.entries.get(id);
        if (hit && hit.state === state) return { id, state, facts: hit.facts };
        return { id, state, facts: await docker.inspectContainer(id) };
      }),
    );
    // A container removed between list and inspect is simply gone.
    const containers = inspected.flatMap((c) => (c.facts ? [c.facts] : []));
    if (this.trusted && generation === this.generation) {
      this.entries.clear();
      for (const { id, state, facts } of inspected) if (facts) this.entries.set(id, { state, facts });
      this.listed = { generation, containers };
    }
    return containers;
  }
}

async function readEngine(docker: DockerClient, cache: InspectCache): Promise<{ engine: EngineStatus; containers: ContainerFacts[] }> {
  try {
    const [version, containers] = await Promise.all([docker.version(), cache.containers(docker)]);
    return { engine: { state: "ok", endpoint: docker.endpoint, ...version }, containers };
  } catch (err) {
    cache.distrust();
    return { engine: { state: "unreachable", endpoint: docker.endpoint, ...explainEngineError(err, docker.endpoint) }, containers: [] };
  }
}

/** How long the parts of one snapshot took, in ms (the Server-Timing header of GET /api/snapshot). */
export interface SnapshotTiming {
  /** Asking the engine (version; list and inspect unless cached): runs while /proc is read. */
  engine: number;
  /** Reading /proc. */
  scan: number;
  /** Threads that read /proc (see proc-scan.ts). */
  scanThreads: 1 | 2;
  /** Reading the cgroups drawn, and building the snapshot. */
  build: number;
}

export interface TimedSnapshot {
  snapshot: Snapshot;
  timing: SnapshotTiming;
}

/** Read the engine and the kernel (procfs, cgroupfs: each file once), and build a snapshot. */
export async function readSnapshot(sources: SnapshotSources): Promise<TimedSnapshot> {
  const takenAt = new Date().toISOString();
  const t0 = performance.now();
  let engineMs = 0;
  const enginePromise = readEngine(sources.docker, sources.inspectCache).finally(() => (engineMs = performance.now() - t0));
  // procfs is read with synchronous reads (measured several times faster than fs/promises), on two threads.
  const scanThreads = sources.scanner.threads;
  const scan = await sources.scanner.scan(sources.procRoot);
  const host = readHostFacts({ procRoot: sources.procRoot, cgroupRoot: sources.cgroupRoot });
  const scanMs = performance.now() - t0;
  const { engine, containers } = await enginePromise;
  const t1 = performance.now();
  // cgroupfs is read after the engine answered: only the cgroups of the containers drawn.
  const readCgroup = cgroupReader({ root: sources.cgroupRoot, version: host.cgroupVersion });
  const snapshot = buildSnapshot({ takenAt, host, engine, runtimes: [], containers, scan, readCgroup });
  return { snapshot, timing: { engine: engineMs, scan: scanMs, scanThreads, build: performance.now() - t1 } };
}

/** The Server-Timing header of a snapshot: its parts, and whether it was served again (see SNAPSHOT_REUSE_MS). */
export function serverTiming({ timing, reused }: TakenSnapshot): string {
  const parts = [
    `engine;dur=${timing.engine.toFixed(1)}`,
    `scan;dur=${timing.scan.toFixed(1)};desc="/proc, ${timing.scanThreads} thread${timing.scanThreads === 1 ? "" : "s"}"`,
    `build;dur=${timing.build.toFixed(1)};desc="cgroups and model"`,
  ];
  return reused ? ["reused", ...parts].join(", ") : parts.join(", ");
}

/**
 * While the engine's event stream is followed, a snapshot younger than this, begun after
 * the last container event, is served again rather than scanning /proc anew: at most one
 * scan a second however many browsers ask, while any change the engine reports is shown
 * at once (the next request scans). Without the stream (engine unreachable, reconnecting)
 * every request scans.
 */
export const SNAPSHOT_REUSE_MS = 1_000;

interface SnapshotState {
  cache: InspectCache;
  /** Container events seen so far: a snapshot begun before the latest one is outdated. */
  generation: number;
  latest: { generation: number; startedAt: number; snapshot: Promise<TimedSnapshot> } | null;
  scanner: ParallelProcScanner;
  /** The scan under way, if any: never two at once. */
  running: Promise<unknown>;
}

function state(): SnapshotState {
  return processSingleton("__podAnatomySnapshot", () => {
    const s: SnapshotState = {
      cache: new InspectCache(),
      generation: 0,
      latest: null,
      running: Promise.resolve(),
      scanner: new ParallelProcScanner(),
    };
    getEventHub().subscribe({
      message(m) {
        if (m.type === "container") {
          s.generation++;
          s.cache.invalidate(m.event.containerId);
        } else if (m.feed.state === "following") s.cache.trusted = true;
        else s.cache.distrust();
      },
      end() {
        s.cache.distrust();
      },
    });
    return s;
  });
}

export interface TakenSnapshot extends TimedSnapshot {
  /** True when this request did not cause a scan: it got one begun less than SNAPSHOT_REUSE_MS ago. */
  reused: boolean;
}

/** The server's snapshot: recent enough (see SNAPSHOT_REUSE_MS), one scan at a time. */
export async function takeSnapshot(): Promise<TakenSnapshot> {
  const s = state();
  const { latest, generation } = s;
  // Reused only while the event stream is followed: without it, a change could go unseen.
  const fresh = latest && latest.generation === generation && Date.now() - latest.startedAt < SNAPSHOT_REUSE_MS;
  if (fresh && s.cache.trusted) return { ...(await latest.snapshot), reused: true };
  const snapshot = s.running.then(() => {
    entry.startedAt = Date.now(); // the scan starts now (the callback runs after `entry` exists)
    return readSnapshot({
      docker: getDockerClient(),
      procRoot: "/proc",
      cgroupRoot: "/sys/fs/cgroup",
      inspectCache: s.cache,
      scanner: s.scanner,
    });
  });
  const entry = { generation, startedAt: Date.now(), snapshot };
  s.latest = entry;
  s.running = entry.snapshot.catch(() => {
    if (s.latest === entry) s.latest = null;
  });
  return { ...(await entry.snapshot), reused: false };
}
