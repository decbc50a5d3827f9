import { describe, expect, it } from "vitest";
import type { NetworkNamespace } from "@/lib/model/types";
import { container } from "@/test/support/model-builders";
import { defaultRouteLines, hostnameSource, listenedPorts, networkOf, podIpLines, publishedPortLabel, vethLines } from "./pod-network";

/** The Docker demo pod's namespace as lib/server/proc-net.test.ts reads it from the recorded fixture. */
const NS: NetworkNamespace = {
  inode: 4026532184,
  readThrough: 4908,
  fdsReadOf: [4908, 4980, 5029],
  interfaces: [
    { name: "lo", ifindex: 1, iflink: 1, mac: "00:00:00:00:00:00", operstate: "unknown", rxBytes: 0, txBytes: 0, hostPeer: null },
    { name: "eth0", ifindex: 144, iflink: 145, mac: "02:42:ac:11:00:02", operstate: "up", rxBytes: 806, txBytes: 0, hostPeer: { name: "vethadc935e", ifindex: 145, master: "docker0" } },
  ],
  addresses: [
    { family: "inet", address: "127.0.0.1", prefixLength: 8, scope: "host", interface: "lo", from: "fib_trie+loopback" },
    { family: "inet", address: "172.17.0.2", prefixLength: 16, scope: "global", interface: "eth0", from: "fib_trie+route" },
  ],
  defaultRoutes: [{ family: "inet", gateway: "172.17.0.1", interface: "eth0" }],
  listeners: [
    { protocol: "tcp6", address: "::", port: 80, inode: 135557, pids: [4980], containerIds: ["nginx-id"] },
    { protocol: "tcp6", address: "::", port: 2368, inode: 134663, pids: [5029], containerIds: ["ghost-id"] },
    { protocol: "udp", address: "127.0.0.1", port: 5300, inode: 7, pids: [5029], containerIds: ["ghost-id"] },
  ],
  sysfs: "/proc/4908/root/sys/class/net",
  problems: [],
};

describe("the network facts drawn", () => {
  it("finds a container's namespace by its net inode", () => {
    expect(networkOf({ networks: [NS] }, container({ id: "x", namespaces: { net: 4026532184 } }))).toBe(NS);
    expect(networkOf({ networks: [NS] }, container({ id: "x", namespaces: {} }))).toBeUndefined();
  });

  it("puts the pod IP on the hub, from fib_trie and route", () => {
    expect(podIpLines(NS)).toEqual([
      { label: "172.17.0.2/16", source: "172.17.0.2/16 on eth0 — a /32 host LOCAL leaf of /proc/4908/net/fib_trie, in the connected route of eth0 in /proc/4908/net/route" },
    ]);
  });

  it("gives each member the ports it listens on, with the socket table and the fd that show it", () => {
    expect(listenedPorts(NS, "nginx-id")).toEqual([
      { label: ":80", source: "tcp6 [::]:80 LISTEN — socket inode 135557 in /proc/4908/net/tcp6, held by PID 4980 (/proc/4980/fd → socket:[135557])" },
    ]);
    expect(listenedPorts(NS, "ghost-id").map((p) => p.label)).toEqual([":2368", "udp 127.0.0.1:5300"]);
    expect(listenedPorts(NS, "pause-id")).toEqual([]);
  });

  it("writes published ports as the runtime binds them", () => {
    expect(publishedPortLabel({ hostIp: "127.0.0.1", hostPort: 8880, containerPort: 80, protocol: "tcp" })).toBe("127.0.0.1:8880 → :80");
    expect(publishedPortLabel({ hostIp: "", hostPort: 53, containerPort: 53, protocol: "udp" })).toBe("0.0.0.0:53 → :53/udp");
  });

  it("shows the veth's host end and its bridge, from both sysfs", () => {
    const [veth] = vethLines(NS, { namespacesFrom: 2 });
    expect(veth!.label).toBe("eth0 ⇄ vethadc935e · docker0");
    expect(veth!.source).toContain("/proc/2/root/sys/class/net/vethadc935e/{ifindex,iflink}");
    expect(veth!.source).toContain("readlink /proc/2/root/sys/class/net/vethadc935e/master");
    expect(defaultRouteLines(NS)).toEqual([{ label: "default via 172.17.0.1 dev eth0", source: "from /proc/4908/net/route (destination 0.0.0.0/0, gateway flag)" }]);
  });

  it("says how a hostname was read, or why not", () => {
    expect(hostnameSource({ inode: 5, hostname: "ccea04cd78d7", readThrough: 4908, problem: null })).toBe("uts:[5] — nsenter -t 4908 -u uname -n (the kernel's nodename in that uts namespace)");
    expect(hostnameSource({ inode: 5, hostname: null, readThrough: 4908, problem: "nsenter: permission denied" })).toBe("nsenter: permission denied");
  });
});
