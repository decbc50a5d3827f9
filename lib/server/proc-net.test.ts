import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NET_FILES_MAX_AGE_MS, NetReadCache, readHostInterfaces, readNetworkNamespaces, TCP_MAX_AGE_MS, TCP_SETTLE_MS } from "./proc-net";
import type { NetworkNamespace } from "@/lib/model/types";

/** Fake /proc trees recorded from this project's machine by scripts/record-net-fixtures.ts (see test/fixtures/README.md). */
const root = (name: string) => new URL(`../../test/fixtures/net-${name}/proc`, import.meta.url).pathname;

describe("readHostInterfaces", () => {
  it("reads the host's interfaces through PID 2's root, and the bridge each veth is enslaved to", () => {
    const host = readHostInterfaces(root("docker-demo"), 2);
    expect(host.map((h) => h.name)).toEqual(["docker0", "eth0", "ifb0", "ifb1", "lo", "pa-cri0", "vethadc935e"]);
    expect(host.find((h) => h.name === "vethadc935e")).toEqual({ name: "vethadc935e", ifindex: 145, iflink: 144, master: "docker0" });
    expect(host.find((h) => h.name === "eth0")?.master).toBeNull();
  });

  it("reads nothing where the directory is missing", () => {
    expect(readHostInterfaces(root("docker-demo"), 999)).toEqual([]);
  });
});

