/**
 * The pod's network, on the real engine and the real kernel: the pod IP, the listening sockets
 * and who owns them, the host end of the veth and its bridge, the uts hostname — what the
 * API reports must be what `ip` (through nsenter), the host's sysfs and the runtime say.
 * Publishes 127.0.0.1:8880: run under `flock /tmp/pa-8880.lock`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN, type Container, type NetworkNamespace, type Pod, type Snapshot } from "@/lib/model/types";
import { createDemoPod, deletePod, fetchToken, getSnapshot, pageHeaders, rawRequest, removeByLabel, until } from "../support/api";
import { dockerInspect } from "../support/kernel";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

/** What the kernel says, through iproute2 in the namespace: the global IPv4 addresses of `nsenter -t PID -n ip -4 addr`. */
function ipv4Of(pid: number): string[] {
  const out = execFileSync("nsenter", ["-t", String(pid), "-n", "ip", "-4", "-o", "addr"], { encoding: "utf8" });
  return [...out.matchAll(/inet (\S+) .*scope global/g)].map((m) => m[1]!);
}

/** `eth0@if145` of `ip -o link` in the namespace: eth0's ifindex and iflink. */
function linkOf(pid: number, name: string): { ifindex: number; iflink: number } {
  const out = execFileSync("nsenter", ["-t", String(pid), "-n", "ip", "-o", "link", "show", name], { encoding: "utf8" });
  const m = /^(\d+): [^@:]+@if(\d+):/.exec(out);
  if (!m) throw new Error(`ip -o link show ${name}: ${out}`);
  return { ifindex: Number(m[1]), iflink: Number(m[2]) };
}

/** These waits: up to 60 s, asked every 0.5 s. */
const WAIT = { seconds: 60, everyMs: 500 };

const podNamed = (s: Snapshot, name: string) => s.pods.find((p) => p.name === name);
const byId = (s: Snapshot, id: string) => s.containers.find((c) => c.id === id)!;
const networkOf = (s: Snapshot, c: Container) => s.networks.find((n) => n.inode === c.namespaces.net);
const ownerOfPort = (ns: NetworkNamespace | undefined, port: number) => ns?.listeners.filter((l) => l.port === port).flatMap((l) => l.containerIds);

/** The snapshot once the pod's members listen on `ports`. */
function listening(name: string, ports: number[]) {
  return until(`pod ${name} listening on ${ports.join(", ")}`, async () => {
    const s = await getSnapshot();
    const pod = podNamed(s, name);
    const ns = pod && networkOf(s, byId(s, pod.sandboxId));
    return ns && ports.every((p) => (ownerOfPort(ns, p) ?? []).length > 0) ? s : undefined;
  }, WAIT);
}

