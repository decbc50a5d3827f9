import { describe, expect, it } from "vitest";
import { groupPods, parseDockershimName, type KernelHints } from "./group-pods";
import { containerFacts } from "@/test/support/model-builders";
import type { ContainerFacts, NamespaceType } from "./types";

const HOST = { net: 100, ipc: 101, pid: 102, uts: 103, mnt: 104 };
let seq = 0;
function container(name: string, over: Partial<ContainerFacts> = {}): ContainerFacts {
  seq += 1;
  return containerFacts({
    id: `${name.replace(/[^a-z0-9]/gi, "").toLowerCase().padEnd(8, "0")}${String(seq).padStart(56, "0")}`.slice(0, 64),
    name,
    image: "img",
    imageId: "sha256:x",
    pid: 1000 + seq,
    created: `2026-11-22T04:00:${String(seq).padStart(2, "0")}Z`,
    ...over,
  });
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

describe("groupPods on containers only the kernel reports (containerd, CRI-O: found in /proc)", () => {
  const UID_A = "5e8f6a1c-3b2d-4c9e-8f7a-1b2c3d4e5f60";
  const UID_B = "0b6d4e2a-7c1f-4a8e-9d3b-2f5e6a7b8c9d";
  const procfs = (name: string) => container(name, { created: "", image: "", labels: {}, discoveredBy: "procfs", runtime: "containerd" });

  it("makes a pod of the containers whose cgroup names the same pod uid, the pause container its sandbox", () => {
    const app = procfs("app");
    const pause = procfs("pause");
    const other = procfs("other-pause");
    const hints: Record<string, KernelHints> = {
      [app.id]: { podUid: UID_A, isPause: false },
      [pause.id]: { podUid: UID_A, isPause: true },
      [other.id]: { podUid: UID_B, isPause: true },
    };
    // No namespaces known: the uid alone groups them.
    const { pods, podOf } = groupPods([app, pause, other], noNs, HOST, (id) => hints[id]!);
    // Without creation times, in id order ("otherpause…" < "pause…").
    expect(pods).toEqual([
      { id: other.id, name: UID_B, k8sNamespace: null, source: "kubernetes", managed: false, sandboxId: other.id, memberIds: [], runtime: other.runtime, node: null, uid: UID_B, state: null },
      { id: pause.id, name: UID_A, k8sNamespace: null, source: "kubernetes", managed: false, sandboxId: pause.id, memberIds: [app.id], runtime: pause.runtime, node: null, uid: UID_A, state: null },
    ]);
    expect(podOf.get(app.id)).toBe(pause.id);
  });

  it("prefers the Kubernetes labels' names to the uid", () => {
    const pause = container("pause", { labels: { "io.kubernetes.pod.uid": UID_A, "io.kubernetes.pod.name": "web-0", "io.kubernetes.docker.type": "podsandbox" } });
    const app = container("app");
    const hints = (id: string): KernelHints => ({ podUid: UID_A, isPause: id === pause.id });
    expect(groupPods([pause, app], noNs, HOST, hints).pods).toEqual([expect.objectContaining({ name: "web-0", sandboxId: pause.id, memberIds: [app.id] })]);
  });

  it("makes the pause process the owner of the namespaces it shares, whatever the containers' order", () => {
    // Sorted by id (no creation time): "aaa…" (the app) comes before "zzz…" (pause).
    const app = { ...procfs("aaa-app"), id: "a".repeat(64) };
    const pause = { ...procfs("zzz-pause"), id: "f".repeat(64) };
    const ns = { net: 500, ipc: 501 };
    const hints = (id: string): KernelHints => ({ podUid: null, isPause: id === pause.id });
    const { pods } = groupPods([app, pause], () => ns, HOST, hints);
    expect(pods).toEqual([expect.objectContaining({ sandboxId: pause.id, memberIds: [app.id], source: "inferred" })]);
    // Without the pause hint the first in order owns them.
    expect(groupPods([app, pause], () => ns, HOST).pods).toEqual([expect.objectContaining({ sandboxId: app.id, memberIds: [pause.id] })]);
  });
});
