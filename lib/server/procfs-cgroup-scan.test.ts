import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { containerPidsToRead, containerProcessesFromCgroups, listingHierarchy, scanContainerProcesses, scanProcesses } from "./procfs";

/**
 * The scan that reads only the processes of containers, found from their cgroups, against
 * the scan that reads /proc/PID/cgroup of every process: on the committed node trees (cgroup
 * v1 + cgroupfs, v2 + systemd, hybrid + CRI-O) both read the same processes in full.
 */
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const NODES = ["node-v1-cgroupfs-docker", "node-v2-systemd-containerd", "node-hybrid-systemd-crio"];

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

describe("scanContainerProcesses", () => {
  for (const node of NODES) {
    it(`reads the same processes as the full scan: ${node}`, () => {
      const proc = join(FIXTURES, node, "proc");
      const cgroup = join(FIXTURES, node, "cgroup");
      const full = scanProcesses(proc);
      const fast = scanContainerProcesses(proc, cgroup);
      expect(full.processes.length).toBeGreaterThan(1); // a tree with containers: the comparison means something
      expect(fast.processes).toStrictEqual(full.processes);
      expect(fast.outsideContainers).toBe(full.outsideContainers);
      // Only processes read can be skipped: a broken host process is not read any more.
      for (const s of fast.skipped) expect(full.skipped).toContainEqual(s);
    });
  }

  it("lists container processes from the cgroup directories that name a container (not a pod's)", () => {
    const hierarchy = listingHierarchy(join(FIXTURES, "node-v1-cgroupfs-docker", "cgroup"));
    expect(hierarchy).toMatch(/\/(memory|pids)$/);
    const found = containerProcessesFromCgroups(hierarchy!);
    expect(found.size).toBeGreaterThan(0);
    for (const id of found.values()) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("without a cgroup hierarchy, reads every process's cgroup file (the full scan)", () => {
    const proc = join(FIXTURES, "node-v1-cgroupfs-docker", "proc");
    expect(containerPidsToRead("/nonexistent")).toBeNull();
    expect(scanContainerProcesses(proc, "/nonexistent")).toStrictEqual(scanProcesses(proc));
  });

  it("reads a zombie child of a container process, gone from its cgroup.procs", () => {
    // A copy of the v2 tree where the first container process has a child that no cgroup.procs lists.
    const root = mkdtempSync(join(tmpdir(), "pa-zombie-"));
    temps.push(root);
    const node = join(FIXTURES, "node-v2-systemd-containerd");
    cpSync(join(node, "proc"), join(root, "proc"), { recursive: true, verbatimSymlinks: true });
    cpSync(join(node, "cgroup"), join(root, "cgroup"), { recursive: true });
    const proc = join(root, "proc");
    const before = scanContainerProcesses(proc, join(root, "cgroup"));
    const parent = before.processes.find((p) => p.pid !== 1)!;
    const zombie = 9999;
    cpSync(join(proc, String(parent.pid)), join(proc, String(zombie)), { recursive: true, verbatimSymlinks: true });
    const status = readFileSync(join(proc, String(parent.pid), "status"), "utf8")
      .replace(/^State:.*$/m, "State:\tZ (zombie)")
      .replace(/^PPid:.*$/m, `PPid:\t${parent.pid}`)
      .replace(/^Pid:.*$/m, `Pid:\t${zombie}`);
    writeFileSync(join(proc, String(zombie), "status"), status);
    writeFileSync(join(proc, String(zombie), "cmdline"), "");
    mkdirSync(join(proc, String(parent.pid), "task", String(parent.pid)), { recursive: true });
    writeFileSync(join(proc, String(parent.pid), "task", String(parent.pid), "children"), `${zombie} `);
    const after = scanContainerProcesses(proc, join(root, "cgroup"));
    const read = after.processes.find((p) => p.pid === zombie);
    expect(after.skipped).toEqual([]);
    expect(read?.state).toBe("Z");
    expect(after.processes).toStrictEqual(scanProcesses(proc).processes);
  });
});