describe("readNetworkNamespaces", () => {
  const containers: Record<number, string> = { 4908: "pause-id", 4980: "nginx-id", 5029: "ghost-id" };
  const containerOf = (pid: number) => containers[pid] ?? null;

  it("reads the Docker demo pod through its pause: the pod IP, the default route, nginx :80 and ghost :2368, the veth on docker0", () => {
    const [ns] = readNetworkNamespaces({
      procRoot: root("docker-demo"),
      hostPid: 2,
      targets: [{ inode: 4026532184, readThrough: 4908, pids: [4908, 4980, 5029] }],
      containerOf,
    });
    expect(ns).toEqual({
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
      ],
      sysfs: "/proc/4908/root/sys/class/net",
      problems: [],
    });
  });

  it("reads an IPv6-only namespace: its address and default route from if_inet6 and ipv6_route, listeners on tcp6, udp6 and udp", () => {
    const [ns] = readNetworkNamespaces({ procRoot: root("ipv6-only"), hostPid: 2, targets: [{ inode: 4026532179, readThrough: 4576, pids: [4575, 4576, 4584, 4585, 4586] }], containerOf: () => null });
    expect(ns!.addresses.filter((a) => a.scope === "global")).toEqual([{ family: "inet6", address: "fd00:77::2", prefixLength: 64, scope: "global", interface: "eth0", from: "if_inet6" }]);
    expect(ns!.defaultRoutes).toEqual([{ family: "inet6", gateway: "fd00:77::1", interface: "eth0" }]);
    expect(ns!.listeners.map((l) => [l.protocol, l.address, l.port, l.pids])).toEqual([
      ["udp", "127.0.0.1", 5300, [4586]],
      ["udp6", "::", 5353, [4585]],
      ["tcp6", "::", 8080, [4584]],
    ]);
    // Its own sysfs: eth0's peer is peer0 in the same namespace, so no host end.
    expect(ns!.sysfs).toBe("/proc/4576/root/sys/class/net");
    expect(ns!.interfaces.map((i) => [i.name, i.ifindex, i.iflink, i.hostPeer])).toEqual([
      ["lo", 1, 1, null],
      ["peer0", 2, 3, null],
      ["eth0", 3, 2, null],
    ]);
    expect(ns!.problems).toEqual([]);
  });

  it("reads a namespace with only lo; its mount namespace shows the host's sysfs, which is not used", () => {
    const [ns] = readNetworkNamespaces({ procRoot: root("lo-only"), hostPid: 2, targets: [{ inode: 4026532178, readThrough: 4158, pids: [4157, 4158] }], containerOf: () => null });
    expect(ns!.interfaces).toEqual([{ name: "lo", ifindex: 1, iflink: null, mac: null, operstate: null, rxBytes: 0, txBytes: 0, hostPeer: null }]);
    expect(ns!.addresses.map((a) => `${a.address}/${a.prefixLength} ${a.interface}`)).toEqual(["127.0.0.1/8 lo", "::1/128 lo"]);
    expect(ns!.defaultRoutes).toEqual([]);
    expect(ns!.listeners).toEqual([]);
    expect(ns!.sysfs).toBeNull();
    expect(ns!.problems).toEqual([expect.stringMatching(/^\/proc\/4158\/root\/sys\/class\/net shows another network namespace's interfaces \(.*eth0.*\)/)]);
  });

  it("says which file it could not read, and reads nothing of a process that vanished", () => {
    const [ns] = readNetworkNamespaces({ procRoot: root("lo-only"), hostPid: 2, targets: [{ inode: 1, readThrough: 31337, pids: [31337] }], containerOf: () => null });
    expect(ns!.interfaces).toEqual([]);
    expect(ns!.problems).toEqual(expect.arrayContaining(["/proc/31337/net/dev could not be read", "/proc/31337/net/tcp could not be read"]));
  });
});

describe("NetReadCache", () => {
  /** A copy of the docker-demo tree to change, a clock, and the demo pod's namespace read with the cache. */
  function demoTree(test: (t: { dir: string; cache: NetReadCache; tick: (ms: number) => void; read: () => NetworkNamespace; ghostListens: (yes: boolean) => void }) => void, rereads?: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "net-cache-"));
    try {
      fs.cpSync(root("docker-demo"), dir, { recursive: true, verbatimSymlinks: true });
      let now = 1_000;
      const cache = new NetReadCache(() => now, rereads);
      const tcp6 = path.join(dir, "4908", "net", "tcp6");
      const original = fs.readFileSync(tcp6, "utf8");
      test({
        dir,
        cache,
        tick: (ms) => (now += ms),
        read: () => readNetworkNamespaces({ procRoot: dir, hostPid: 2, targets: [DEMO_TARGET], containerOf: () => null, cache })[0]!,
        ghostListens: (yes) => fs.writeFileSync(tcp6, yes ? original : original.replace(/\n.*:0940 .*\n/, "\n")),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const DEMO_TARGET = { inode: 4026532184, readThrough: 4908, pids: [4908, 4980, 5029] };
  const ports = (ns: NetworkNamespace) => ns.listeners.map((l) => l.port);

  it("reads tcp and tcp6 again when the sockets held change, once TCP_SETTLE_MS after, and after TCP_MAX_AGE_MS", () =>
    demoTree(({ dir, tick, read, ghostListens }) => {
      expect(ports(read())).toEqual([80, 2368]);
      // ghost's socket stops listening, its fd stays: the same sockets, the tables are not read again…
      ghostListens(false);
      tick(TCP_SETTLE_MS - 1);
      expect(ports(read())).toEqual([80, 2368]);
      // …but once more TCP_SETTLE_MS after the sockets were first seen,
      tick(1);
      expect(ports(read())).toEqual([80]);
      // then not while they stay the same (the other files are read again meanwhile)…
      ghostListens(true);
      tick(TCP_MAX_AGE_MS * 0.75 - 1);
      expect(ports(read())).toEqual([80]);
      // …until the tables are older than TCP_MAX_AGE_MS (at most 5/4 of it, by inode);
      tick(TCP_MAX_AGE_MS * 0.5);
      expect(ports(read())).toEqual([80, 2368]);
      // and at once when a process holds another socket.
      ghostListens(false);
      fs.symlinkSync("socket:[424242]", path.join(dir, "5029", "fd", "9"));
      expect(ports(read())).toEqual([80]);
    }));

  it("reads at most tcpRereadsPerSnapshot namespaces' tables again for their age or to settle, the others in later snapshots", () =>
    demoTree(({ dir, cache, tick, ghostListens }) => {
      // Three namespaces read through the same process: the fixture's files for each.
      const targets = [1, 2, 3].map((inode) => ({ ...DEMO_TARGET, inode }));
      const read = () => readNetworkNamespaces({ procRoot: dir, hostPid: 2, targets, containerOf: () => null, cache }).map((n) => n.listeners.length);
      expect(read()).toEqual([2, 2, 2]); // new: all read at once, whatever the budget
      ghostListens(false);
      tick(TCP_SETTLE_MS);
      expect(read()).toEqual([1, 1, 2]); // two settle now…
      expect(read()).toEqual([1, 1, 1]); // …the third in the next snapshot
    }, 2));

  it("reads the files other than tcp and tcp6 again after NET_FILES_MAX_AGE_MS, keeping the tables", () =>
    demoTree(({ dir, tick, read }) => {
      const first = read();
      tick(TCP_SETTLE_MS);
      read(); // settled
      fs.writeFileSync(path.join(dir, "4908", "net", "dev"), "Inter-|\n face |\n");
      tick(NET_FILES_MAX_AGE_MS * 1.25);
      const later = read();
      expect(first.interfaces.length).toBeGreaterThan(0);
      expect(later.interfaces).toEqual([]);
      expect(later.listeners).toEqual(first.listeners);
    }));

  it("reads each host interface once, and forgets those no longer listed", () => {
    const cache = new NetReadCache();
    readHostInterfaces(root("docker-demo"), 2, cache);
    expect(cache.host.get("vethadc935e")).toEqual({ name: "vethadc935e", ifindex: 145, iflink: 144, master: "docker0" });
    readHostInterfaces(root("lo-only"), 2, cache); // another host: its interfaces
    expect(cache.host.has("vethadc935e")).toBe(false);
  });
});
