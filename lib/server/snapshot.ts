import "server-only";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import { engineStatusOf, runtimeUnreachable } from "@/lib/model/runtime-status";
import type { ContainerFacts, EngineStatus, RuntimeStatus, Snapshot } from "@/lib/model/types";
import { cgroupReader } from "./cgroupfs";
import { getEventHub } from "./event-hub";
import { ParallelProcScanner } from "./proc-scan";
import { readKubeletPodNames } from "./kubelet-pod-logs";
import { readHostFacts } from "./procfs";
import { readSelf } from "./self";
import { privilegeWarnings } from "@/lib/model/container-privileges";
import { getRuntimeRegistry } from "./runtimes/registry";
import type { RuntimeAdapter } from "./runtimes/runtime";
import { processSingleton } from "./singleton";
import { namespaceTargets } from "@/lib/model/net-namespace";
import { NetReadCache, readNetworkNamespaces } from "./proc-net";
import { getHostnameCache, type HostnameCache } from "./uts-hostname";
import { diffSnapshots, type SnapshotDelta } from "@/lib/model/snapshot-delta";

export interface SnapshotSources {
  /** Every runtime to ask (lib/server/runtimes/registry.ts); Docker first. */
  runtimes: readonly RuntimeAdapter[];
  procRoot: string;
  cgroupRoot: string;
  /** The kubelet's pod log directories (/var/log/pods): names of pods only their cgroup shows. */
  podLogRoot?: string;
  /** Reads /proc on two threads (see proc-scan.ts). */
  scanner: ParallelProcScanner;
  /** The hostnames of uts namespaces, cached by inode (uts-hostname.ts); none: not read. */
  hostnames?: HostnameCache;
  /** What was read of the network namespaces, kept between snapshots (proc-net.ts); none: all read anew. */
  netCache?: NetReadCache;
}

/**
 * How long a snapshot waits for the hostnames of new uts namespaces (one nsenter each, a few
 * ms apiece, far more on a loaded machine): those not read by then come in a later snapshot.
 */
export const HOSTNAME_WAIT_MS = 150;

/**
 * One runtime's status and containers: none when it cannot be asked (its status says why).
 * The list is asked at once, beside the status; a runtime whose status fails is not waited
 * for further (its list settles in the background), so a hung one shows as such within 2 s.
 */
async function readRuntime(runtime: RuntimeAdapter): Promise<{ status: RuntimeStatus; containers: ContainerFacts[] }> {
  const listing = runtime.containers().then(
    (containers) => ({ containers }),
    (err: unknown) => ({ failed: err }),
  );
  const status = await runtime.status();
  if (status.state !== "ok") return { status, containers: [] };
  const answer = await listing;
  if ("failed" in answer) return { status: runtimeUnreachable(status, runtime.explain(answer.failed)), containers: [] };
  return { status, containers: answer.containers };
}

/** Every runtime's answer: their statuses, and their containers (a container two runtimes report is kept once). */
async function readRuntimes(runtimes: readonly RuntimeAdapter[]): Promise<{ engine: EngineStatus; runtimes: RuntimeStatus[]; containers: ContainerFacts[] }> {
  const answers = await Promise.all(runtimes.map(readRuntime));
  const seen = new Set<string>();
  const containers = answers.flatMap((a) => a.containers).filter((c) => !seen.has(c.id) && seen.add(c.id));
  const statuses = answers.map((a) => a.status);
  const docker = statuses.find((r) => r.kind === "docker");
  const engine: EngineStatus = docker
    ? engineStatusOf(docker)
    : { state: "unreachable", reason: "error", endpoint: "", message: "No Docker engine is configured.", hint: "" };
  return { engine, runtimes: statuses, containers };
}

/** How long the parts of one snapshot took, in ms (the Server-Timing header of GET /api/snapshot). */
export interface SnapshotTiming {
  /** Asking the runtimes (version; list and inspect unless cached): runs while /proc is read. */
  engine: number;
  /** Reading /proc. */
  scan: number;
  /** Threads that read /proc (see proc-scan.ts). */
  scanThreads: 1 | 2;
  /** Reading the cgroups drawn, and building the snapshot. */
  build: number;
  /** Reading the network namespaces of the containers (/proc/PID/net, fds, sysfs) and their uts hostnames. */
  net: number;
}

export interface TimedSnapshot {
  snapshot: Snapshot;
  timing: SnapshotTiming;
}

