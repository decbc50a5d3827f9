/**
 * The command-line equivalent of one snapshot, as a trainer would type it:
 *
 *   lsns -J
 *   docker inspect $(docker ps -q)
 *   cat <the cgroup files of each container>      (one cat per container)
 *
 * written as shell scripts and timed as a whole and piece by piece. Output goes to
 * /dev/null (no terminal to draw), and the cgroup file paths are worked out beforehand by
 * the bench from /proc/PID/cgroup (not timed): both favour the command line. The engine is
 * shared: a container someone else removes meanwhile is an error message, not a failure.
 */
import fs from "node:fs";
import path from "node:path";
import type { ContainerInspectInfo } from "dockerode";
import { parseCgroupFile } from "@/lib/model/parse-proc";
import { docker, timeCommand } from "./exec";

const CGROUP_ROOT = "/sys/fs/cgroup";

/** The files behind Snapshot's CgroupLimits and CgroupNode.pids, per v1 controller. */
const V1_FILES: Record<string, string[]> = {
  memory: ["memory.limit_in_bytes", "memory.usage_in_bytes", "cgroup.procs"],
  cpu: ["cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares"],
  pids: ["pids.max", "pids.current"],
  cpuset: ["cpuset.cpus"],
};
const V2_FILES = ["memory.max", "memory.current", "cpu.max", "cpu.weight", "pids.max", "pids.current", "cpuset.cpus.effective", "cgroup.procs"];

/** The cgroup files of the process `pid` that exist (v1 controllers when mounted, else the unified hierarchy). */
export function cgroupFilesOf(pid: number): string[] {
  let entries;
  try {
    entries = parseCgroupFile(fs.readFileSync(`/proc/${pid}/cgroup`, "utf8"));
  } catch {
    return []; // exited meanwhile
  }
  const files: string[] = [];
  for (const e of entries) {
    for (const [controller, names] of Object.entries(V1_FILES)) {
      if (e.hierarchyId === 0 || !e.controllers.includes(controller)) continue;
      const dir = path.join(CGROUP_ROOT, e.controllers.join(","), e.path);
      files.push(...names.map((n) => path.join(dir, n)));
    }
  }
  if (files.length === 0) {
    const unified = entries.find((e) => e.hierarchyId === 0);
    const base = fs.existsSync(path.join(CGROUP_ROOT, "cgroup.controllers")) ? CGROUP_ROOT : path.join(CGROUP_ROOT, "unified");
    if (unified) files.push(...V2_FILES.map((n) => path.join(base, unified.path, n)));
  }
  return files.filter((f) => fs.existsSync(f));
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export interface CliPipeline {
  /** Scripts: the whole pipeline and each of its three parts. */
  all: string;
  lsns: string;
  inspect: string;
  cgroups: string;
  cgroupFiles: number;
}

/** Write the pipeline's scripts for the containers running now. */
export async function writeCliPipeline(dir: string): Promise<CliPipeline> {
  const ids = (await docker(["ps", "-q"])).split("\n").filter(Boolean);
  const inspected = ids.length > 0 ? (JSON.parse(await docker(["inspect", ...ids])) as ContainerInspectInfo[]) : [];
  const perContainer = inspected.map((c) => cgroupFilesOf(c.State.Pid)).filter((f) => f.length > 0);
  const lsns = "lsns -J >/dev/null";
  const inspect = 'ids=$(docker ps -q)\n[ -z "$ids" ] || docker inspect $ids >/dev/null 2>&1';
  const cgroups = perContainer.map((files) => `cat ${files.map(quote).join(" ")} >/dev/null 2>&1`).join("\n");
  const write = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${body}\nexit 0\n`);
    return file;
  };
  return {
    all: write("cli-all.sh", [lsns, inspect, cgroups].join("\n")),
    lsns: write("cli-lsns.sh", lsns),
    inspect: write("cli-inspect.sh", inspect),
    cgroups: write("cli-cgroups.sh", cgroups),
    cgroupFiles: perContainer.reduce((n, f) => n + f.length, 0),
  };
}

export const timeScript = (file: string) => timeCommand("bash", [file]);
