import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnapshotFile } from "@/lib/model/snapshot-schema";
import type { Container, ContainerRuntime, NamespaceType, Pod, Snapshot } from "@/lib/model/types";
import { buildOverview, findPod, matchesFilter, naturalCompare, NO_FILTER, NO_NAMESPACE, overviewTiles, podRef, type PodTile, type Tile } from "@/lib/view/overview";
import * as build from "@/test/support/model-builders";

interface PodSpec {
  name: string;
  namespace?: string | null;
  runtime?: ContainerRuntime;
  node?: string | null;
  members?: { name: string; shared?: NamespaceType[]; state?: string; image?: string }[];
  sandboxHost?: NamespaceType[];
}

/** A pod of `spec`, its sandbox `${name}-pause`, members `${name}-${member}` linked to it. */
function makePod({ name, namespace = null, runtime = "docker", node = null, members = [], sandboxHost = [] }: PodSpec) {
  const id = `${name}-sandbox`;
  const sandbox = build.container({ id, name: `${name}-pause`, image: "registry.k8s.io/pause:3.10", podId: id, role: "sandbox", runtime, node, sharedWithHost: sandboxHost });
  const memberContainers = members.map((m) =>
    build.container({ id: `${name}-${m.name}`, name: `${name}-${m.name}`, image: m.image ?? `${m.name}:1`, podId: id, role: "member", runtime, node, state: m.state ?? "running", sharedWithSandbox: m.shared ?? ["net", "ipc", "pid"] }),
  );
  return {
    pod: build.pod({ id, name, k8sNamespace: namespace, runtime, node, memberIds: memberContainers.map((c) => c.id) }),
    containers: [sandbox, ...memberContainers],
    links: memberContainers.map((c) => ({ podId: id, sandboxId: id, memberId: c.id, shared: c.sharedWithSandbox })),
  };
}

function snapshotOf(pods: ReturnType<typeof makePod>[], standalone: Container[] = []): Snapshot {
  return build.snapshot({ pods: pods.map((p) => p.pod), containers: [...pods.flatMap((p) => p.containers), ...standalone], links: pods.flatMap((p) => p.links) });
}

const names = (tiles: Tile[]) => tiles.map((t) => t.name);

describe("naturalCompare", () => {
  it("orders digit runs by value: app2 before app10, app10 before app11", () => {
    expect(["app10", "app2", "app11", "app1"].sort(naturalCompare)).toEqual(["app1", "app2", "app10", "app11"]);
  });

  it("compares letters case-insensitively, then exactly, so the order is total", () => {
    expect(["b", "A", "a", "B"].sort(naturalCompare)).toEqual(["A", "a", "B", "b"]);
  });

  it("puts a shorter name first when one is the other's prefix, and numbers before letters", () => {
    expect(["web-1-db", "web-1", "web-x", "web-01"].sort(naturalCompare)).toEqual(["web-01", "web-1", "web-1-db", "web-x"]);
  });

  it("handles digit runs longer than a number holds", () => {
    expect(naturalCompare("p99999999999999999999", "p100000000000000000000")).toBeLessThan(0);
  });
});

