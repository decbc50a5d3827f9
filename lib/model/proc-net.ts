/**
 * Parsers of the files of /proc/PID/net (one network namespace: the one PID is in), in the
 * kernel's formats (proc(5); net/ipv4/tcp_ipv4.c, net/ipv4/udp.c, net/ipv4/fib_trie.c,
 * net/ipv4/route.c, net/ipv6/addrconf.c, net/ipv6/route.c, net/core/net-procfs.c).
 * Text in, data out. Pure: no I/O.
 *
 * Byte order: the socket tables (tcp, udp: 8 hex digits; tcp6, udp6: four 8-digit words)
 * and /proc/net/route print each 32-bit word as the CPU holds it, little-endian on x86 and
 * arm64 (the machines Pod Anatomy runs on); if_inet6 and ipv6_route print the 16 bytes in
 * network order.
 */

import type { SocketProtocol } from "./types";

export type { SocketProtocol };

/** One line of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface SocketEntry {
  protocol: SocketProtocol;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The `st` column: a TCP state number (0x0A LISTEN; UDP uses 0x07 CLOSE when unconnected, 0x01 when connected). */
  state: number;
  uid: number;
  /** The socket's inode: /proc/PID/fd/N → `socket:[inode]` in the process holding it. */
  inode: number;
}

export const TCP_LISTEN = 0x0a;
export const TCP_CLOSE = 0x07;

/** One little-endian 32-bit word of hex → its 4 bytes in memory order. */
function leWordBytes(hex: string): number[] {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** "0100007F" (tcp, route) → "127.0.0.1". */
export function ipv4FromLeHex(hex: string): string {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) throw new Error(`not an IPv4 address in hex: ${JSON.stringify(hex)}`);
  return leWordBytes(hex).join(".");
}

