import "server-only";

/**
 * Reads network namespaces from procfs: each one once, through one process in it
 * (/proc/PID/net/* shows the namespace of PID, whoever reads it), plus the fd links of the
 * processes in it (who holds which socket), plus the sysfs the runtime mounted in it
 * (/proc/PID/root/sys/class/net: ifindex, iflink, MAC, operstate), and the host's interfaces
 * (for the host end of a veth). procRoot is a parameter so tests read fake trees
 * (test/fixtures/net-*). Synchronous reads, as procfs.ts (see DESIGN.md).
 *
 * lib/model/net-namespace.ts turns what is read here into the snapshot's records.
 */
import { buildNetworkNamespace, NET_FILES, type HostInterface, type NetFileName, type NamespaceTarget, type NetNamespaceFiles, type SysfsInterface } from "@/lib/model/net-namespace";
import type { NetworkNamespace } from "@/lib/model/types";
import { fs, joinPath } from "./host-fs";

function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function readInt(path: string): number | null {
  const t = readText(path);
  if (t === null) return null;
  const n = Number(t.trim());
  return Number.isInteger(n) ? n : null;
}

function listDir(path: string): string[] | null {
  try {
    return fs.readdirSync(path).sort();
  } catch {
    return null;
  }
}

/** One sysfs interface directory: ifindex, iflink, address, operstate. */
function readSysfsInterface(dir: string): SysfsInterface {
  return {
    ifindex: readInt(joinPath(dir, "ifindex")),
    iflink: readInt(joinPath(dir, "iflink")),
    address: readText(joinPath(dir, "address"))?.trim() ?? null,
    operstate: readText(joinPath(dir, "operstate"))?.trim() ?? null,
  };
}

/**
 * The host's interfaces, from the sysfs of the host's mount namespace as seen through the
 * host's PID (1, or 2: HostFacts.namespacesFrom): `${procRoot}/1/root/sys/class/net`. On the
 * host that is /sys/class/net; in a container with the host's PID namespace it is still the
 * host's. `master` is the bridge (readlink …/master → …/docker0).
 */
export function readHostInterfaces(procRoot: string, hostPid: number, cache?: NetReadCache): HostInterface[] {
  const base = joinPath(procRoot, String(hostPid), "root", "sys", "class", "net");
  const out: HostInterface[] = [];
  const names = listDir(base) ?? [];
  cache?.keepHost(names);
  for (const name of names) {
    const known = cache?.host.get(name);
    if (known) {
      out.push(known);
      continue;
    }
    const dir = joinPath(base, name);
    const ifindex = readInt(joinPath(dir, "ifindex"));
    const iflink = readInt(joinPath(dir, "iflink"));
    if (ifindex === null || iflink === null) continue;
    let master: string | null = null;
    try {
      master = fs.readlinkSync(joinPath(dir, "master"), "utf8").split("/").pop() || null;
    } catch {
      // not enslaved to a bridge
    }
    out.push({ name, ifindex, iflink, master });
    cache?.host.set(name, { name, ifindex, iflink, master });
  }
  return out;
}

/** The fd links of one process (those that cannot be read are left out: it exited, or a fd closed meanwhile). */
function readFdLinks(procRoot: string, pid: number): string[] {
  const dir = joinPath(procRoot, String(pid), "fd");
  const targets: string[] = [];
  for (const fd of listDir(dir) ?? []) {
    try {
      targets.push(fs.readlinkSync(joinPath(dir, fd), "utf8"));
    } catch {
      // closed meanwhile
    }
  }
  return targets;
}

/**
 * What was read of each namespace and each host interface, kept between snapshots to spare
 * the reads that cost. /proc/PID/net/tcp and tcp6 walk the kernel's whole TCP hash table
 * (shared by every namespace: 262,144 buckets on this 24 GiB machine), measured 5.5–7 ms each
 * per namespace whatever the namespace holds, so 1.4 s for 110 pods; every other file of a
 * namespace costs 20–90 µs. The host's /sys/class/net is one directory per veth.
 *
 *   - tcp, tcp6: read again when the sockets its processes hold (the fd links, read every
 *     time) are not the same set as when they were read; once more TCP_SETTLE_MS after such a
 *     change (a server's socket() opens the fd before its listen(): a read between the two
 *     saw no listener); when it is read through another PID; and after TCP_MAX_AGE_MS (a
 *     socket that began to listen long after it was opened).
 *     The reads due to those last two (not to a change) are at most TCP_REREADS_PER_SNAPSHOT
 *     in one snapshot, the others wait for the next: after 110 pods were made at once, their
 *     110 reads TCP_SETTLE_MS later made one snapshot take 1.3 s.
 *   - the other files (udp, addresses, routes, interfaces): as tcp, and after
 *     NET_FILES_MAX_AGE_MS (an address or a route changed).
 *
 * A host interface is read once per name (an interface no longer listed is forgotten).
 */
export class NetReadCache {
  readonly host = new Map<string, HostInterface>();
  readonly namespaces = new Map<number, CachedNamespace>();
  /** What is left of this snapshot's TCP_REREADS_PER_SNAPSHOT (see readNetworkNamespaces). */
  tcpRereadsLeft = 0;

  constructor(
    readonly now: () => number = Date.now,
    readonly tcpRereadsPerSnapshot = TCP_REREADS_PER_SNAPSHOT,
  ) {}

  keepHost(names: readonly string[]): void {
    const seen = new Set(names);
    for (const name of this.host.keys()) if (!seen.has(name)) this.host.delete(name);
  }

  keepNamespaces(inodes: readonly number[]): void {
    const seen = new Set(inodes);
    for (const inode of this.namespaces.keys()) if (!seen.has(inode)) this.namespaces.delete(inode);
  }
}