describe("overviewTiles", () => {
  it("makes the recorded demo pod one tile: sandbox first, members by name, sharing net, ipc and pid", () => {
    const parsed = parseSnapshotFile(fs.readFileSync("public/samples/demo-pod.json", "utf8"));
    if (!parsed.ok) throw new Error(parsed.error);
    const snap = parsed.value.snapshot;
    const tiles = overviewTiles(snap);
    expect(tiles).toHaveLength(1);
    const tile = tiles[0] as PodTile;
    expect(tile).toMatchObject({ kind: "pod", name: "demo-b780a2", runtime: "docker", k8sNamespace: null, running: 3, sharingDiffers: false, host: [], ref: "demo-b780a2" });
    expect(tile.containers.map((c) => c.name)).toEqual(["demo-b780a2-pause", "demo-b780a2-ghost", "demo-b780a2-nginx"]);
    expect(tile.sharedByAll).toEqual(["net", "ipc", "pid"]);
  });

  it("says when members share different sets, what all share, and the host namespaces of a hostNetwork sandbox", () => {
    const snap = snapshotOf([
      makePod({ name: "proxy", sandboxHost: ["net", "cgroup", "user"], members: [{ name: "a", shared: ["ipc", "net"] }, { name: "b", shared: ["net", "pid", "ipc"] }] }),
    ]);
    const tile = overviewTiles(snap)[0] as PodTile;
    expect(tile.sharingDiffers).toBe(true);
    expect(tile.sharedByAll).toEqual(["net", "ipc"]);
    expect(tile.containers.find((c) => c.name === "proxy-b")!.shared).toEqual(["net", "ipc", "pid"]);
    // cgroup and user are the host's for every Docker container: not a thing to point out.
    expect(tile.host).toEqual(["net"]);
  });

  it("counts running containers and makes a tile of each container in no pod", () => {
    const snap = snapshotOf([makePod({ name: "p", members: [{ name: "job", state: "exited" }] })], [build.container({ id: "solo", name: "solo", state: "created" })]);
    const tiles = overviewTiles(snap);
    expect(tiles.map((t) => [t.kind, t.name, t.running, t.containers.length])).toEqual([
      ["pod", "p", 1, 2],
      ["standalone", "solo", 0, 1],
    ]);
  });
});

