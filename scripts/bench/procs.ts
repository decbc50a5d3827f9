/** Extra host processes for the benchmark: `sleep 600` children of one shell, in their own process group. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { sleep, within } from "./exec";

/** How many processes /proc lists now. */
export function countProcesses(): number {
  return fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Sleepers {
  /** The process group: the shell and its sleeps. */
  pgid: number;
  /** Kill the whole group and wait until it is gone. */
  stop(): Promise<void>;
  /** The same, synchronously, for exit handlers. */
  killNow(): void;
}

/**
 * The shell starts the sleeps and waits; on SIGTERM it kills them and reaps them itself (an
 * orphan here waits for PID 1 to reap it, which is slow).
 */
const SHELL = `trap 'kill $pids; wait; exit 0' TERM; i=0; while [ $i -lt "$1" ]; do sleep 600 >/dev/null & pids="$pids $!"; i=$((i+1)); done; echo started; wait`;

/**
 * Start `count` sleeping processes; resolves once the shell has forked them all. A
 * `sleep 600` outlives the bench by at most ten minutes even if the bench itself is killed
 * with SIGKILL.
 */
export async function startSleepers(count: number): Promise<Sleepers> {
  const shell = spawn("sh", ["-c", SHELL, "sleepers", String(count)], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  const exited = new Promise<void>((resolve) => shell.once("exit", () => resolve()));
  const started = new Promise<boolean>((resolve) => {
    shell.stdout.on("data", (c: Buffer) => c.toString().includes("started") && resolve(true));
    void exited.then(() => resolve(false));
  });
  const pgid = shell.pid;
  if (pgid === undefined) throw new Error("could not start the sleeping processes");
  const killNow = () => {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const sleepers: Sleepers = {
    pgid,
    killNow,
    async stop() {
      shell.kill("SIGTERM");
      await within(exited, 10_000);
      killNow(); // whatever the shell left
      for (let i = 0; i < 200 && groupAlive(pgid); i++) await sleep(50);
    },
  };
  // Forking thousands of processes takes long on a loaded machine: a minute per thousand at most.
  const limitMs = Math.max(60_000, count * 60);
  if (!(await within(started, limitMs))) {
    killNow();
    throw new Error(`the shell did not start ${count} sleeping processes within ${limitMs / 1000} s`);
  }
  return sleepers;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux architecture Node runs on). */
const TICKS_PER_SECOND = 100;

/** utime + stime of /proc/PID/stat in ms, and the process group; null when unreadable. */
function readCpu(pid: string): { pgrp: number; ms: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    return { pgrp: Number(f[2]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU time (user + system, ms) used so far by the live processes of a process group. */
export function groupCpuMs(pgid: number): number {
  let ms = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cpu = readCpu(pid);
    if (cpu?.pgrp === pgid) ms += cpu.ms;
  }
  return ms;
}

/** CPU time (ms) used so far by one process; null when unreadable. */
export function processCpuMs(pid: number): number | null {
  return readCpu(String(pid))?.ms ?? null;
}
