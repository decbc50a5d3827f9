/**
 * One network namespace, built from its files (read once through one member process by
 * lib/server/proc-net.ts): its interfaces with their addresses, its default routes, its
 * listening sockets with the processes and containers that own them, and, for a veth, the
 * host's end of it and the bridge that end hangs on. Pure: text and values in, the wire
 * record (NetworkNamespace) out.
 */
import {
  defaultRoutes,
  ipv4InPrefix,
  isListening,
  localIpv4Addresses,
  parseFibTrie,
  parseIfInet6,
  parseIpv6Route,
  parseNetDev,
  parseRoute,
  parseSocketTable,
  RTF_GATEWAY,
  type SocketEntry,
} from "./proc-net";
import { ownersOf, socketHolders, type FdLinks } from "./socket-owners";
import type { HostPeer, Listener, NetAddress, NetInterface, NetworkNamespace, SocketProtocol } from "./types";

/** The sysfs values of one interface (each null when its file could not be read). */
export interface SysfsInterface {
  ifindex: number | null;
  iflink: number | null;
  address: string | null;
  operstate: string | null;
}

/** A host interface (the host's /sys/class/net/<name>): the candidates for the other end of a veth. */
export interface HostInterface {
  name: string;
  ifindex: number;
  iflink: number;
  master: string | null;
}

/** What the adapter read of one namespace: each file's text, or null when it could not be read. */
export interface NetNamespaceFiles {
  inode: number;
  readThrough: number;
  /** Files of /proc/PID/net, by name: tcp, tcp6, udp, udp6, route, ipv6_route, fib_trie, if_inet6, dev. */
  files: Partial<Record<NetFileName, string | null>>;
  /** /proc/PID/root/sys/class/net: where it is, and each interface found there; null when it could not be listed. */
  sysfs: { path: string; interfaces: Record<string, SysfsInterface> } | null;
  /** The fd links of the processes in the namespace. */
  fds: FdLinks[];
}

export const NET_FILES = ["tcp", "tcp6", "udp", "udp6", "route", "ipv6_route", "fib_trie", "if_inet6", "dev"] as const;
export type NetFileName = (typeof NET_FILES)[number];

/** Files a kernel without IPv6 (or with it disabled) does not have: their absence is no problem. */
const IPV6_FILES: ReadonlySet<NetFileName> = new Set(["tcp6", "udp6", "ipv6_route", "if_inet6"]);

const SOCKET_FILES: readonly SocketProtocol[] = ["tcp", "tcp6", "udp", "udp6"];

/** Scope of an IPv4 address by its range: 127/8 host, 169.254/16 link, else global (fib_trie gives the route's scope, not the address's). */
function ipv4Scope(address: string): string {
  if (ipv4InPrefix(address, "127.0.0.0", 8)) return "host";
  if (ipv4InPrefix(address, "169.254.0.0", 16)) return "link";
  return "global";
}

/**
 * The IPv4 addresses: fib_trie's `/32 host LOCAL` leaves. Their interface and prefix: the
 * longest directly connected route (no gateway) of /proc/net/route that holds them; else a
 * `host LOCAL` range (127.0.0.0/8: the loopback's); else (not a 127/8 address) the one
 * interface besides lo.
 */
function ipv4Addresses(fibTrie: string, route: string, interfaceNames: string[]): NetAddress[] {
  const leaves = parseFibTrie(fibTrie);
  const connected = parseRoute(route).filter((r) => (r.flags & RTF_GATEWAY) === 0);
  const localRanges = leaves.filter((l) => l.type === "LOCAL" && l.scope === "host" && l.prefixLength < 32);
  const others = interfaceNames.filter((n) => n !== "lo");
  return localIpv4Addresses(leaves).map((address): NetAddress => {
    const scope = ipv4Scope(address);
    const routes = connected.filter((r) => ipv4InPrefix(address, r.destination, r.prefixLength)).sort((a, b) => b.prefixLength - a.prefixLength);
    const best = routes[0];
    if (best) return { family: "inet", address, prefixLength: best.prefixLength, scope, interface: best.interface, from: "fib_trie+route" };
    const range = localRanges.find((l) => ipv4InPrefix(address, l.address, l.prefixLength));
    if (range) {
      return { family: "inet", address, prefixLength: range.prefixLength, scope, interface: interfaceNames.includes("lo") ? "lo" : null, from: "fib_trie+loopback" };
    }
    if (others.length === 1 && scope !== "host") return { family: "inet", address, prefixLength: 32, scope, interface: others[0]!, from: "fib_trie+only-interface" };
    return { family: "inet", address, prefixLength: 32, scope, interface: null, from: "fib_trie" };
  });
}

/** The host's end of a veth: the host interface whose ifindex is our iflink and whose iflink is our ifindex. */
export function hostPeerOf(iface: Pick<NetInterface, "ifindex" | "iflink">, host: readonly HostInterface[]): HostPeer | null {
  const { ifindex, iflink } = iface;
  if (ifindex === null || iflink === null || iflink === ifindex || iflink === 0) return null;
  const peer = host.find((h) => h.ifindex === iflink && h.iflink === ifindex);
  return peer ? { name: peer.name, ifindex: peer.ifindex, master: peer.master } : null;
}

const byListener = (a: Listener, b: Listener) =>
  a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

/**
 * Build the record of one namespace. `host` are the host's interfaces (for the veth's other
 * end); `containerOf` names the container of a host PID (null: none known).
 */
