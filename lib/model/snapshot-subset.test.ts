import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnapshotFile } from "./snapshot-schema";
import { snapshotOfPod } from "./snapshot-subset";
import type { NetworkNamespace, Snapshot, UtsHostname } from "./types";

const parsed = parseSnapshotFile(fs.readFileSync(new URL("../../public/samples/demo-pod.json", import.meta.url), "utf8"));
if (!parsed.ok) throw new Error(parsed.detail);
const demo = parsed.value.snapshot;

/** The demo pod plus a copy of it under other ids, a host process and a cgroup outside both. */
function busyHost(): Snapshot {
  const other = (id: string) => `f${id.slice(1)}`;
  const copy = structuredClone(demo);
  const pid = (p: number) => p + 100_000;
  return {
    ...demo,
    pods: [...demo.pods, ...copy.pods.map((p) => ({ ...p, id: other(p.id), name: "other", sandboxId: other(p.sandboxId), memberIds: p.memberIds.map(other) }))],
    containers: [
      ...copy.containers.map((c) => ({ ...c, id: other(c.id), podId: c.podId && other(c.podId), processIds: c.processIds.map(pid) })),
      ...demo.containers,
    ],
    processes: [...demo.processes, ...copy.processes.map((p) => ({ ...p, pid: pid(p.pid), containerId: p.containerId && other(p.containerId) }))],
    namespaces: demo.namespaces.map((ns) => ({ ...ns, containerIds: [...ns.containerIds, ...ns.containerIds.map(other)] })).concat([
      { id: "net:[1]", type: "net", inode: 1, containerIds: [other(demo.pods[0]!.sandboxId)], isHost: false },
    ]),
    links: [...demo.links, ...copy.links.map((l) => ({ ...l, podId: other(l.podId), sandboxId: other(l.sandboxId), memberId: other(l.memberId) }))],
    cgroups: [...demo.cgroups, { ...demo.cgroups.at(-1)!, path: "/elsewhere", parentPath: null, containerId: null }],
  };
}

describe("snapshotOfPod", () => {
  it("keeps exactly one pod's containers, processes, namespaces, links and cgroups", () => {
    const host = busyHost();
    const cut = snapshotOfPod(host, demo.pods[0]!.id);
    expect({ ...cut, containers: [...cut.containers].sort((a, b) => a.id.localeCompare(b.id)) }).toEqual({
      ...demo,
      containers: [...demo.containers].sort((a, b) => a.id.localeCompare(b.id)),
    });
    expect(host.pods).toHaveLength(2); // the input is not changed
  });

  it("keeps the network and uts namespaces of the pod's containers only", () => {
    const sandbox = demo.containers.find((c) => c.id === demo.pods[0]!.sandboxId)!;
    const net = (inode: number): NetworkNamespace => ({ inode, readThrough: 1, fdsReadOf: [], interfaces: [], addresses: [], defaultRoutes: [], listeners: [], sysfs: null, problems: [] });
    const uts = (inode: number): UtsHostname => ({ inode, hostname: `h${inode}`, readThrough: 1, problem: null });
    const host = { ...busyHost(), networks: [net(1), net(sandbox.namespaces.net!)], hostnames: [uts(2), uts(sandbox.namespaces.uts!)] };
    const cut = snapshotOfPod(host, demo.pods[0]!.id);
    expect(cut.networks.map((n) => n.inode)).toEqual([sandbox.namespaces.net]);
    expect(cut.hostnames.map((h) => h.inode)).toEqual([sandbox.namespaces.uts]);
  });

  it("keeps the ancestors of the pod's cgroups", () => {
    const cut = snapshotOfPod(demo, demo.pods[0]!.id);
    const paths = new Set(cut.cgroups.map((c) => c.path));
    for (const node of cut.cgroups) if (node.parentPath !== null) expect(paths.has(node.parentPath), node.path).toBe(true);
    expect(cut.cgroups.filter((c) => c.containerId !== null)).toHaveLength(3);
  });

  it("says which pod it could not find", () => {
    expect(() => snapshotOfPod(demo, "nope")).toThrow("no pod nope in the snapshot");
  });
});