interface CachedNamespace {
  /** The PID read through and the socket inodes its processes held. */
  key: string;
  /** When that key was first seen. */
  keySince: number;
  /** When the tcp tables, and the other files, were last read. */
  tcpReadAt: number;
  otherReadAt: number;
  files: Omit<NetNamespaceFiles, "fds">;
}

/** How long the files other than tcp and tcp6 are reused while the sockets of a namespace's processes stay the same. */
export const NET_FILES_MAX_AGE_MS = 10_000;
/** How long tcp and tcp6 are reused while those sockets stay the same (see NetReadCache). */
export const TCP_MAX_AGE_MS = 60_000;
/** After the sockets changed, tcp and tcp6 are read again once this long after (see NetReadCache). */
export const TCP_SETTLE_MS = 2_000;
/** Namespaces whose tcp and tcp6 are read again in one snapshot for their age or to settle (not for a change): ~11 ms each. */
export const TCP_REREADS_PER_SNAPSHOT = 4;

const TCP_TABLES: readonly NetFileName[] = ["tcp", "tcp6"];
const OTHER_FILES: readonly NetFileName[] = NET_FILES.filter((n) => !TCP_TABLES.includes(n));

/** Everything read of one namespace, raw; what is still fresh from the cache (see NetReadCache). */
export function readNetNamespaceFiles(procRoot: string, target: NamespaceTarget, cache?: NetReadCache): NetNamespaceFiles {
  const fds = target.pids.map((pid) => ({ pid, targets: readFdLinks(procRoot, pid) }));
  const key = `${target.readThrough}:${fds
    .flatMap((f) => f.targets.filter((t) => t.startsWith("socket:")))
    .sort()
    .join(",")}`;
  const now = cache?.now() ?? 0;
  const cached = cache?.namespaces.get(target.inode);
  const same = cached !== undefined && cached.key === key;
  // Each namespace's age limits between 3/4 and 5/4 of the constants (by its inode), so that
  // namespaces read in the same snapshot are not all read again in the same later one.
  const spread = 0.75 + ((target.inode % 101) / 101) * 0.5;
  const settled = same && cached.tcpReadAt - cached.keySince >= TCP_SETTLE_MS;
  const tcpDue = !same || (settled ? now - cached.tcpReadAt >= TCP_MAX_AGE_MS * spread : now - cached.keySince >= TCP_SETTLE_MS);
  // Due for its age or to settle, not for a change: within the snapshot's budget, else postponed.
  const postponed = tcpDue && same && cache!.tcpRereadsLeft <= 0;
  if (tcpDue && same && !postponed) cache!.tcpRereadsLeft--;
  const tcpFresh = !tcpDue || postponed;
  const otherFresh = same && now - cached.otherReadAt < NET_FILES_MAX_AGE_MS * spread;
  if (cached && tcpFresh && otherFresh) return { ...cached.files, fds };

  const files = otherFresh ? cached!.files : readOtherFiles(procRoot, target);
  const tcp = tcpFresh ? pick(cached!.files.files, TCP_TABLES) : readFiles(procRoot, target, TCP_TABLES);
  const read = { ...files, files: { ...files.files, ...tcp } };
  cache?.namespaces.set(target.inode, {
    key,
    keySince: same ? cached.keySince : now,
    tcpReadAt: tcpFresh ? cached!.tcpReadAt : now,
    otherReadAt: otherFresh ? cached!.otherReadAt : now,
    files: read,
  });
  return { ...read, fds };
}

function pick(files: NetNamespaceFiles["files"], names: readonly NetFileName[]): NetNamespaceFiles["files"] {
  return Object.fromEntries(names.map((n) => [n, files[n] ?? null]));
}

function readFiles(procRoot: string, target: NamespaceTarget, names: readonly NetFileName[]): NetNamespaceFiles["files"] {
  const dir = joinPath(procRoot, String(target.readThrough), "net");
  return Object.fromEntries(names.map((n) => [n, readText(joinPath(dir, n))]));
}

/** The files other than tcp and tcp6, and the namespace's sysfs. */
function readOtherFiles(procRoot: string, target: NamespaceTarget): Omit<NetNamespaceFiles, "fds"> {
  const sysPath = joinPath(procRoot, String(target.readThrough), "root", "sys", "class", "net");
  const names = listDir(sysPath);
  const sysfs =
    names === null
      ? null
      : { path: `/proc/${target.readThrough}/root/sys/class/net`, interfaces: Object.fromEntries(names.map((n) => [n, readSysfsInterface(joinPath(sysPath, n))])) };
  return { inode: target.inode, readThrough: target.readThrough, files: readFiles(procRoot, target, OTHER_FILES), sysfs };
}

/** Read and build every namespace given; the host's interfaces are read once for all of them. */
export function readNetworkNamespaces(opts: {
  procRoot: string;
  hostPid: number;
  targets: readonly NamespaceTarget[];
  containerOf: (pid: number) => string | null;
  /** Kept between snapshots (see NetReadCache); none: everything is read. */
  cache?: NetReadCache;
}): NetworkNamespace[] {
  if (opts.cache) {
    opts.cache.keepNamespaces(opts.targets.map((t) => t.inode));
    opts.cache.tcpRereadsLeft = opts.cache.tcpRereadsPerSnapshot;
  }
  if (opts.targets.length === 0) return [];
  const host = readHostInterfaces(opts.procRoot, opts.hostPid, opts.cache);
  return opts.targets.map((t) => buildNetworkNamespace(readNetNamespaceFiles(opts.procRoot, t, opts.cache), host, opts.containerOf));
}
