/**
 * How the views write kernel numbers: bytes in binary units ("64 MiB"), a CFS quota as a
 * number of CPUs ("0.5 CPU"), limits that may be "unlimited" or unread, NSpid chains,
 * command lines and process states. Pure: values in, text out.
 *
 * Absent values (null: the file was missing or unreadable) are never given a made-up
 * value: the callers say "not read" themselves, these functions return null.
 */
import type { Process } from "@/lib/model/types";

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** A number with at most `digits` decimals and no trailing zeros: 0.5, 64, 12.3. */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/** Bytes in binary units: 67108864 → "64 MiB", 1536 → "1.5 KiB", 512 → "512 B". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Rounding can reach the next unit (1023.96 KiB → "1024 KiB"): step up instead.
  if (Number(value.toFixed(1)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${trimmed(value, 1)} ${BYTE_UNITS[unit]}`;
}

/** A limit that may be "unlimited": a number formatted with `format`, "unlimited", or null when not read. */
export function formatLimit(limit: number | "unlimited" | null, format: (n: number) => string = String): string | null {
  if (limit === null) return null;
  return limit === "unlimited" ? "unlimited" : format(limit);
}

/**
 * A CFS quota as the number of CPUs it allows per period, as `docker run --cpus` takes it:
 * 50000 µs per 100000 µs → "0.5 CPU". "unlimited" when there is no quota; null when the
 * quota or the period was not read (or the period is 0, which the kernel never reports).
 */
export function formatCpuQuota(quotaUs: number | "unlimited" | null, periodUs: number | null): string | null {
  if (quotaUs === "unlimited") return "unlimited";
  if (quotaUs === null || periodUs === null || periodUs <= 0) return null;
  return `${trimmed(quotaUs / periodUs, 2)} CPU`;
}

/** The share of a limit used, clamped to [0, 1], or null when there is no finite limit or no usage. */
export function usageFraction(usage: number | null, limit: number | "unlimited" | null): number | null {
  if (usage === null || limit === null || limit === "unlimited" || limit <= 0) return null;
  return Math.min(1, Math.max(0, usage / limit));
}

/** NSpid, outermost first, as the chain of PIDs one process has: [18126, 7] → "18126 → 7". */
export function formatNspidChain(nspid: readonly number[], pid: number): string {
  return (nspid.length > 0 ? nspid : [pid]).join(" → ");
}

/** The command line, or `[name]` when it is empty (kernel threads, zombies), as ps shows it. */
export function formatCommand(process: Pick<Process, "cmdline" | "name">): string {
  return process.cmdline.length > 0 ? process.cmdline.join(" ") : `[${process.name}]`;
}

/** The one-letter states of /proc/PID/status (proc(5)), in words. */
const PROCESS_STATES: Record<string, string> = {
  R: "running",
  S: "sleeping",
  D: "disk sleep",
  T: "stopped",
  t: "tracing stop",
  Z: "zombie",
  X: "dead",
  I: "idle",
  P: "parked",
};

/** "Z" → "Z zombie", "S" → "S sleeping"; an unknown letter is shown as it is. */
export function formatProcessState(state: string): string {
  const word = PROCESS_STATES[state];
  return word ? `${state} ${word}` : state;
}

/** Cuts the end off a text longer than `max` characters: "demo-nginx-with-a-long-name" → "demo-nginx-with-a-lo…". */
export function truncateEnd(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Cuts the start off instead, keeping the end, where an image's tag or a cgroup's own directory is. */
export function truncateStart(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