describe("the Docker demo pod's network", () => {
  let token = "";
  let name = "";
  let snapshot: Snapshot;
  let pod: Pod;
  let sandbox: Container;
  let ns: NetworkNamespace;
  const member = (word: string) => pod.memberIds.map((id) => byId(snapshot, id)).find((c) => c.name.endsWith(`-${word}`))!;

  beforeAll(async () => {
    token = await fetchToken();
    const res = await createDemoPod(token);
    expect(res.status, res.body).toBe(201);
    name = (JSON.parse(res.body) as { pod: { name: string } }).pod.name;
    snapshot = await listening(name, [80, 2368]);
    pod = podNamed(snapshot, name)!;
    sandbox = byId(snapshot, pod.sandboxId);
    ns = networkOf(snapshot, sandbox)!;
  });

  afterAll(async () => {
    if (name) await deletePod(token, name).catch(() => undefined);
    removeByLabel(`${LABEL_RUN}=${RUN_ID}`);
  });

  it("has one record for the pod's namespace, read through the pause, and none for the host's", () => {
    expect(ns).toBeDefined();
    expect(ns.readThrough).toBe(sandbox.pid);
    for (const id of pod.memberIds) expect(byId(snapshot, id).namespaces.net).toBe(ns.inode);
    const hostNet = fs.readlinkSync(`/proc/${snapshot.host.namespacesFrom}/ns/net`);
    expect(snapshot.networks.map((n) => `net:[${n.inode}]`)).not.toContain(hostNet);
    expect(ns.problems).toEqual([]);
  });

  it("reports the pod IP that `nsenter -t <pause> -n ip -4 addr` prints, on eth0", () => {
    const kernel = ipv4Of(sandbox.pid!);
    expect(kernel.length).toBeGreaterThan(0);
    const reported = ns.addresses.filter((a) => a.family === "inet" && a.scope === "global").map((a) => `${a.address}/${a.prefixLength}`);
    expect(reported).toEqual(kernel);
    expect(ns.addresses.find((a) => a.scope === "global")?.interface).toBe("eth0");
    const route = execFileSync("nsenter", ["-t", String(sandbox.pid), "-n", "ip", "-4", "route", "show", "default"], { encoding: "utf8" });
    expect(ns.defaultRoutes.filter((r) => r.family === "inet").map((r) => `default via ${r.gateway} dev ${r.interface}`)).toEqual([route.trim().split(/\s+/).slice(0, 5).join(" ")]);
  });

  it("attributes :80 to nginx and :2368 to ghost, and nothing to the pause", () => {
    expect(ownerOfPort(ns, 80)).toEqual([member("nginx").id]);
    expect(ownerOfPort(ns, 2368)).toEqual([member("ghost").id]);
    expect(ns.listeners.flatMap((l) => l.containerIds)).not.toContain(sandbox.id);
    // The PIDs named are in the container's cgroup, and hold the socket: /proc/PID/fd → socket:[inode].
    for (const l of ns.listeners.filter((x) => x.port === 80 || x.port === 2368)) {
      for (const pid of l.pids) {
        const links = fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
          try {
            return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return "";
          }
        });
        expect(links).toContain(`socket:[${l.inode}]`);
      }
    }
  });

  it("finds the host end of eth0 (ifindex = eth0's iflink and back) and its bridge, as ip and the host's sysfs say", () => {
    const eth0 = ns.interfaces.find((i) => i.name === "eth0")!;
    const kernel = linkOf(sandbox.pid!, "eth0");
    expect({ ifindex: eth0.ifindex, iflink: eth0.iflink }).toEqual(kernel);
    const hostEnd = fs.readdirSync("/sys/class/net").find((n) => fs.readFileSync(`/sys/class/net/${n}/ifindex`, "utf8").trim() === String(kernel.iflink))!;
    const master = fs.readlinkSync(`/sys/class/net/${hostEnd}/master`).split("/").pop();
    expect(eth0.hostPeer).toEqual({ name: hostEnd, ifindex: kernel.iflink, master });
    expect(master).toBe("docker0");
  });

  it("reads each container's hostname from its uts namespace: what Docker set (Config.Hostname)", async () => {
    const containers = [sandbox, member("nginx"), member("ghost")];
    // A new namespace's hostname may come a snapshot later (HOSTNAME_WAIT_MS).
    const s = await until("the hostnames read", async () => {
      const snap = await getSnapshot();
      return containers.every((c) => snap.hostnames.find((h) => h.inode === c.namespaces.uts)?.hostname) ? snap : undefined;
    }, WAIT);
    for (const c of containers) {
      const uts = s.hostnames.find((h) => h.inode === c.namespaces.uts);
      const [raw] = JSON.parse(execFileSync("docker", ["inspect", c.id], { encoding: "utf8" })) as { Config: { Hostname: string } }[];
      expect(uts, `${c.name}'s uts namespace`).toMatchObject({ hostname: raw!.Config.Hostname, problem: null });
    }
  });

  it("names the net and uts reads in Server-Timing", async () => {
    const res = await rawRequest("GET", "/api/snapshot", pageHeaders(token));
    expect(String(res.headers["server-timing"])).toMatch(/net;dur=\d+(\.\d+)?;desc="network and uts namespaces"/);
  });

  it("shows a container started with the docker CLI into the pod (--net container:<sandbox>) as the owner of its port", async () => {
    const image = member("nginx").image;
    const id = execFileSync(
      "docker",
      ["run", "-d", "--label", `${LABEL_RUN}=${RUN_ID}`, "--name", `${name}-extra`, "--net", `container:${sandbox.id}`, image, "nc", "-ll", "-p", "9999", "-e", "true"],
      { encoding: "utf8" },
    ).trim();
    const s = await until("port 9999 in the snapshot", async () => {
      const snap = await getSnapshot();
      const n = networkOf(snap, byId(snap, sandbox.id));
      return (ownerOfPort(n, 9999) ?? []).length > 0 ? snap : undefined;
    }, WAIT);
    expect(ownerOfPort(networkOf(s, byId(s, sandbox.id)), 9999)).toEqual([id]);
    expect(dockerInspect(id).pid).toBeGreaterThan(0);
    // The kernel agrees: the socket on :9999 (0x270F) in the pod's tcp6 table.
    expect(fs.readFileSync(`/proc/${sandbox.pid}/net/tcp6`, "utf8")).toMatch(/:270F 0+:0000 0A/);
  });
});

