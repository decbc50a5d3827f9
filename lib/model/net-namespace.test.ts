import { describe, expect, it } from "vitest";
import { buildNetworkNamespace, hostPeerOf, namespaceTargets, podAddresses } from "./net-namespace";

const HOST = [
  { name: "docker0", ifindex: 5, iflink: 5, master: null },
  { name: "veth1", ifindex: 145, iflink: 144, master: "docker0" },
  { name: "veth2", ifindex: 146, iflink: 7, master: "cni0" },
];

describe("hostPeerOf", () => {
  it("finds the host end of a veth: its ifindex is our iflink and its iflink our ifindex", () => {
    expect(hostPeerOf({ ifindex: 144, iflink: 145 }, HOST)).toEqual({ name: "veth1", ifindex: 145, master: "docker0" });
  });
  it("finds none for lo, for a peer whose iflink is another's (ifindex collide across namespaces), or without sysfs", () => {
    expect(hostPeerOf({ ifindex: 1, iflink: 1 }, HOST)).toBeNull();
    expect(hostPeerOf({ ifindex: 144, iflink: 146 }, HOST)).toBeNull();
    expect(hostPeerOf({ ifindex: 144, iflink: null }, HOST)).toBeNull();
  });
});

const DEV = "Inter-|\n face |\n    lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n  eth0: 1 1 0 0 0 0 0 0 2 2 0 0 0 0 0 0\n";
// A Calico-style pod: a /32 address on eth0, no connected route holding it, default via 169.254.1.1.
const FIB = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n     |-- 10.244.1.7\n        /32 host LOCAL\nLocal:\n     |-- 127.0.0.1\n        /32 host LOCAL\n";
const ROUTE = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n eth0\t00000000\t0101FEA9\t0003\t0\t0\t0\t00000000\n eth0\t0101FEA9\t00000000\t0005\t0\t0\t0\tFFFFFFFF\n";

describe("buildNetworkNamespace", () => {
  it("puts an address no route holds on the one interface besides lo, and says so", () => {
    const ns = buildNetworkNamespace({ inode: 9, readThrough: 1, files: { dev: DEV, fib_trie: FIB, route: ROUTE }, sysfs: null, fds: [] }, HOST, () => null);
    expect(ns.addresses).toEqual([
      { family: "inet", address: "10.244.1.7", prefixLength: 32, scope: "global", interface: "eth0", from: "fib_trie+only-interface" },
      { family: "inet", address: "127.0.0.1", prefixLength: 32, scope: "host", interface: null, from: "fib_trie" },
    ]);
    expect(ns.defaultRoutes).toEqual([{ family: "inet", gateway: "169.254.1.1", interface: "eth0" }]);
    expect(podAddresses(ns).map((a) => a.address)).toEqual(["10.244.1.7"]);
  });

  it("does not use a sysfs whose ifindex differ from if_inet6's (another namespace's interfaces of the same names)", () => {
    const ifInet6 = "fd000000000000000000000000000002 02 40 00 80 eth0\n";
    const sysfs = {
      path: "/proc/1/root/sys/class/net",
      interfaces: { lo: { ifindex: 1, iflink: 1, address: null, operstate: null }, eth0: { ifindex: 4, iflink: 4, address: null, operstate: null } },
    };
    const ns = buildNetworkNamespace({ inode: 9, readThrough: 1, files: { dev: DEV, fib_trie: FIB, route: ROUTE, if_inet6: ifInet6, tcp: "", udp: "" }, sysfs, fds: [] }, HOST, () => null);
    expect(ns.sysfs).toBeNull();
    expect(ns.interfaces.find((i) => i.name === "eth0")).toMatchObject({ ifindex: 2, iflink: null });
    expect(ns.problems).toEqual(["/proc/1/root/sys/class/net shows another network namespace's interfaces (eth0, lo): ifindex and iflink not shown"]);
  });
});

describe("namespaceTargets", () => {
  const HOST_NET = 100;
  const containers = [
    { pid: 30, role: "member", namespaces: { net: 200, uts: 301 } },
    { pid: 20, role: "sandbox", namespaces: { net: 200, uts: 300 } },
    { pid: 40, role: "standalone", namespaces: { net: HOST_NET, uts: 302 } },
    { pid: null, role: "member", namespaces: {} },
    { pid: 50, role: "standalone", namespaces: { net: 201, uts: 303 } },
    { pid: 45, role: "standalone", namespaces: { net: 201, uts: 303 } },
  ];
  const processes = [
    { pid: 20, namespaces: { net: 200 }, inContainer: true },
    { pid: 30, namespaces: { net: 200 }, inContainer: true },
    { pid: 31, namespaces: { net: 200 }, inContainer: true },
    { pid: 40, namespaces: { net: HOST_NET }, inContainer: true },
    { pid: 45, namespaces: { net: 201 }, inContainer: true },
    { pid: 1, namespaces: { net: HOST_NET }, inContainer: false },
  ];

  it("reads each container's net namespace once, through its sandbox or else the lowest PID, never the host's", () => {
    expect(namespaceTargets("net", containers, processes, HOST_NET)).toEqual([
      { inode: 200, readThrough: 20, pids: [20, 30, 31] },
      { inode: 201, readThrough: 45, pids: [45] },
    ]);
  });

  it("reads each uts namespace once", () => {
    expect(namespaceTargets("uts", containers, [], 999).map((t) => [t.inode, t.readThrough])).toEqual([
      [300, 20],
      [301, 30],
      [302, 40],
      [303, 45],
    ]);
  });
});
