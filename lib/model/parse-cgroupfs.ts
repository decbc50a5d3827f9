/**
 * Pure parsers for the cgroup interface files Pod Anatomy reads: text in, data out.
 * No I/O here; lib/server/cgroupfs.ts does the reading.
 *
 * Formats, from the kernel's Documentation/admin-guide/cgroup-v1/{memory,cpusets,pids}.rst,
 * Documentation/scheduler/sched-bwc.rst and Documentation/admin-guide/cgroup-v2.rst:
 * - a single decimal value: memory.usage_in_bytes, memory.current, cpu.shares, cpu.weight,
 *   cpu.cfs_period_us, pids.current
 * - a limit, "max" (v2, and pids.max in v1) or -1 (v1 cpu.cfs_quota_us) when unlimited;
 *   v1 memory.limit_in_bytes shows "unlimited" as 2^63-1 rounded down to the page size
 *   (9223372036854771712 with 4 KiB pages)
 * - cpu.max: "$MAX $PERIOD", e.g. "max 100000" or "50000 100000"
 * - cpuset.cpus / cpuset.cpus.effective: a CPU list, e.g. "0-3,8"
 * - cgroup.procs: one PID per line, neither sorted nor free of duplicates (v1)
 */

import type { CgroupLimits } from "@/lib/model/types";

/** A cgroup file whose content does not follow the kernel's format. */
export class CgroupParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CgroupParseError";
  }
}

const DECIMAL = /^\d+$/;
/** The smallest value a page-rounded 2^63-1 can be, for pages up to 64 KiB: v1's "no memory limit". */
const V1_MEMORY_UNLIMITED_FROM = 2n ** 63n - 2n ** 16n;

/** The file's single line, without the newline the kernel ends it with. */
function singleLine(text: string): string {
  const line = text.replace(/\r?\n$/, "");
  if (line.includes("\n")) throw new CgroupParseError(`expected one line, got ${JSON.stringify(text)}`);
  return line.trim();
}

