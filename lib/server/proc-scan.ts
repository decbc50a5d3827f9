import "server-only";

/**
 * The /proc scan of a snapshot, split across two threads: this one and a worker thread
 * (proc-scan.worker.ts), each reading half of the PIDs with the synchronous reads of
 * procfs.ts. Reading procfs is system-call bound, and the kernel serves two threads on two
 * cores side by side: about half the wall time of one thread (see README, Performance).
 * The PIDs read are those of containers, found from their cgroups (procfs.ts
 * containerPidsToRead), and PID 1; host processes are only counted, from the listing of
 * /proc. Without a cgroup hierarchy to list, every PID's /proc/PID/cgroup is read.
 *
 * When the worker cannot start or dies, its share is read on this thread, and every later
 * scan stays on this thread: slower, never incomplete.
 */
import { Worker } from "node:worker_threads";
import type { ProcScan } from "@/lib/model/types";
import { containerPidsToRead, countOutside, listPids, scanPids, withoutChildren, type ScanShare } from "./procfs";

/** A share of the scan, sent to the worker. */
export interface ScanRequest {
  id: number;
  procRoot: string;
  pids: number[];
  /** Also the children of each process read in full (ScanShare.children). */
  children: boolean;
}

/**
 * The worker's answer: scanPids of the share, as JSON. One string crosses between threads
 * several times faster than the objects (measured on a share of ~700 processes read in
 * full: structured clone ~20 ms on the two threads together, JSON ~6 ms).
 */
export interface ScanReply {
  id: number;
  json: string;
}

/** Two shares by alternate position, so each holds a like mix of host and container processes. */
export function splitShares(pids: readonly number[]): [number[], number[]] {
  return [pids.filter((_, i) => i % 2 === 0), pids.filter((_, i) => i % 2 === 1)];
}

/** One scan from two, processes and skipped each ascending by PID (children, when either has them, joined). */
export function mergeScans(a: ScanShare, b: ScanShare): ScanShare {
  const byPid = <T extends { pid: number }>(x: T, y: T) => x.pid - y.pid;
  const merged: ScanShare = {
    processes: [...a.processes, ...b.processes].sort(byPid),
    outsideContainers: a.outsideContainers + b.outsideContainers,
    skipped: [...a.skipped, ...b.skipped].sort(byPid),
  };
  if (a.children || b.children) merged.children = [...(a.children ?? []), ...(b.children ?? [])];
  return merged;
}

/**
 * PIDs read on this thread between two turns of its event loop: the engine is asked at the
 * same time as /proc is read (snapshot.ts), and its answer is taken in as it comes instead
 * of after the whole share.
 */
const PIDS_PER_TURN = 128;

async function scanYielding(pids: number[], procRoot: string, children: boolean): Promise<ScanShare> {
  let scan: ScanShare = { processes: [], outsideContainers: 0, skipped: [], ...(children ? { children: [] } : {}) };
  for (let i = 0; i < pids.length; i += PIDS_PER_TURN) {
    if (i > 0) await new Promise(setImmediate);
    scan = mergeScans(scan, scanPids(pids.slice(i, i + PIDS_PER_TURN), procRoot, { children }));
  }
  return scan;
}

export type StartWorker = () => Worker;

const startScanWorker: StartWorker = () => new Worker(new URL("./proc-scan.worker.ts", import.meta.url));

/** One worker thread, started on the first scan, that reads one share of each scan. */
export class ParallelProcScanner {
  private worker: Worker | null = null;
  /** Why the worker is not used (it failed to start, or died); null while it works. */
  private failure: string | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (scan: ScanShare | null) => void>();

  constructor(private readonly startWorker: StartWorker = startScanWorker) {}

  /** How many threads the next scan uses: 2, or 1 once the worker has failed. */
  get threads(): 1 | 2 {
    return this.failure === null ? 2 : 1;
  }

  /** Why the worker is not used, if it is not. */
  get workerFailure(): string | null {
    return this.failure;
  }

  /**
   * Every process in procRoot, as scanContainerProcesses reads them (procfs.ts): those of
   * containers, found from the cgroups in cgroupRoot, and PID 1; without cgroupRoot, or when
   * no hierarchy can be listed there, as scanProcesses does (every PID's cgroup file).
   */
  async scan(procRoot = "/proc", cgroupRoot?: string): Promise<ProcScan> {
    const all = listPids(procRoot);
    const toRead = cgroupRoot === undefined ? null : containerPidsToRead(cgroupRoot);
    if (toRead === null) return withoutChildren(await this.scanShared(all, procRoot, false));
    const first = await this.scanShared(toRead, procRoot, true);
    // Children not in a container's cgroup.procs: zombies (or a process that moved): few, read here.
    const read = new Set(toRead);
    const extra = [...new Set((first.children ?? []).filter((pid) => !read.has(pid)))].sort((a, b) => a - b);
    const scan = withoutChildren(mergeScans(first, scanPids(extra, procRoot)));
    scan.outsideContainers = countOutside(all, scan);
    return scan;
  }

  /** pids read on two threads. */
  private async scanShared(pids: readonly number[], procRoot: string, children: boolean): Promise<ScanShare> {
    const [here, there] = splitShares(pids);
    const fromWorker = this.askWorker(there, procRoot, children); // posted first: the worker reads while this thread does
    const local = await scanYielding(here, procRoot, children);
    const remote = (await fromWorker) ?? scanPids(there, procRoot, { children });
    return mergeScans(local, remote);
  }

  /** The worker's scan of pids; null when there is no working worker (the caller reads them). */
  private askWorker(pids: number[], procRoot: string, children: boolean): Promise<ScanShare | null> {
    const worker = this.ensureWorker();
    if (worker === null) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const request: ScanRequest = { id, procRoot, pids, children };
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker | null {
    if (this.failure !== null || this.worker !== null) return this.worker;
    try {
      const worker = this.startWorker();
      worker.unref(); // never what keeps the server from exiting
      worker.on("message", ({ id, json }: ScanReply) => {
        this.pending.get(id)?.(JSON.parse(json) as ScanShare);
        this.pending.delete(id);
      });
      worker.on("error", (err) => this.fail(err.message));
      worker.on("exit", (code) => this.fail(`it exited with code ${code}`));
      this.worker = worker;
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
    }
    return this.worker;
  }

  private fail(reason: string): void {
    if (this.failure === null) {
      this.failure = reason;
      console.warn(`pod-anatomy: the /proc scan worker thread failed (${reason}); scanning /proc on one thread from now on.`);
    }
    this.worker = null;
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }
}
