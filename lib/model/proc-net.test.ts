import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  defaultRoutes,
  ipv4FromLeHex,
  ipv4InPrefix,
  ipv6FromHex,
  ipv6FromLeWordsHex,
  isListening,
  localIpv4Addresses,
  parseFibTrie,
  parseIfInet6,
  parseIpv6Route,
  parseNetDev,
  parseRoute,
  parseSocketTable,
} from "./proc-net";

/** A file of a recorded fixture (scripts/record-net-fixtures.ts): test/fixtures/net-NAME/proc/PID/net/FILE. */
const file = (name: string, pid: number, f: string) => fs.readFileSync(new URL(`../../test/fixtures/net-${name}/proc/${pid}/net/${f}`, import.meta.url), "utf8");
const DEMO = 4908; // the Docker demo pod's pause
const V6 = 4576; // the IPv6-only namespace's shell
const LO = 4158; // the namespace with only lo

describe("addresses in the kernel's hex", () => {
  it("decodes IPv4 as the socket tables and route print it (little-endian words)", () => {
    expect(ipv4FromLeHex("0100007F")).toBe("127.0.0.1");
    expect(ipv4FromLeHex("010011AC")).toBe("172.17.0.1");
    expect(ipv4FromLeHex("00000000")).toBe("0.0.0.0");
    expect(() => ipv4FromLeHex("7F")).toThrow(/not an IPv4/);
  });

  it("decodes IPv6 of tcp6 (four little-endian words) and of if_inet6 (network order), compressed as RFC 5952 says", () => {
    expect(ipv6FromLeWordsHex("00000000000000000000000000000000")).toBe("::");
    expect(ipv6FromLeWordsHex("00000000000000000000000001000000")).toBe("::1");
    expect(ipv6FromLeWordsHex("0000000000000000FFFF00000100007F")).toBe("::ffff:127.0.0.1");
    expect(ipv6FromHex("fd000077000000000000000000000002")).toBe("fd00:77::2");
    expect(ipv6FromHex("fe800000000000009466f1fffeacca8d")).toBe("fe80::9466:f1ff:feac:ca8d");
    expect(ipv6FromHex("20010db8000000010000000000000001")).toBe("2001:db8:0:1::1"); // a lone zero group stays
    expect(ipv6FromHex("20010db8000000000001000000000001")).toBe("2001:db8::1:0:0:1"); // the first of two equal runs
  });

  it("tells whether an IPv4 address is in a prefix", () => {
    expect(ipv4InPrefix("172.17.0.2", "172.17.0.0", 16)).toBe(true);
    expect(ipv4InPrefix("172.18.0.2", "172.17.0.0", 16)).toBe(false);
    expect(ipv4InPrefix("10.1.2.3", "0.0.0.0", 0)).toBe(true);
    expect(ipv4InPrefix("10.1.2.3", "10.1.2.3", 32)).toBe(true);
  });
});

describe("the socket tables", () => {
  it("reads the demo pod's tcp6: nginx's :80 and ghost's :2368 listening on every address", () => {
    const sockets = parseSocketTable(file("docker-demo", DEMO, "tcp6"), "tcp6");
    expect(sockets).toEqual([
      { protocol: "tcp6", localAddress: "::", localPort: 80, remoteAddress: "::", remotePort: 0, state: 0x0a, uid: 0, inode: 135557 },
      { protocol: "tcp6", localAddress: "::", localPort: 2368, remoteAddress: "::", remotePort: 0, state: 0x0a, uid: 0, inode: 134663 },
    ]);
    expect(sockets.every(isListening)).toBe(true);
    expect(parseSocketTable(file("docker-demo", DEMO, "tcp"), "tcp")).toEqual([]); // the header alone
  });

  it("reads UDP: bound and unconnected is listening, connected or port 0 is not", () => {
    const udp = parseSocketTable(file("ipv6-only", V6, "udp"), "udp");
    expect(udp).toEqual([{ protocol: "udp", localAddress: "127.0.0.1", localPort: 5300, remoteAddress: "0.0.0.0", remotePort: 0, state: 7, uid: 0, inode: 133012 }]);
    const udp6 = parseSocketTable(file("ipv6-only", V6, "udp6"), "udp6");
    expect(udp6.map((s) => [s.localAddress, s.localPort, isListening(s)])).toEqual([["::", 5353, true]]);
    const connected = parseSocketTable(
      "  sl  local_address rem_address   st\n  12: 0100007F:14B4 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 777 2 x 0\n",
      "udp",
    );
    expect(connected.map(isListening)).toEqual([false]);
  });

  it("skips a corrupt line and keeps the others", () => {
    const text = file("docker-demo", DEMO, "tcp6").replace("00000000000000000000000000000000:0050", "zz:0050");
    expect(parseSocketTable(text, "tcp6").map((s) => s.localPort)).toEqual([2368]);
  });
});