/** 16 bytes → IPv6 text as RFC 5952 writes it (lowercase, longest zero run as ::, IPv4-mapped as ::ffff:a.b.c.d). */
export function ipv6FromBytes(bytes: number[]): string {
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => (bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join(".")}`;
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** tcp6/udp6's 32 hex digits: four 32-bit words, each little-endian. */
export function ipv6FromLeWordsHex(hex: string): string {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) throw new Error(`not an IPv6 address in hex: ${JSON.stringify(hex)}`);
  return ipv6FromBytes([0, 1, 2, 3].flatMap((w) => leWordBytes(hex.slice(w * 8, w * 8 + 8))));
}

/** if_inet6 / ipv6_route's 32 hex digits, in network order. */
export function ipv6FromHex(hex: string): string {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) throw new Error(`not an IPv6 address in hex: ${JSON.stringify(hex)}`);
  return ipv6FromBytes(Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)));
}

/** The lines after the header line, non-empty, split on whitespace. */
function rows(text: string): string[][] {
  return text
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => l.split(/\s+/));
}

/** /proc/net/{tcp,tcp6,udp,udp6}: every socket of the namespace. Lines that do not parse are skipped. */
export function parseSocketTable(text: string, protocol: SocketProtocol): SocketEntry[] {
  const decode = protocol.endsWith("6") ? ipv6FromLeWordsHex : ipv4FromLeHex;
  const out: SocketEntry[] = [];
  for (const f of rows(text)) {
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const [local, remote] = [f[1]!.split(":"), f[2]!.split(":")];
    try {
      out.push({
        protocol,
        localAddress: decode(local[0]!),
        localPort: parseInt(local[1]!, 16),
        remoteAddress: decode(remote[0]!),
        remotePort: parseInt(remote[1]!, 16),
        state: parseInt(f[3]!, 16),
        uid: Number(f[7]),
        inode: Number(f[9]),
      });
    } catch {
      // a corrupt line: left out
    }
  }
  return out;
}

/**
 * The sockets that wait for others: TCP in LISTEN; UDP bound to a port and connected to no
 * one (state CLOSE, remote 0:0), which is how a UDP server waits.
 */
export function isListening(s: SocketEntry): boolean {
  if (s.protocol === "tcp" || s.protocol === "tcp6") return s.state === TCP_LISTEN;
  return s.state === TCP_CLOSE && s.remotePort === 0 && s.localPort !== 0;
}

/** One line of /proc/net/route (the main IPv4 routing table). */
export interface RouteEntry {
  interface: string;
  destination: string;
  gateway: string;
  /** RTF_* flags: 0x1 UP, 0x2 GATEWAY, 0x4 HOST, 0x200 REJECT. */
  flags: number;
  metric: number;
  mask: string;
  prefixLength: number;
}

export const RTF_UP = 0x1;
export const RTF_GATEWAY = 0x2;
export const RTF_REJECT = 0x200;

function prefixLengthOfMask(maskLeHex: string): number {
  return leWordBytes(maskLeHex).reduce((n, b) => n + b.toString(2).replaceAll("0", "").length, 0);
}

/** /proc/net/route: `Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`. */
export function parseRoute(text: string): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const f of rows(text)) {
    if (f.length < 8) continue;
    try {
      out.push({
        interface: f[0]!,
        destination: ipv4FromLeHex(f[1]!),
        gateway: ipv4FromLeHex(f[2]!),
        flags: parseInt(f[3]!, 16),
        metric: Number(f[6]),
        mask: ipv4FromLeHex(f[7]!),
        prefixLength: prefixLengthOfMask(f[7]!),
      });
    } catch {
      // a corrupt line: left out
    }
  }
  return out;
}

/** One line of /proc/net/ipv6_route. */
export interface Ipv6RouteEntry {
  destination: string;
  prefixLength: number;
  nextHop: string;
  metric: number;
  flags: number;
  interface: string;
}

/** /proc/net/ipv6_route: `dest dest_plen src src_plen next_hop metric refcnt use flags iface` (hex, network order). */
export function parseIpv6Route(text: string): Ipv6RouteEntry[] {
  const out: Ipv6RouteEntry[] = [];
  // No header line: every line is a route.
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    try {
      out.push({
        destination: ipv6FromHex(f[0]!),
        prefixLength: parseInt(f[1]!, 16),
        nextHop: ipv6FromHex(f[4]!),
        metric: parseInt(f[5]!, 16),
        flags: parseInt(f[8]!, 16),
        interface: f[9]!,
      });
    } catch {
      // a corrupt line: left out
    }
  }
  return out;
}

/** A default route: where packets to anywhere else go. */
export interface DefaultRoute {
  family: "inet" | "inet6";
  gateway: string;
  interface: string;
  metric: number;
}

/** The default routes (0.0.0.0/0, ::/0) through a gateway, lowest metric first; reject routes left out. */
export function defaultRoutes(v4: RouteEntry[], v6: Ipv6RouteEntry[]): DefaultRoute[] {
  const four = v4
    .filter((r) => r.prefixLength === 0 && r.destination === "0.0.0.0" && (r.flags & RTF_UP) !== 0 && (r.flags & RTF_GATEWAY) !== 0)
    .map((r): DefaultRoute => ({ family: "inet", gateway: r.gateway, interface: r.interface, metric: r.metric }));
  const six = v6
    .filter((r) => r.prefixLength === 0 && (r.flags & RTF_REJECT) === 0 && (r.flags & RTF_GATEWAY) !== 0)
    .map((r): DefaultRoute => ({ family: "inet6", gateway: r.nextHop, interface: r.interface, metric: r.metric }));
  return [...four.sort((a, b) => a.metric - b.metric), ...six.sort((a, b) => a.metric - b.metric)];
}

/** One prefix of a leaf of /proc/net/fib_trie: `|-- 172.17.0.2` then `/32 host LOCAL`. */
export interface FibLeaf {
  /** "Main" or "Local" (or another table's name; one section when the kernel merged them). */
  table: string;
  address: string;
  prefixLength: number;
  /** Route scope: "host", "link", "universe", … */
  scope: string;
  /** Route type: "LOCAL", "UNICAST", "BROADCAST", … */
  type: string;
}

/** /proc/net/fib_trie: the IPv4 routing tables as tries; each leaf with its prefixes. */
export function parseFibTrie(text: string): FibLeaf[] {
  const out: FibLeaf[] = [];
  let table = "";
  let address: string | null = null;
  for (const line of text.split("\n")) {
    const section = /^(\S[^:]*):\s*$/.exec(line);
    if (section) {
      table = section[1]!;
      address = null;
      continue;
    }
    const leaf = /^\s*\|--\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (leaf) {
      address = leaf[1]!;
      continue;
    }
    if (/^\s*\+--/.test(line)) {
      address = null;
      continue;
    }
    const prefix = /^\s*\/(\d+)\s+(\S+)\s+(\S+)/.exec(line);
    if (prefix && address !== null) out.push({ table, address, prefixLength: Number(prefix[1]), scope: prefix[2]!, type: prefix[3]! });
  }
  return out;
}

/** The namespace's own IPv4 addresses: fib_trie's `/32 host LOCAL` leaves (each once). */
export function localIpv4Addresses(leaves: FibLeaf[]): string[] {
  return [...new Set(leaves.filter((l) => l.prefixLength === 32 && l.type === "LOCAL").map((l) => l.address))];
}

/** One line of /proc/net/if_inet6: `address ifindex prefixlen scope flags name`. */
export interface Inet6Address {
  address: string;
  ifindex: number;
  prefixLength: number;
  /** "host" (::1), "link" (fe80::), "site", or "global" (from the scope value: 0x10, 0x20, 0x40, 0x00). */
  scope: string;
  /** IFA_F_* flags (0x80 permanent, 0x40 tentative, 0x20 deprecated, 0x02 nodad, …). */
  flags: number;
  interface: string;
}

const IPV6_SCOPES: Record<number, string> = { 0x00: "global", 0x10: "host", 0x20: "link", 0x40: "site" };

export function parseIfInet6(text: string): Inet6Address[] {
  const out: Inet6Address[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    try {
      const scope = parseInt(f[3]!, 16);
      out.push({
        address: ipv6FromHex(f[0]!),
        ifindex: parseInt(f[1]!, 16),
        prefixLength: parseInt(f[2]!, 16),
        scope: IPV6_SCOPES[scope & 0xf0] ?? `0x${scope.toString(16)}`,
        flags: parseInt(f[4]!, 16),
        interface: f[5]!,
      });
    } catch {
      // a corrupt line: left out
    }
  }
  return out;
}

/** One interface of /proc/net/dev, with its counters. */
export interface NetDevEntry {
  name: string;
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

/** /proc/net/dev: two header lines, then `name: 8 receive counters 8 transmit counters`. */
export function parseNetDev(text: string): NetDevEntry[] {
  const out: NetDevEntry[] = [];
  for (const line of text.split("\n").slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const n = m[2]!.trim().split(/\s+/).map(Number);
    if (n.length < 16 || n.some((x) => !Number.isFinite(x))) continue;
    out.push({ name: m[1]!, rxBytes: n[0]!, rxPackets: n[1]!, txBytes: n[8]!, txPackets: n[9]! });
  }
  return out;
}

/** Does `address` lie in `network`/`prefixLength` (IPv4 dotted quads)? */
export function ipv4InPrefix(address: string, network: string, prefixLength: number): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, b) => n * 256 + Number(b), 0);
  if (prefixLength === 0) return true;
  const size = 2 ** (32 - prefixLength);
  return Math.floor(toInt(address) / size) === Math.floor(toInt(network) / size);
}