/** Read the runtimes and the kernel (procfs, cgroupfs: each file once), and build a snapshot. */
export async function readSnapshot(sources: SnapshotSources): Promise<TimedSnapshot> {
  const takenAt = new Date().toISOString();
  const t0 = performance.now();
  let engineMs = 0;
  const enginePromise = readRuntimes(sources.runtimes).finally(() => (engineMs = performance.now() - t0));
  // procfs is read with synchronous reads (measured several times faster than fs/promises), on two threads.
  const scanThreads = sources.scanner.threads;
  // Only the processes of containers (found from their cgroups) and PID 1 are read; the others are counted.
  const scan = await sources.scanner.scan(sources.procRoot, sources.cgroupRoot);
  const hostRead = readHostFacts({ procRoot: sources.procRoot, cgroupRoot: sources.cgroupRoot });
  const me = readSelf({ procRoot: sources.procRoot, cgroupRoot: sources.cgroupRoot, host: hostRead });
  const host = me.self === null ? hostRead : { ...hostRead, hostname: me.hostHostname ?? hostRead.hostname, self: me.self };
  const scanMs = performance.now() - t0;
  const { engine, runtimes, containers } = await enginePromise;
  const t1 = performance.now();
  // cgroupfs is read after the engine answered: only the cgroups of the containers drawn.
  const readCgroup = cgroupReader({ root: sources.cgroupRoot, version: host.cgroupVersion });
  const snapshot = buildSnapshot({ takenAt, host, engine, runtimes, containers, scan, readCgroup, podNames: readKubeletPodNames(sources.podLogRoot) });
  // In a container: each privilege it lacks, with the run option that grants it, first.
  snapshot.warnings.unshift(...privilegeWarnings({ ...me.privileges, runtimes }));
  const t2 = performance.now();
  // The namespaces of the containers drawn (never the host's): each read once, through one process in it.
  const containerOfPid = new Map(snapshot.processes.map((p) => [p.pid, p.containerId]));
  const members = scan.processes.map((p) => ({ pid: p.pid, namespaces: p.namespaces, inContainer: (containerOfPid.get(p.pid) ?? null) !== null }));
  const utsTargets = namespaceTargets("uts", snapshot.containers, [], host.namespaces.uts);
  const hostnames = sources.hostnames?.hostnames(utsTargets, HOSTNAME_WAIT_MS) ?? Promise.resolve([]);
  snapshot.networks = readNetworkNamespaces({
    procRoot: sources.procRoot,
    hostPid: host.namespacesFrom,
    targets: namespaceTargets("net", snapshot.containers, members, host.namespaces.net),
    containerOf: (pid) => containerOfPid.get(pid) ?? null,
    cache: sources.netCache,
  });
  snapshot.hostnames = await hostnames;
  return { snapshot, timing: { engine: engineMs, scan: scanMs, scanThreads, build: t2 - t1, net: performance.now() - t2 } };
}

