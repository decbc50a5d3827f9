/**
 * The worker thread of proc-scan.ts: reads the share of /proc it is sent (scanPids) and
 * posts the result back. Started by ParallelProcScanner; bundled by `next build` from the
 * `new Worker(new URL(...))` there.
 */
import { parentPort } from "node:worker_threads";
import type { ScanReply, ScanRequest } from "./proc-scan";
import { scanPids } from "./procfs";

const port = parentPort;
if (port === null) throw new Error("proc-scan.worker.ts runs only as a worker thread (see proc-scan.ts)");
port.on("message", ({ id, pids, procRoot, children }: ScanRequest) => {
  const reply: ScanReply = { id, json: JSON.stringify(scanPids(pids, procRoot, { children })) };
  port.postMessage(reply);
});
