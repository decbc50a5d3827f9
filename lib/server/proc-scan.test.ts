import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { containerIdFromCgroups } from "@/lib/model/parse-proc";
import type { ProcScan } from "@/lib/model/types";
import { mergeScans, ParallelProcScanner, splitShares, type StartWorker } from "./proc-scan";
import { scanContainerProcesses, scanProcesses } from "./procfs";

const PROC = fileURLToPath(new URL("../../test/fixtures/proc-basic/", import.meta.url)).replace(/\/$/, "");

/** The real worker module, compiled by tsx as it is required (the server runs the one `next build` bundled). */
const WORKER_MODULE = fileURLToPath(new URL("./proc-scan.worker.ts", import.meta.url));
const realWorker: StartWorker = () =>
  new Worker(`require("tsx/cjs"); require(${JSON.stringify(WORKER_MODULE)});`, { eval: true, execArgv: ["--conditions", "react-server"] });

/** A worker that answers nothing: it throws while starting, or exits on the first request. */
const failingWorker = (code: string): StartWorker => () => new Worker(code, { eval: true });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("splitShares and mergeScans", () => {
  it("split by alternate position, merged back in PID order", () => {
    expect(splitShares([1, 2, 7, 9, 40])).toEqual([
      [1, 7, 40],
      [2, 9],
    ]);
    const fact = (pid: number) => ({ pid }) as ProcScan["processes"][number];
    const a: ProcScan = { processes: [fact(1), fact(7)], outsideContainers: 3, skipped: [{ pid: 40, reason: "vanished" }] };
    const b: ProcScan = { processes: [fact(2), fact(9)], outsideContainers: 4, skipped: [{ pid: 3, reason: "permission denied" }] };
    expect(mergeScans(a, b)).toEqual({
      processes: [fact(1), fact(2), fact(7), fact(9)],
      outsideContainers: 7,
      skipped: [
        { pid: 3, reason: "permission denied" },
        { pid: 40, reason: "vanished" },
      ],
    });
  });
});

describe("ParallelProcScanner", () => {
  it("with a cgroup root, reads what scanContainerProcesses reads (the processes of containers), on two threads", async () => {
    const node = fileURLToPath(new URL("../../test/fixtures/node-v1-cgroupfs-docker/", import.meta.url));
    const scanner = new ParallelProcScanner(realWorker);
    const expected = scanContainerProcesses(`${node}proc`, `${node}cgroup`);
    expect(expected.processes.length).toBeGreaterThan(2);
    expect(await scanner.scan(`${node}proc`, `${node}cgroup`)).toStrictEqual(expected);
    expect(scanner.threads).toBe(2);
  });

  it("reads exactly what scanProcesses reads, on two threads", async () => {
    const scanner = new ParallelProcScanner(realWorker);
    expect(await scanner.scan(PROC)).toStrictEqual(scanProcesses(PROC));
    expect(await scanner.scan(PROC)).toStrictEqual(scanProcesses(PROC)); // the same worker, a second request
    expect(scanner.threads).toBe(2);
    expect(scanner.workerFailure).toBeNull();
  });

  it("reads the real /proc: PID 1 and container processes in full, PIDs ascending, this process counted", async () => {
    const scanner = new ParallelProcScanner(realWorker);
    const scan = await scanner.scan("/proc");
    const pids = scan.processes.map((p) => p.pid);
    expect(pids).toEqual([...new Set(pids)].sort((a, b) => a - b));
    expect(pids).not.toContain(process.pid);
    expect(scan.outsideContainers).toBeGreaterThan(0); // this process, at least
    for (const p of scan.processes) expect(p.pid === 1 || containerIdFromCgroups(p.cgroups) !== null).toBe(true);
    expect(scanner.threads).toBe(2);
  });

  it.each([
    ["cannot start", "throw new Error('no worker here')", "no worker here"],
    ["dies on its first request", "require('node:worker_threads').parentPort.on('message', () => process.exit(3))", "it exited with code 3"],
  ])("a worker that %s: its share is read on this thread, and from then on all of it", async (_case, code, reason) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const scanner = new ParallelProcScanner(failingWorker(code));
    expect(await scanner.scan(PROC)).toStrictEqual(scanProcesses(PROC));
    expect(scanner.workerFailure).toBe(reason);
    expect(scanner.threads).toBe(1);
    expect(await scanner.scan(PROC)).toStrictEqual(scanProcesses(PROC));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain(reason);
  });
});