describe("buildOverview", () => {
  const snap = snapshotOf(
    [
      makePod({ name: "app10", namespace: "shop", members: [{ name: "web", image: "nginx:1.27" }] }),
      makePod({ name: "app2", namespace: "shop", members: [{ name: "web", image: "nginx:1.27" }] }),
      makePod({ name: "app1", namespace: "shop", runtime: "containerd", members: [{ name: "db", image: "postgres:16" }] }),
      makePod({ name: "coredns-7db6d8ff4d-x2x9k", namespace: "kube-system", runtime: "containerd", members: [{ name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.11.1" }] }),
      makePod({ name: "demo-1", members: [{ name: "nginx" }, { name: "ghost" }] }),
    ],
    [build.container({ id: "solo", name: "solo", image: "busybox" })],
  );
  const tiles = overviewTiles(snap);

  it("groups by Kubernetes namespace (by name), then pods without one, then standalone containers; tiles in natural order", () => {
    const overview = buildOverview(tiles);
    expect(overview.groups.map((g) => [g.kind, g.title, names(g.tiles)])).toEqual([
      ["namespace", "kube-system", ["coredns-7db6d8ff4d-x2x9k"]],
      ["namespace", "shop", ["app1", "app2", "app10"]],
      ["no-namespace", "no Kubernetes namespace", ["demo-1"]],
      ["standalone", "standalone containers", ["solo"]],
    ]);
    expect(overview.severalNodes).toBe(false);
    expect(overview.groups.every((g) => g.node === undefined)).toBe(true);
    expect([overview.shown, overview.total]).toEqual([6, 6]);
    expect(overview.namespaces).toEqual([NO_NAMESPACE, "kube-system", "shop"]);
    expect(overview.runtimes).toEqual(["containerd", "docker"]);
  });

  it("searches pod and container names, images and namespaces, every word to be found, in any case", () => {
    const find = (query: string) => names(buildOverview(tiles, { ...NO_FILTER, query }).groups.flatMap((g) => g.tiles));
    expect(find("app2")).toEqual(["app2"]);
    expect(find("POSTGRES")).toEqual(["app1"]);
    expect(find("kube-system")).toEqual(["coredns-7db6d8ff4d-x2x9k"]);
    expect(find("demo-1-ghost")).toEqual(["demo-1"]);
    expect(find("nginx shop")).toEqual(["app2", "app10"]);
    expect(find("busybox")).toEqual(["solo"]);
    expect(find("no such thing")).toEqual([]);
  });

  it("filters by namespace (or none), by runtime, and hides standalone containers", () => {
    const shown = (filter: Partial<typeof NO_FILTER>) => names(buildOverview(tiles, { ...NO_FILTER, ...filter }).groups.flatMap((g) => g.tiles));
    expect(shown({ namespace: "shop" })).toEqual(["app1", "app2", "app10"]);
    expect(shown({ namespace: NO_NAMESPACE })).toEqual(["demo-1"]);
    expect(shown({ runtime: "containerd" })).toEqual(["coredns-7db6d8ff4d-x2x9k", "app1"]);
    expect(shown({ hideStandalone: true })).not.toContain("solo");
    expect(shown({ hideStandalone: true })).toHaveLength(5);
    // The choices stay those of every tile, whatever is shown.
    expect(buildOverview(tiles, { ...NO_FILTER, runtime: "containerd" }).runtimes).toEqual(["containerd", "docker"]);
    expect(buildOverview(tiles, { ...NO_FILTER, namespace: "shop" })).toMatchObject({ shown: 3, total: 6 });
  });

  it("groups by node first when the pods run on several nodes, this host first", () => {
    const nodes = overviewTiles(
      snapshotOf([
        makePod({ name: "b", namespace: "kube-system", node: "kind-worker" }),
        makePod({ name: "a", namespace: "kube-system", node: "kind-control-plane" }),
        makePod({ name: "c", namespace: "kube-system" }),
      ]),
    );
    const overview = buildOverview(nodes);
    expect(overview.severalNodes).toBe(true);
    expect(overview.groups.map((g) => [g.node, g.title, names(g.tiles)])).toEqual([
      [null, "kube-system", ["c"]],
      ["kind-control-plane", "kube-system", ["a"]],
      ["kind-worker", "kube-system", ["b"]],
    ]);
  });

  it("matchesFilter: a namespace filter leaves out standalone containers", () => {
    const solo = tiles.find((t) => t.kind === "standalone")!;
    expect(matchesFilter(solo, NO_FILTER)).toBe(true);
    expect(matchesFilter(solo, { ...NO_FILTER, namespace: NO_NAMESPACE })).toBe(false);
  });
});

describe("podRef and findPod", () => {
  const pods: Pod[] = [
    build.pod({ id: "a".repeat(64), name: "web", k8sNamespace: "shop" }),
    build.pod({ id: "b".repeat(64), name: "web", k8sNamespace: "blog" }),
    build.pod({ id: "c".repeat(64), name: "demo-1" }),
    build.pod({ id: "d".repeat(64), name: "twin" }),
    build.pod({ id: "e".repeat(64), name: "twin" }),
  ];

  it("names a pod by its name, by namespace/name when the name is not unique, by its id when even that is not", () => {
    expect(podRef(pods[2]!, pods)).toBe("demo-1");
    expect(podRef(pods[0]!, pods)).toBe("shop/web");
    expect(podRef(pods[3]!, pods)).toBe("d".repeat(64));
  });

  it("finds every pod by the ref podRef gives it", () => {
    for (const pod of pods) expect(findPod(pods, podRef(pod, pods))).toEqual({ kind: "found", pod });
  });

  it("finds a pod by the first 12 characters of its id, as docker ps shows it", () => {
    expect(findPod(pods, "cccccccccccc")).toEqual({ kind: "found", pod: pods[2] });
  });

  it("says when a name names several pods, and lists them", () => {
    const found = findPod(pods, "web");
    expect(found.kind).toBe("ambiguous");
    expect(found.kind === "ambiguous" && found.pods.map((p) => p.k8sNamespace)).toEqual(["blog", "shop"]);
  });

  it("says when no pod has the name, with the pods whose names are like it", () => {
    expect(findPod(pods, "demo")).toEqual({ kind: "missing", similar: [pods[2]] });
    expect(findPod(pods, "demo-1x")).toEqual({ kind: "missing", similar: [pods[2]] });
    expect(findPod(pods, "nothing-like-it")).toEqual({ kind: "missing", similar: [] });
    expect(findPod([], "demo-1")).toEqual({ kind: "missing", similar: [] });
  });
});
