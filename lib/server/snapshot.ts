import "server-only";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import type { ContainerFacts, EngineStatus, Snapshot } from "@/lib/model/types";
import { cgroupReader } from "./cgroupfs";
import { explainEngineError, getDockerClient, type DockerClient } from "./docker";
import { getEventHub } from "./event-hub";
import { readHostFacts, scanProcesses } from "./procfs";

export interface SnapshotSources {
  docker: DockerClient;
  procRoot: string;
  cgroupRoot: string;
  /** Inspect results that are still true, when the engine's event stream says so (see InspectCache). */
  inspectCache?: InspectCache;
}

/**
 * `docker inspect` results kept between snapshots, and dropped on every event the engine
 * reports for that container (create, start, die, rename, destroy, …). Used only while the
 * event stream is followed: without it, a change could go unnoticed, so nothing is cached.
 */
export class InspectCache {
  private readonly entries = new Map<string, { state: string; facts: ContainerFacts }>();
  /** True while the engine's event stream is followed. */
  trusted = false;

  invalidate(id: string): void {
    this.entries.delete(id);
  }

  distrust(): void {
    this.trusted = false;
    this.entries.clear();
  }

  /** Every container, inspecting only those not cached (or whose listed state changed). */
  async containers(docker: DockerClient): Promise<ContainerFacts[]> {
    if (!this.trusted) return docker.listContainers();
    const list = await docker.listSummaries();
    const facts = await Promise.all(
      list.map(async ({ id, state }) => {
        const hit = this.entries.get(id);
        if (hit && hit.state === state) return hit.facts;
        const inspected = await docker.inspectContainer(id);
        if (inspected) this.entries.set(id, { state, facts: inspected });
        return inspected;
      }),
    );
    const listed = new Set(list.map((c) => c.id));
    for (const id of this.entries.keys()) if (!listed.has(id)) this.entries.delete(id);
    // A container removed between list and inspect is simply gone.
    return facts.filter((c): c is ContainerFacts => c !== null);
  }
}

async function readEngine(docker: DockerClient, cache?: InspectCache): Promise<{ engine: EngineStatus; containers: ContainerFacts[] }> {
  try {
    const [version, containers] = await Promise.all([docker.version(), cache ? cache.containers(docker) : docker.listContainers()]);
    return { engine: { state: "ok", endpoint: docker.endpoint, ...version }, containers };
  } catch (err) {
    cache?.distrust();
    return { engine: { state: "unreachable", endpoint: docker.endpoint, ...explainEngineError(err, docker.endpoint) }, containers: [] };
  }
}

/** Read the engine and the kernel (procfs, cgroupfs: each file once), and build a snapshot. */
export async function readSnapshot(sources: SnapshotSources): Promise<Snapshot> {
  const takenAt = new Date().toISOString();
  const enginePromise = readEngine(sources.docker, sources.inspectCache);
  // procfs is read synchronously while the engine answers (measured several times faster than fs/promises).
  const scan = scanProcesses(sources.procRoot);
  const host = readHostFacts({ procRoot: sources.procRoot, cgroupRoot: sources.cgroupRoot });
  const { engine, containers } = await enginePromise;
  // cgroupfs is read after the engine answered: only the cgroups of the containers drawn.
  const readCgroup = cgroupReader({ root: sources.cgroupRoot, version: host.cgroupVersion });
  return buildSnapshot({ takenAt, host, engine, containers, scan, readCgroup });
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
  latest: { generation: number; startedAt: number; snapshot: Promise<Snapshot> } | null;
  /** The scan under way, if any: never two at once. */
  running: Promise<unknown>;
}

function state(): SnapshotState {
  const g = globalThis as { __podAnatomySnapshot?: SnapshotState };
  if (!g.__podAnatomySnapshot) {
    const s: SnapshotState = { cache: new InspectCache(), generation: 0, latest: null, running: Promise.resolve() };
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
    g.__podAnatomySnapshot = s;
  }
  return g.__podAnatomySnapshot;
}

/** The server's snapshot: recent enough (see SNAPSHOT_REUSE_MS), one scan at a time. */
export function takeSnapshot(): Promise<Snapshot> {
  const s = state();
  const { latest, generation } = s;
  // Reused only while the event stream is followed: without it, a change could go unseen.
  const fresh = latest && latest.generation === generation && Date.now() - latest.startedAt < SNAPSHOT_REUSE_MS;
  if (fresh && s.cache.trusted) return latest.snapshot;
  const snapshot = s.running.then(() => {
    entry.startedAt = Date.now(); // the scan starts now (the callback runs after `entry` exists)
    return readSnapshot({ docker: getDockerClient(), procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup", inspectCache: s.cache });
  });
  const entry = { generation, startedAt: Date.now(), snapshot };
  s.latest = entry;
  s.running = entry.snapshot.catch(() => {
    if (s.latest === entry) s.latest = null;
  });
  return entry.snapshot;
}
