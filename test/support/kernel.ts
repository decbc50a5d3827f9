/**
 * What the kernel and the engine say, read directly by the tests (never through the app):
 * namespace inodes, cgroup files, mounts, and `docker inspect`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** readlink /proc/PID/ns/TYPE → inode; undefined when unreadable. */
export function kernelInode(pid: number, type: string): number | undefined {
  try {
    const m = /\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/ns/${type}`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface Inspected {
  id: string;
  name: string;
  pid: number;
  state: string;
  startedAt: string;
  finishedAt: string;
  labels: Record<string, string>;
}

/** docker inspect, through the CLI. */
export function dockerInspect(nameOrId: string): Inspected {
  const [raw] = JSON.parse(execFileSync("docker", ["inspect", nameOrId], { encoding: "utf8" })) as {
    Id: string;
    Name: string;
    State: { Pid: number; Status: string; StartedAt: string; FinishedAt: string };
    Config: { Labels: Record<string, string> | null };
  }[];
  if (!raw) throw new Error(`docker inspect ${nameOrId}: nothing`);
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ""),
    pid: raw.State.Pid,
    state: raw.State.Status,
    startedAt: raw.State.StartedAt,
    finishedAt: raw.State.FinishedAt,
    labels: raw.Config.Labels ?? {},
  };
}

/** A cgroup v1 file of a container: /sys/fs/cgroup/<controller>/<parent>/<id>/<file>. */
export function cgroupFile(controller: string, parent: string, id: string, file: string): string {
  return fs.readFileSync(`/sys/fs/cgroup/${controller}${parent}/${id}/${file}`, "utf8").trim();
}

/** The mount at `target` in a process's mount namespace: filesystem type and super options. */
export function mountAt(pid: number, target: string): { fstype: string; options: string } | undefined {
  for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    if (left?.split(" ")[4] !== target || !right) continue;
    const [fstype = "", , options = ""] = right.split(" ");
    return { fstype, options };
  }
  return undefined;
}
