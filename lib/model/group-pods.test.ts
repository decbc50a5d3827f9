import { describe, expect, it } from "vitest";
import { groupPods, parseDockershimName } from "./group-pods";
import type { ContainerFacts, NamespaceType } from "./types";

const HOST = { net: 100, ipc: 101, pid: 102, uts: 103, mnt: 104 };
let seq = 0;
function container(name: string, over: Partial<ContainerFacts> = {}): ContainerFacts {
  seq += 1;
  return {
    id: `${name.replace(/[^a-z0-9]/gi, "").toLowerCase().padEnd(8, "0")}${String(seq).padStart(56, "0")}`.slice(0, 64),
    name,
    image: "img",
    imageId: "sha256:x",
    state: "running",
    pid: 1000 + seq,
    created: `2026-11-22T04:00:${String(seq).padStart(2, "0")}Z`,
    networkMode: "default",
    ipcMode: "private",
    pidMode: "",
    utsMode: "",
    cgroupParent: "",
    labels: {},
    ports: [],
    discoveredBy: "engine",
    runtime: "docker",
    ...over,
  };
}
const noNs = () => ({});

describe("parseDockershimName", () => {
  it("reads sandbox and container names as the dockershim made them", () => {
    expect(parseDockershimName("k8s_POD_web-0_default_0b1c-uid_0")).toEqual({ container: "POD", pod: "web-0", namespace: "default", uid: "0b1c-uid", attempt: 0 });
    expect(parseDockershimName("k8s_nginx_web-0_default_0b1c-uid_3")?.container).toBe("nginx");
    expect(parseDockershimName("my-container")).toBeNull();
    expect(parseDockershimName("k8s_POD_web_default_uid")).toBeNull();
  });
});

describe("groupPods", () => {
  it("groups containers that joined another with container:<id> or container:<name>", () => {
    const pause = container("p-pause");
    const a = container("p-a", { networkMode: `container:${pause.id}`, ipcMode: `container:${pause.id}` });
    const b = container("p-b", { pidMode: "container:p-pause" });
    const lone = container("lone");
    const { pods, podOf } = groupPods([lone, b, a, pause], noNs, HOST);
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatchObject({ sandboxId: pause.id, name: "p-pause", source: "inferred", managed: false });
    expect(pods[0]!.memberIds.sort()).toEqual([a.id, b.id].sort());
    expect(podOf.get(lone.id)).toBeUndefined();
  });

  it("follows chains to the root sandbox", () => {
    const pause = container("chain-pause");
    const a = container("chain-a", { networkMode: `container:${pause.id}` });
    const b = container("chain-b", { networkMode: `container:${a.id}` });
    const { pods } = groupPods([pause, a, b], noNs, HOST);
    expect(pods).toHaveLength(1);
    expect(pods[0]!.memberIds.sort()).toEqual([a.id, b.id].sort());
  });

  it("recognises a Kubernetes node's dockershim containers, even stopped ones", () => {
    const sandbox = container("k8s_POD_web-0_shop_uid-1_0", { labels: { "io.kubernetes.pod.namespace": "shop" } });
    const app = container("k8s_app_web-0_shop_uid-1_0", { state: "exited", pid: null });
    const other = container("k8s_POD_db-0_shop_uid-2_0");
    const { pods } = groupPods([sandbox, app, other], noNs, HOST);
    expect(pods.map((p) => [p.name, p.k8sNamespace, p.source, p.memberIds])).toEqual([
      ["web-0", "shop", "kubernetes", [app.id]],
      ["db-0", "shop", "kubernetes", []],
    ]);
  });

  it("groups by the kernel alone when Docker says nothing: the same net inode makes a pod", () => {
    const first = container("first");
    const second = container("second");
    const ns: Record<string, Partial<Record<NamespaceType, number>>> = {
      [first.id]: { net: 500, uts: 501 },
      [second.id]: { net: 500, uts: 502 },
    };
    const { pods } = groupPods([second, first], (id) => ns[id] ?? {}, HOST);
    expect(pods).toEqual([expect.objectContaining({ sandboxId: first.id, memberIds: [second.id], source: "inferred" })]);
  });

  it("does not make a pod of containers that merely share the host's namespaces", () => {
    const a = container("hostnet-a", { networkMode: "host" });
    const b = container("hostnet-b", { networkMode: "host" });
    const { pods } = groupPods([a, b], () => ({ net: HOST.net, pid: HOST.pid }), HOST);
    expect(pods).toEqual([]);
  });

  it("is not fooled by a cycle of container: references", () => {
    const a = container("cyc-a");
    const b = container("cyc-b", { networkMode: `container:${a.id}` });
    a.networkMode = `container:${b.id}`;
    const { pods } = groupPods([a, b], noNs, HOST);
    expect(pods).toEqual([]); // impossible in Docker; must terminate, and claims no pod
  });
});
