/**
 * Pure parsers for the procfs files Pod Anatomy reads: text in, data out.
 * No I/O and no node imports here; lib/server/procfs.ts does the reading.
 *
 * Formats (see proc(5) and the kernel's Documentation/filesystems/proc.rst,
 * Documentation/admin-guide/cgroup-v1/, cgroup-v2.rst):
 * - /proc/PID/status   "Key:\tvalue" lines
 * - /proc/PID/cgroup   "hierarchy-ID:controller-list:cgroup-path" lines
 * - /proc/PID/ns/TYPE  a magic symlink whose target reads "type:[inode]"
 * - /proc/PID/cmdline  the arguments, each terminated by a NUL byte
 */

import type { CgroupEntry, ProcStatus } from "@/lib/model/types";

/** A procfs file whose content does not follow the kernel's format (a corrupt or fake file). */
export class ProcParseError extends Error {
  /** The procfs file the text came from ("status", "cgroup", …), when the reader knows it. */
  file?: string;

  constructor(message: string, file?: string) {
    super(message);
    this.name = "ProcParseError";
    if (file !== undefined) this.file = file;
  }
}

const DECIMAL = /^\d+$/;

function toInt(value: string | undefined, key: string): number {
  if (value === undefined) throw new ProcParseError(`missing "${key}:" line`);
  if (!DECIMAL.test(value)) throw new ProcParseError(`"${key}:" is not a number: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ProcParseError(`"${key}:" is out of range: ${value}`);
  return n;
}

/** Splits a whitespace-separated list of decimal numbers ("4242\t1"); throws on anything else. */
function toIntList(value: string, key: string): number[] {
  const fields = value.split(/\s+/).filter((f) => f !== "");
  if (fields.length === 0) throw new ProcParseError(`"${key}:" is empty`);
  return fields.map((f) => toInt(f, key));
}

/**
 * Parses /proc/PID/status.
 *
 * Required: Name, State, Pid, PPid, Uid (every kernel writes them); a file without them,
 * or with non-numeric values, throws ProcParseError. `NSpid:` appeared in Linux 4.1;
 * without it the process is taken to live in a single pid namespace: nspid = [Pid].
 */
export function parseStatus(text: string): ProcStatus {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (fields.has(key)) continue;
    // The kernel writes "Key:\tvalue". Keep the value as written (a comm may contain
    // spaces), minus the separating tab and a trailing CR if someone's editor added one.
    let value = line.slice(colon + 1);
    value = value.startsWith("\t") ? value.slice(1) : value.trimStart();
    fields.set(key, value.replace(/\r$/, ""));
  }

  const name = fields.get("Name");
  if (name === undefined) throw new ProcParseError('missing "Name:" line');

  const stateText = fields.get("State");
  if (stateText === undefined) throw new ProcParseError('missing "State:" line');
  const state = /^([A-Za-z])(?:\s|$)/.exec(stateText.trim())?.[1];
  if (state === undefined) throw new ProcParseError(`"State:" is not a state letter: ${JSON.stringify(stateText)}`);

  const pid = toInt(fields.get("Pid")?.trim(), "Pid");
  const ppid = toInt(fields.get("PPid")?.trim(), "PPid");

  const uidText = fields.get("Uid");
  if (uidText === undefined) throw new ProcParseError('missing "Uid:" line');
  const uid = toIntList(uidText, "Uid")[0] as number; // toIntList never returns []

  const nspidText = fields.get("NSpid");
  const nspid = nspidText === undefined ? [pid] : toIntList(nspidText, "NSpid");

  return { name, state, ppid, nspid, uid };
}

/**
 * Parses /proc/PID/cgroup. Each line is `hierarchy-ID:controller-list:cgroup-path`; the path
 * may itself contain ':', so only the first two colons separate fields. The cgroup v2 line
 * is `0::/path` (controllers []). v1 named hierarchies appear as e.g. "name=systemd".
 * Empty lines are skipped; any other malformed line throws ProcParseError.
 */
export function parseCgroupFile(text: string): CgroupEntry[] {
  const entries: CgroupEntry[] = [];
  const lines = text.split("\n");
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, "");
    if (line.trim() === "") return;
    const first = line.indexOf(":");
    const second = first < 0 ? -1 : line.indexOf(":", first + 1);
    if (second < 0) throw new ProcParseError(`cgroup line ${index + 1} has fewer than 3 fields: ${JSON.stringify(line)}`);
    const idText = line.slice(0, first);
    const controllerText = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (!DECIMAL.test(idText)) {
      throw new ProcParseError(`cgroup line ${index + 1}: hierarchy ID is not a number: ${JSON.stringify(line)}`);
    }
    if (!path.startsWith("/")) {
      throw new ProcParseError(`cgroup line ${index + 1}: path does not start with "/": ${JSON.stringify(line)}`);
    }
    const controllers = controllerText === "" ? [] : controllerText.split(",");
    if (controllers.some((c) => c === "")) {
      throw new ProcParseError(`cgroup line ${index + 1}: empty controller name: ${JSON.stringify(line)}`);
    }
    entries.push({ hierarchyId: Number(idText), controllers, path });
  });
  return entries;
}

/** Parses a /proc/PID/ns/* link target, e.g. "net:[4026531840]"; null when it is not one. */
export function parseNamespaceLink(target: string): { type: string; inode: number } | null {
  const m = /^([a-z_]+):\[(\d+)\]$/.exec(target.trim());
  if (m === null) return null;
  const inode = Number(m[2]);
  if (!Number.isSafeInteger(inode)) return null;
  return { type: m[1] as string, inode };
}

/**
 * Splits /proc/PID/cmdline on NUL. Every argument is NUL-terminated, so one trailing NUL is
 * dropped (only one: `prog ""` legitimately ends in two). Empty for kernel threads and
 * zombies. A process that rewrote its argv without NULs (e.g. "nginx: master process")
 * yields a single element.
 */
export function parseCmdline(raw: string): string[] {
  if (raw === "") return [];
  const body = raw.endsWith("\0") ? raw.slice(0, -1) : raw;
  return body.split("\0");
}

/**
 * A path segment naming a container, in the forms container engines write:
 * - cgroupfs driver: the bare id, under /docker/, under a --cgroup-parent, or under
 *   kubepods/<qos>/pod<uid>/; podman: libpod-<id> (under /libpod_parent/[<pod id>/])
 * - systemd driver: docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope,
 *   libpod-<id>.scope (podman)
 * Deliberately not matched: crio-conmon-<id>.scope and libpod-conmon-<id>.scope (the
 * monitor processes, which run outside the container), and a Podman pod's own cgroup:
 * `/libpod_parent/<pod id>` (cgroupfs: a bare 64-hex id, but the pod's, see
 * isLibpodPodSegment) or `machine-libpod_pod_<pod id>.slice` (systemd).
 */
const CONTAINER_SEGMENT = /^(?:([0-9a-f]{64})|(?:docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\.scope|libpod-([0-9a-f]{64}))$/;

/** Podman's parent cgroup for its containers and pods with the cgroupfs manager. */
const LIBPOD_PARENT = "libpod_parent";

/**
 * A bare 64-hex segment that is a Podman pod's cgroup (the pod id), never a container's:
 * right under /libpod_parent/ (Podman's default parent), or, under a pod's own cgroup
 * parent, followed by Podman's `conmon` cgroup or a `libpod-<id>` container cgroup.
 */
function isLibpodPodSegment(segments: readonly string[], at: number): boolean {
  if (!/^[0-9a-f]{64}$/.test(segments[at] ?? "")) return false;
  const next = segments[at + 1];
  return segments[at - 1] === LIBPOD_PARENT || next === "conmon" || (next !== undefined && next.startsWith("libpod-"));
}

function containerIdFromSegment(segment: string): string | null {
  const m = CONTAINER_SEGMENT.exec(segment);
  return m === null ? null : (m[1] ?? m[2] ?? m[3] ?? null);
}

/**
 * The 64-hex container id found in the cgroup paths of a process, or null for a host
 * process ("/", "/user.slice/…", "/init.scope", …). Within a path the LAST (deepest)
 * segment holding an id wins; entries are tried in file order, the first with an id wins.
 */
export function containerIdFromCgroups(entries: CgroupEntry[]): string | null {
  for (const entry of entries) {
    const found = containerIdFromCgroupPath(entry.path);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The 64-hex container id a cgroup path names (its LAST segment holding one; a Podman pod's
 * own cgroup is not a container's), or null: "/", "/system.slice/docker.service", ….
 */
export function containerIdFromCgroupPath(path: string): string | null {
  let found: string | null = null;
  const segments = path.split("/");
  segments.forEach((segment, at) => {
    const id = containerIdFromSegment(segment);
    if (id !== null && !isLibpodPodSegment(segments, at)) found = id;
  });
  return found;
}
