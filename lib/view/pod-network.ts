/**
 * The network facts drawn for a pod and its containers, and where each was read: the pod's
 * IP (on the hub), the ports each member listens on, the published ports of the sandbox, the
 * host end of the pod's veth and its bridge, each uts namespace's hostname. Pure: snapshot
 * data in, short texts and their sources (tooltips, the details panel) out.
 */
import { podAddresses } from "@/lib/model/net-namespace";
import type { Container, HostFacts, Listener, NetAddress, NetInterface, NetworkNamespace, PortBinding, Snapshot, UtsHostname } from "@/lib/model/types";

/** The network namespace a container is in, when it was read. */
export function networkOf(snapshot: Pick<Snapshot, "networks">, container: Pick<Container, "namespaces">): NetworkNamespace | undefined {
  const inode = container.namespaces.net;
  return inode === undefined ? undefined : snapshot.networks.find((n) => n.inode === inode);
}

/** The hostname of a container's uts namespace, when it was read. */
export function hostnameOf(snapshot: Pick<Snapshot, "hostnames">, container: Pick<Container, "namespaces">): UtsHostname | undefined {
  const inode = container.namespaces.uts;
  return inode === undefined ? undefined : snapshot.hostnames.find((h) => h.inode === inode);
}

/** `[::]:80` as ss prints it: an IPv6 address in brackets. */
export function socketAddress(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Where a listener was read: its line in the socket table, and the fd links holding it. */
export function listenerSource(ns: Pick<NetworkNamespace, "readThrough">, l: Listener): string {
  const table = `/proc/${ns.readThrough}/net/${l.protocol}`;
  const state = l.protocol.startsWith("tcp") ? "LISTEN" : "bound, unconnected";
  const held =
    l.pids.length === 0
      ? "held by no process read (its owner is outside the containers drawn)"
      : `held by PID ${l.pids.join(", ")} (${l.pids.map((p) => `/proc/${p}/fd`).join(", ")} → socket:[${l.inode}])`;
  return `${l.protocol} ${socketAddress(l.address, l.port)} ${state} — socket inode ${l.inode} in ${table}, ${held}`;
}

/** The ports a container listens on, each once (`:80`, `udp :53`), and the sources of each. */
export function listenedPorts(ns: NetworkNamespace | undefined, containerId: string): { label: string; source: string }[] {
  if (!ns) return [];
  const byLabel = new Map<string, string[]>();
  for (const l of ns.listeners) {
    if (!l.containerIds.includes(containerId)) continue;
    const proto = l.protocol.startsWith("udp") ? "udp " : "";
    const local = l.address === "127.0.0.1" || l.address === "::1" ? socketAddress(l.address, l.port) : `:${l.port}`;
    const label = `${proto}${local}`;
    byLabel.set(label, [...(byLabel.get(label) ?? []), listenerSource(ns, l)]);
  }
  return [...byLabel].map(([label, sources]) => ({ label, source: sources.join("\n") }));
}

/** Where an address was read. */
export function addressSource(ns: Pick<NetworkNamespace, "readThrough">, a: NetAddress): string {
  const net = `/proc/${ns.readThrough}/net`;
  const on = a.interface ?? "an interface the files do not name";
  switch (a.from) {
    case "if_inet6":
      return `${a.address}/${a.prefixLength} on ${on} — from ${net}/if_inet6`;
    case "fib_trie+route":
      return `${a.address}/${a.prefixLength} on ${on} — a /32 host LOCAL leaf of ${net}/fib_trie, in the connected route of ${on} in ${net}/route`;
    case "fib_trie+loopback":
      return `${a.address}/${a.prefixLength} on ${on} — a /32 host LOCAL leaf of ${net}/fib_trie, in its ${a.prefixLength === 8 ? "127.0.0.0/8" : "host"} LOCAL range (the loopback's)`;
    case "fib_trie+only-interface":
      return `${a.address}/32 on ${on} — a /32 host LOCAL leaf of ${net}/fib_trie; no route of ${net}/route holds it, ${on} is the only interface besides lo`;
    case "fib_trie":
      return `${a.address} — a /32 host LOCAL leaf of ${net}/fib_trie (its interface is not told)`;
  }
}

/** The pod IPs as drawn on the hub (`172.17.0.2/16`), with their sources. */
export function podIpLines(ns: NetworkNamespace | undefined): { label: string; source: string }[] {
  if (!ns) return [];
  return podAddresses(ns).map((a) => ({ label: `${a.address}/${a.prefixLength}`, source: addressSource(ns, a) }));
}

/** `127.0.0.1:8880 → :80`, and `/udp` when it is not TCP. */
export function publishedPortLabel(p: PortBinding): string {
  const host = p.hostIp === "" ? "0.0.0.0" : p.hostIp;
  return `${socketAddress(host, p.hostPort)} → :${p.containerPort}${p.protocol === "tcp" ? "" : `/${p.protocol}`}`;
}

export function publishedPortSource(c: Pick<Container, "runtime" | "name">, p: PortBinding): string {
  return `${publishedPortLabel(p)} — published by ${c.runtime} for ${c.name} (the runtime's port bindings, docker inspect / the pod's port mappings): the host's ${socketAddress(p.hostIp || "0.0.0.0", p.hostPort)} forwards to ${p.containerPort}/${p.protocol} in the pod`;
}

/** The sysfs directory of a host interface, as read: through the host's PID (1, or 2). */
export const hostSysfs = (host: Pick<HostFacts, "namespacesFrom">, name: string) => `/proc/${host.namespacesFrom}/root/sys/class/net/${name}`;

/** The veth of the pod, its host end and the bridge that end is on: `eth0 ⇄ vethadc935e · docker0`, with its sources. */
export function vethLines(ns: NetworkNamespace | undefined, host: Pick<HostFacts, "namespacesFrom">): { iface: NetInterface; label: string; source: string }[] {
  if (!ns) return [];
  return ns.interfaces.flatMap((i) => {
    const peer = i.hostPeer;
    if (!peer) return [];
    const label = `${i.name} ⇄ ${peer.name}${peer.master ? ` · ${peer.master}` : ""}`;
    const source = [
      `${i.name}: ifindex ${i.ifindex}, iflink ${i.iflink} — from ${ns.sysfs ?? `/proc/${ns.readThrough}/root/sys/class/net`}/${i.name}/{ifindex,iflink}`,
      `host end ${peer.name}: ifindex ${peer.ifindex} (= ${i.name}'s iflink), iflink ${i.ifindex} (= ${i.name}'s ifindex) — from ${hostSysfs(host, peer.name)}/{ifindex,iflink}`,
      peer.master ? `bridge ${peer.master} — readlink ${hostSysfs(host, peer.name)}/master` : `${peer.name} has no master: it hangs on no bridge`,
    ].join("\n");
    return [{ iface: i, label, source }];
  });
}

/** The default routes as `via 172.17.0.1 dev eth0`, with their sources. */
export function defaultRouteLines(ns: NetworkNamespace | undefined): { label: string; source: string }[] {
  if (!ns) return [];
  return ns.defaultRoutes.map((r) => ({
    label: `default via ${r.gateway} dev ${r.interface}`,
    source: `from /proc/${ns.readThrough}/net/${r.family === "inet" ? "route" : "ipv6_route"} (destination ${r.family === "inet" ? "0.0.0.0/0" : "::/0"}, gateway flag)`,
  }));
}

/** Where a hostname was read. */
export function hostnameSource(h: UtsHostname): string {
  return h.hostname === null ? (h.problem ?? "not read") : `uts:[${h.inode}] — nsenter -t ${h.readThrough} -u uname -n (the kernel's nodename in that uts namespace)`;
}