describe("routes", () => {
  it("reads the demo pod's IPv4 routes: default via the bridge's 172.17.0.1, 172.17.0.0/16 on eth0", () => {
    const routes = parseRoute(file("docker-demo", DEMO, "route"));
    expect(routes).toEqual([
      { interface: "eth0", destination: "0.0.0.0", gateway: "172.17.0.1", flags: 3, metric: 0, mask: "0.0.0.0", prefixLength: 0 },
      { interface: "eth0", destination: "172.17.0.0", gateway: "0.0.0.0", flags: 1, metric: 0, mask: "255.255.0.0", prefixLength: 16 },
    ]);
    expect(defaultRoutes(routes, [])).toEqual([{ family: "inet", gateway: "172.17.0.1", interface: "eth0", metric: 0 }]);
  });

  it("reads the IPv6-only namespace's ipv6_route: default via fd00:77::1, the reject routes on lo left out", () => {
    const v6 = parseIpv6Route(file("ipv6-only", V6, "ipv6_route"));
    expect(v6).toHaveLength(11);
    expect(defaultRoutes(parseRoute(file("ipv6-only", V6, "route")), v6)).toEqual([{ family: "inet6", gateway: "fd00:77::1", interface: "eth0", metric: 1024 }]);
  });

  it("finds no default route where there is none", () => {
    expect(defaultRoutes(parseRoute(file("lo-only", LO, "route")), parseIpv6Route(file("lo-only", LO, "ipv6_route")))).toEqual([]);
  });
});

describe("fib_trie", () => {
  it("reads the leaves of both tables, and the local addresses from the /32 host LOCAL ones", () => {
    const leaves = parseFibTrie(file("docker-demo", DEMO, "fib_trie"));
    expect(new Set(leaves.map((l) => l.table))).toEqual(new Set(["Main", "Local"]));
    expect(leaves).toContainEqual({ table: "Main", address: "172.17.0.0", prefixLength: 16, scope: "link", type: "UNICAST" });
    expect(leaves).toContainEqual({ table: "Local", address: "127.0.0.0", prefixLength: 8, scope: "host", type: "LOCAL" });
    expect(localIpv4Addresses(leaves)).toEqual(["127.0.0.1", "172.17.0.2"]);
  });

  it("has only 127.0.0.1 in the IPv6-only and lo-only namespaces", () => {
    expect(localIpv4Addresses(parseFibTrie(file("ipv6-only", V6, "fib_trie")))).toEqual(["127.0.0.1"]);
    expect(localIpv4Addresses(parseFibTrie(file("lo-only", LO, "fib_trie")))).toEqual(["127.0.0.1"]);
  });
});

describe("if_inet6 and dev", () => {
  it("reads IPv6 addresses with their interface, ifindex, prefix and scope", () => {
    expect(parseIfInet6(file("ipv6-only", V6, "if_inet6"))).toEqual([
      { address: "fe80::207d:17ff:fe8d:44a0", ifindex: 3, prefixLength: 64, scope: "link", flags: 0x80, interface: "eth0" },
      { address: "fe80::2c1d:edff:fef8:2f97", ifindex: 2, prefixLength: 64, scope: "link", flags: 0x80, interface: "peer0" },
      { address: "fd00:77::2", ifindex: 3, prefixLength: 64, scope: "global", flags: 0x82, interface: "eth0" },
      { address: "::1", ifindex: 1, prefixLength: 128, scope: "host", flags: 0x80, interface: "lo" },
    ]);
    expect(parseIfInet6(file("docker-demo", DEMO, "if_inet6"))).toEqual([]); // IPv6 off in Docker's default bridge network
  });

  it("reads interfaces and their counters from dev", () => {
    expect(parseNetDev(file("docker-demo", DEMO, "dev"))).toEqual([
      { name: "lo", rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 },
      { name: "eth0", rxBytes: 806, rxPackets: 9, txBytes: 0, txPackets: 0 },
    ]);
    expect(parseNetDev(file("lo-only", LO, "dev")).map((d) => d.name)).toEqual(["lo"]);
  });
});