/** A non-negative decimal that a JS number holds exactly; larger values throw rather than round into a fake value. */
function exactInteger(value: string): number {
  if (!DECIMAL.test(value)) throw new CgroupParseError(`not a non-negative decimal number: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new CgroupParseError(`${value} is beyond 2^53 and cannot be represented exactly`);
  return n;
}

/** A single decimal value (usage, current, shares, weight, period). */
export function parseCount(text: string): number {
  return exactInteger(singleLine(text));
}

/**
 * A memory limit: v2 memory.max ("max" or bytes) or v1 memory.limit_in_bytes (bytes, with
 * page-rounded 2^63-1 meaning unlimited). "max" and -1 are "unlimited".
 */
export function parseMemoryLimit(text: string): number | "unlimited" {
  const value = singleLine(text);
  if (value === "max" || value === "-1") return "unlimited";
  if (DECIMAL.test(value) && BigInt(value) >= V1_MEMORY_UNLIMITED_FROM) return "unlimited";
  return exactInteger(value);
}

/** v1 cpu.cfs_quota_us: microseconds per period, -1 when unlimited. */
export function parseCfsQuota(text: string): number | "unlimited" {
  const value = singleLine(text);
  return value === "-1" ? "unlimited" : exactInteger(value);
}

/** pids.max (v1 and v2): "max" when unlimited. */
export function parsePidsMax(text: string): number | "unlimited" {
  const value = singleLine(text);
  return value === "max" ? "unlimited" : exactInteger(value);
}

/** v2 cpu.max: "$MAX $PERIOD" in microseconds, $MAX "max" when unlimited. */
export function parseCpuMax(text: string): { quotaUs: number | "unlimited"; periodUs: number } {
  const fields = singleLine(text).split(/\s+/);
  if (fields.length !== 2) throw new CgroupParseError(`cpu.max is not "$MAX $PERIOD": ${JSON.stringify(text)}`);
  const [max, period] = fields as [string, string];
  return { quotaUs: max === "max" ? "unlimited" : exactInteger(max), periodUs: exactInteger(period) };
}

const CPU_LIST = /^(?:\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)?$/;

/** cpuset.cpus / cpuset.cpus.effective: a CPU list such as "0-3,8", kept as written ("" = none). */
export function parseCpuList(text: string): string {
  const value = singleLine(text);
  if (!CPU_LIST.test(value)) throw new CgroupParseError(`not a CPU list: ${JSON.stringify(value)}`);
  return value;
}

/** cgroup.procs: the PIDs, ascending, each once. */
export function parseCgroupProcs(text: string): number[] {
  const pids = new Set<number>();
  for (const line of text.split("\n")) {
    const value = line.trim();
    if (value !== "") pids.add(exactInteger(value));
  }
  return [...pids].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------
// Which file gives which value
// ---------------------------------------------------------------------------------------

/** The controllers whose files Pod Anatomy reads. */
export const LIMIT_CONTROLLERS = ["memory", "cpu", "pids", "cpuset"] as const;
export type LimitController = (typeof LIMIT_CONTROLLERS)[number];

export type LimitValues = Partial<Omit<CgroupLimits, "sources">>;

export interface CgroupFileSpec {
  controller: LimitController;
  /** File name in the controller's directory. */
  file: string;
  /** The values the file gives; throws CgroupParseError on a corrupt file. */
  parse(text: string): LimitValues;
}

/** cgroup v1: one hierarchy (directory) per controller, or per co-mounted set (cpu,cpuacct). */
export const V1_FILES: readonly CgroupFileSpec[] = [
  { controller: "memory", file: "memory.limit_in_bytes", parse: (t) => ({ memoryLimit: parseMemoryLimit(t) }) },
  { controller: "memory", file: "memory.usage_in_bytes", parse: (t) => ({ memoryUsage: parseCount(t) }) },
  { controller: "cpu", file: "cpu.cfs_quota_us", parse: (t) => ({ cpuQuotaUs: parseCfsQuota(t) }) },
  { controller: "cpu", file: "cpu.cfs_period_us", parse: (t) => ({ cpuPeriodUs: parseCount(t) }) },
  { controller: "cpu", file: "cpu.shares", parse: (t) => ({ cpuShares: parseCount(t) }) },
  { controller: "pids", file: "pids.max", parse: (t) => ({ pidsMax: parsePidsMax(t) }) },
  { controller: "pids", file: "pids.current", parse: (t) => ({ pidsCurrent: parseCount(t) }) },
  { controller: "cpuset", file: "cpuset.cpus", parse: (t) => ({ cpusetCpus: parseCpuList(t) }) },
];

/** cgroup v2: every controller's files in the one directory of the unified hierarchy. */
export const V2_FILES: readonly CgroupFileSpec[] = [
  { controller: "memory", file: "memory.max", parse: (t) => ({ memoryLimit: parseMemoryLimit(t) }) },
  { controller: "memory", file: "memory.current", parse: (t) => ({ memoryUsage: parseCount(t) }) },
  {
    controller: "cpu",
    file: "cpu.max",
    parse: (t) => {
      const { quotaUs, periodUs } = parseCpuMax(t);
      return { cpuQuotaUs: quotaUs, cpuPeriodUs: periodUs };
    },
  },
  { controller: "cpu", file: "cpu.weight", parse: (t) => ({ cpuWeight: parseCount(t) }) },
  { controller: "pids", file: "pids.max", parse: (t) => ({ pidsMax: parsePidsMax(t) }) },
  { controller: "pids", file: "pids.current", parse: (t) => ({ pidsCurrent: parseCount(t) }) },
  { controller: "cpuset", file: "cpuset.cpus.effective", parse: (t) => ({ cpusetCpus: parseCpuList(t) }) },
];

/** Limits with nothing read yet: every value null. */
export function emptyLimits(): CgroupLimits {
  return {
    memoryLimit: null,
    memoryUsage: null,
    cpuQuotaUs: null,
    cpuPeriodUs: null,
    cpuShares: null,
    cpuWeight: null,
    pidsMax: null,
    pidsCurrent: null,
    cpusetCpus: null,
    sources: [],
  };
}