export function buildNetworkNamespace(
  read: NetNamespaceFiles,
  host: readonly HostInterface[],
  containerOf: (pid: number) => string | null,
): NetworkNamespace {
  const problems: string[] = [];
  const base = `/proc/${read.readThrough}/net`;
  const text = (name: NetFileName): string => {
    const t = read.files[name];
    if (t === null || t === undefined) {
      if (!IPV6_FILES.has(name)) problems.push(`${base}/${name} could not be read`);
      return "";
    }
    return t;
  };

  const dev = parseNetDev(text("dev"));
  const names = dev.map((d) => d.name);
  const inet6 = parseIfInet6(text("if_inet6"));

  // The sysfs of the member's mount namespace is the one the runtime mounted in the pod's net
  // namespace — unless it is not (a host sysfs bind-mounted in): then its interfaces are not
  // ours, and it is not used. Ours: the same interface names as /proc/PID/net/dev, and the
  // ifindex if_inet6 gives each interface that has an IPv6 address.
  let sysfs = read.sysfs;
  if (sysfs !== null) {
    const sysNames = Object.keys(sysfs.interfaces).sort();
    const sameNames = sysNames.join(" ") === [...names].sort().join(" ");
    const sameIndexes = inet6.every((a) => sysfs!.interfaces[a.interface]?.ifindex === a.ifindex);
    if (!sameNames || !sameIndexes) {
      problems.push(`${sysfs.path} shows another network namespace's interfaces (${sysNames.join(", ") || "none"}): ifindex and iflink not shown`);
      sysfs = null;
    }
  } else {
    problems.push(`/proc/${read.readThrough}/root/sys/class/net could not be listed: ifindex and iflink not shown`);
  }

  const interfaces: NetInterface[] = dev.map((d) => {
    const sys = sysfs?.interfaces[d.name];
    const ifindex = sys?.ifindex ?? inet6.find((a) => a.interface === d.name)?.ifindex ?? null;
    const iflink = sys?.iflink ?? null;
    return {
      name: d.name,
      ifindex,
      iflink,
      mac: sys?.address ?? null,
      operstate: sys?.operstate ?? null,
      rxBytes: d.rxBytes,
      txBytes: d.txBytes,
      hostPeer: hostPeerOf({ ifindex, iflink }, host),
    };
  });

  const addresses: NetAddress[] = [
    ...ipv4Addresses(text("fib_trie"), text("route"), names),
    ...inet6.map((a): NetAddress => ({ family: "inet6", address: a.address, prefixLength: a.prefixLength, scope: a.scope, interface: a.interface, from: "if_inet6" })),
  ];

  const holders = socketHolders(read.fds);
  const sockets: SocketEntry[] = SOCKET_FILES.flatMap((p) => parseSocketTable(text(p), p));
  const listeners = sockets
    .filter(isListening)
    .map((s): Listener => ({ protocol: s.protocol, address: s.localAddress, port: s.localPort, inode: s.inode, ...ownersOf(s.inode, holders, containerOf) }))
    .sort(byListener);

  return {
    inode: read.inode,
    readThrough: read.readThrough,
    fdsReadOf: read.fds.map((f) => f.pid).sort((a, b) => a - b),
    interfaces,
    addresses,
    defaultRoutes: defaultRoutes(parseRoute(text("route")), parseIpv6Route(text("ipv6_route"))).map(({ family, gateway, interface: i }) => ({ family, gateway, interface: i })),
    listeners,
    sysfs: sysfs?.path ?? null,
    problems,
  };
}

/** The pod's IP addresses: the global addresses on interfaces other than lo, IPv4 first. */
export function podAddresses(ns: Pick<NetworkNamespace, "addresses">): NetAddress[] {
  return ns.addresses.filter((a) => a.scope === "global" && a.interface !== "lo").sort((a, b) => (a.family === b.family ? 0 : a.family === "inet" ? -1 : 1));
}

/** A namespace to read: through which PID, and whose fds to read for the owners of its sockets. */
export interface NamespaceTarget {
  inode: number;
  readThrough: number;
  /** Host PIDs of the processes in it (net targets only; the fds read). */
  pids: number[];
}

/**
 * Which namespaces of a type to read: those of the containers drawn, not the host's (the
 * host's would cost as many fds as the host has processes, and belongs to no pod). Each is
 * read through its sandbox's init process when a sandbox is in it, else through the lowest
 * init PID in it; the processes in it are those of the scan in that namespace.
 */
export function namespaceTargets(
  type: "net" | "uts",
  containers: readonly { pid: number | null; role: string; namespaces: Partial<Record<string, number>> }[],
  processes: readonly { pid: number; namespaces: Partial<Record<string, number>>; inContainer: boolean }[],
  hostInode: number | undefined,
): NamespaceTarget[] {
  const through = new Map<number, { pid: number; sandbox: boolean }>();
  for (const c of containers) {
    const inode = c.namespaces[type];
    if (c.pid === null || inode === undefined || inode === hostInode) continue;
    const sandbox = c.role === "sandbox";
    const seen = through.get(inode);
    if (!seen || (sandbox && !seen.sandbox) || (sandbox === seen.sandbox && c.pid < seen.pid)) through.set(inode, { pid: c.pid, sandbox });
  }
  const pids = new Map<number, number[]>();
  if (type === "net") {
    for (const p of processes) {
      const inode = p.namespaces.net;
      if (!p.inContainer || inode === undefined || !through.has(inode)) continue;
      pids.set(inode, [...(pids.get(inode) ?? []), p.pid]);
    }
  }
  return [...through]
    .map(([inode, { pid }]) => ({ inode, readThrough: pid, pids: (pids.get(inode) ?? []).sort((a, b) => a - b) }))
    .sort((a, b) => a.inode - b.inode);
}