/** Made through the API on the CRI or Podman: the checks all runtimes share, then each one's own. */
describe.each([
  { runtime: "cri", pod: "the CRI demo pod" },
  { runtime: "podman", pod: "the Podman demo pod" },
] as const)("$pod's network", ({ runtime }) => {
  let token = "";
  let name = "";

  beforeAll(async () => {
    token = await fetchToken();
  });

  afterAll(async () => {
    if (name) await deletePod(token, name).catch(() => undefined);
  });

  it("reports the sandbox's IP as ip says, :80 and :2368 owned by nginx and ghost, eth0's ifindex and iflink, the veth's host end", async () => {
    const res = await rawRequest("POST", "/api/pods", pageHeaders(token), JSON.stringify({ sample: "ghost-behind-nginx", runtime }));
    expect(res.status, res.body).toBe(201);
    name = (JSON.parse(res.body) as { pod: { name: string } }).pod.name;
    const s = await listening(name, [80, 2368]);
    const pod = podNamed(s, name)!;
    const sandbox = byId(s, pod.sandboxId);
    const ns = networkOf(s, sandbox)!;
    expect(ns.readThrough).toBe(sandbox.pid);
    expect(ns.addresses.filter((a) => a.family === "inet" && a.scope === "global").map((a) => `${a.address}/${a.prefixLength}`)).toEqual(ipv4Of(sandbox.pid!));
    const members = pod.memberIds.map((id) => byId(s, id));
    expect(ownerOfPort(ns, 80)).toEqual([members.find((m) => m.name.includes("nginx"))!.id]);
    expect(ownerOfPort(ns, 2368)).toEqual([members.find((m) => m.name.includes("ghost"))!.id]);
    const eth0 = ns.interfaces.find((i) => i.name === "eth0")!;
    const kernel = linkOf(sandbox.pid!, "eth0");
    expect({ ifindex: eth0.ifindex, iflink: eth0.iflink }).toEqual(kernel);
    // The host end, as the host's sysfs says: its ifindex is eth0's iflink, its master the bridge.
    const hostEnd = fs.readdirSync("/sys/class/net").find((n) => fs.readFileSync(`/sys/class/net/${n}/ifindex`, "utf8").trim() === String(kernel.iflink))!;
    expect(eth0.hostPeer).toEqual({ name: hostEnd, ifindex: kernel.iflink, master: fs.readlinkSync(`/sys/class/net/${hostEnd}/master`).split("/").pop() });
    if (runtime === "cri") {
      expect(eth0.hostPeer?.master).toBe("pa-cri0"); // the project's CNI bridge (scripts/runtimes/containerd.sh)
      // The CRI shares uts: the pod's one hostname is the pod's name (what the kubelet asks for).
      const hostname = await until("the pod's hostname read", async () => (await getSnapshot()).hostnames.find((h) => h.inode === sandbox.namespaces.uts)?.hostname ?? undefined, WAIT);
      expect(hostname).toBe(name);
    }
  });
});