/** The Server-Timing header of a snapshot: its parts, and whether it was served again (see SNAPSHOT_REUSE_MS). */
export function serverTiming({ timing, reused }: TakenSnapshot): string {
  const parts = [
    `engine;dur=${timing.engine.toFixed(1)}`,
    `scan;dur=${timing.scan.toFixed(1)};desc="/proc, ${timing.scanThreads} thread${timing.scanThreads === 1 ? "" : "s"}"`,
    `build;dur=${timing.build.toFixed(1)};desc="cgroups and model"`,
    `net;dur=${timing.net.toFixed(1)};desc="network and uts namespaces"`,
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

/**
 * While a page follows GET /api/events, the server builds a snapshot this often (procfs and
 * cgroup usage have no events) and sends what changed as a delta; container changes do not
 * wait for it: each one makes a snapshot at once.
 */
export const USAGE_REFRESH_MS = 2_000;

/** Deltas kept for pages that reconnect (GET /api/events?version=N): about half a minute of usage refreshes. */
const RECENT_DELTAS = 16;

interface SnapshotState {
  /** Container changes seen so far, of any runtime: a snapshot begun before the latest one is outdated. */
  generation: number;
  latest: { generation: number; startedAt: number; snapshot: Promise<VersionedSnapshot> } | null;
  scanner: ParallelProcScanner;
  /** The network namespaces' files, kept between scans (proc-net.ts NetReadCache). */
  netCache: NetReadCache;
  /** The scan under way, if any: never two at once. */
  running: Promise<unknown>;
  /**
   * The version of the last snapshot built. It starts at the server's start time in µs, so a
   * restarted server never reuses a version an open page holds from the one before.
   */
  version: number;
  /** The last snapshot built: what the next delta starts from. */
  published: { version: number; snapshot: Snapshot } | null;
  /** The last deltas sent, oldest first, one chain (for pages that reconnect). */
  recent: SnapshotDelta[];
  /** Open event streams (GET /api/events): while there is one, snapshots are built on changes and every USAGE_REFRESH_MS. */
  followers: number;
  timer: ReturnType<typeof setInterval> | null;
  /** A build asked for and not yet begun: further asks join it. */
  buildQueued: boolean;
}

function state(): SnapshotState {
  return processSingleton("__podAnatomySnapshot", () => {
    const s: SnapshotState = {
      generation: 0,
      latest: null,
      running: Promise.resolve(),
      scanner: new ParallelProcScanner(),
      netCache: new NetReadCache(),
      version: Date.now() * 1000,
      published: null,
      recent: [],
      followers: 0,
      timer: null,
      buildQueued: false,
    };
    getEventHub().subscribe({
      message(m) {
        if (m.type === "container" || m.type === "runtime") {
          s.generation++;
          requestBuild(s);
        } else if (m.type === "feed" && m.feed.state === "following") {
          requestBuild(s); // back after a break: catch up on what happened meanwhile
        }
      },
      end() {
        s.generation++;
      },
    });
    return s;
  });
}

/** Build a snapshot for the pages that follow (none: nothing), after the one under way; asks made meanwhile share it. */
function requestBuild(s: SnapshotState): void {
  if (s.followers === 0 || s.buildQueued) return;
  s.buildQueued = true;
  void s.running.then(() => {
    s.buildQueued = false;
    return takeSnapshot().catch((err: unknown) => console.warn("pod-anatomy: a snapshot for the event stream failed:", err));
  });
}

/** Give a new snapshot its version, and send the pages that follow what changed since the last one. */
function publish(s: SnapshotState, snapshot: Snapshot): number {
  const version = ++s.version;
  const previous = s.published;
  s.published = { version, snapshot };
  if (previous === null || s.followers === 0) {
    s.recent = []; // nobody received the deltas of this gap: no chain to replay across it
    return version;
  }
  const delta = diffSnapshots(previous.snapshot, snapshot, previous.version, version);
  s.recent.push(delta);
  if (s.recent.length > RECENT_DELTAS) s.recent.shift();
  getEventHub().publish({ type: "delta", delta });
  return version;
}

/**
 * Follow the snapshots (an open GET /api/events): from now on every change, and every
 * USAGE_REFRESH_MS, builds a snapshot and publishes its delta. Returns the deltas that bring a
 * page at `heldVersion` up to date (empty when it is), or null when it cannot be (it must
 * refetch); and the function to call when the stream closes.
 */
export function followSnapshots(heldVersion: number | null): { catchUp: SnapshotDelta[] | null; latest: number; stop: () => void } {
  const s = state();
  s.followers++;
  if (s.timer === null) {
    s.timer = setInterval(() => requestBuild(s), USAGE_REFRESH_MS);
    s.timer.unref();
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    s.followers--;
    if (s.followers === 0 && s.timer !== null) {
      clearInterval(s.timer);
      s.timer = null;
    }
  };
  const latest = s.published?.version ?? 0;
  let catchUp: SnapshotDelta[] | null = [];
  if (heldVersion !== null && heldVersion !== latest) {
    const at = s.recent.findIndex((d) => d.from === heldVersion);
    catchUp = at === -1 ? null : s.recent.slice(at);
  }
  return { catchUp, latest, stop };
}

export interface VersionedSnapshot extends TimedSnapshot {
  /** Its version: each snapshot built gets the next (GET /api/snapshot's X-Snapshot-Version header). */
  version: number;
}

export interface TakenSnapshot extends VersionedSnapshot {
  /** True when this request did not cause a scan: it got one begun less than SNAPSHOT_REUSE_MS ago. */
  reused: boolean;
}

/** The server's snapshot: recent enough (see SNAPSHOT_REUSE_MS), one scan at a time; each new one is published (see publish). */
export async function takeSnapshot(): Promise<TakenSnapshot> {
  const s = state();
  const { latest, generation } = s;
  const hub = getEventHub();
  const registry = getRuntimeRegistry();
  hub.sync(); // follow the runtimes found since the last snapshot
  // Reused only while every runtime's changes are followed: without that, a change could go unseen.
  const fresh = latest && latest.generation === generation && Date.now() - latest.startedAt < SNAPSHOT_REUSE_MS;
  if (fresh && hub.allFollowing) return { ...(await latest.snapshot), reused: true };
  const snapshot = s.running.then(async () => {
    entry.startedAt = Date.now(); // the scan starts now (the callback runs after `entry` exists)
    const timed = await readSnapshot({ runtimes: registry.list(), procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup", scanner: s.scanner, hostnames: getHostnameCache(), netCache: s.netCache });
    return { ...timed, version: publish(s, timed.snapshot) };
  });
  const entry = { generation, startedAt: Date.now(), snapshot };
  s.latest = entry;
  s.running = entry.snapshot.catch(() => {
    if (s.latest === entry) s.latest = null;
  });
  return { ...(await entry.snapshot), reused: false };
}
