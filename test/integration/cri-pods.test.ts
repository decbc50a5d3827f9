/**
 * The CRI adapter against the real containerd the project starts
 * (scripts/runtimes/containerd.sh ensure_containerd): the demo pod made through the CRI as
 * the kubelet makes it, checked against what the kernel says — namespaces in /proc, the pod
 * cgroup, the published port — and removed without leaving a sandbox, netns, veth or cgroup.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { K8S_CONTAINER_NAME, K8S_POD_NAME, K8S_POD_NAMESPACE, K8S_POD_UID, LABEL_RUN, type ContainerFacts } from "@/lib/model/types";
import { readNamespaces } from "@/lib/server/procfs";
import { CriRuntime } from "@/lib/server/runtimes/cri/adapter";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { removeCriRun } from "../support/run-pods";
import { kernelInode } from "../support/kernel";

const SOCKET = process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock";
const RUN_ID = process.env.POD_ANATOMY_RUN_ID ?? `cri-dev-${process.pid}`;
process.env.POD_ANATOMY_RUN_ID = RUN_ID;
const HOST_PORT = Number(process.env.CRI_TEST_HOST_PORT ?? 8881);
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const POD = `demo-${suffix}`;

let rt: CriRuntime;
let own: CriClient;

/** Remove every sandbox (and its containers) of this run, by label: also when a test failed. */
const removeRun = (client: CriClient) => removeCriRun(client, RUN_ID!);

/** The sandbox's network namespace file (/var/run/netns/cni-…), from the OCI spec in its verbose status. */
async function netnsPathOf(client: CriClient, sandboxId: string): Promise<string> {
  const info = JSON.parse((await client.podSandboxStatus(sandboxId)).info.info!) as {
    runtimeSpec: { linux: { namespaces: { type: string; path?: string }[] } };
  };
  const p = info.runtimeSpec.linux.namespaces.find((n) => n.type === "network")?.path;
  if (!p) throw new Error(`sandbox ${sandboxId} has no netns path`);
  return p;
}

/** The test stands in for the kubelet for the sandboxes it makes itself: it removes their pod cgroup. */
function removeCgroupDirs(parent: string): void {
  for (const h of fs.readdirSync("/sys/fs/cgroup")) {
    const dir = `/sys/fs/cgroup/${h}${parent}`;
    if (fs.existsSync(dir)) fs.rmdirSync(dir);
  }
}
const cgroupDirsLeft = (parent: string) => fs.readdirSync("/sys/fs/cgroup").filter((h) => fs.existsSync(`/sys/fs/cgroup/${h}${parent}`));
const veths = () =>
  execFileSync("ip", ["-o", "link", "show", "master", "pa-cri0"], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(":")[1]!.trim().split("@")[0]!);

beforeAll(async () => {
  rt = new CriRuntime({ endpoint: SOCKET });
  own = new CriClient({ endpoint: SOCKET });
  const st = await rt.status();
  if (st.state !== "ok") throw new Error(`no CRI runtime at ${SOCKET}: ${st.message} — ${st.hint}`);
});

afterAll(async () => {
  await removeRun(own);
  rt.close();
  own.close();
});

describe("the demo pod through the CRI", () => {
  let netns = "";
  let members: ContainerFacts[] = [];
  let sandbox: ContainerFacts;
  let sandboxId = "";

  it("is created as the kubelet creates it: one sandbox, nginx and ghost in it", async () => {
    const [pod] = await rt.pods!.createCatalogueEntry("ghost-behind-nginx", { suffix, hostPort: HOST_PORT });
    expect(pod!.name).toBe(POD);
    expect(pod!.containers.map((c) => c.name)).toEqual(["nginx", "ghost"]);
    sandboxId = pod!.podId!;
    const facts = await rt.pods!.podContainers(POD);
    sandbox = facts.find((c) => c.pod?.isSandbox)!;
    members = facts.filter((c) => !c.pod?.isSandbox);
    expect(sandbox.id).toBe(sandboxId);
    expect(members.map((m) => m.name).sort()).toEqual(["ghost", "nginx"]);
    for (const m of members) {
      expect(m.state).toBe("running");
      expect(m.pod?.sandboxId).toBe(sandboxId);
    }
    netns = await netnsPathOf(own, sandboxId);
    expect(netns).toMatch(/^\/var\/run\/netns\/cni-/);
    expect(fs.existsSync(netns)).toBe(true);
  });

  it("shares net, ipc, uts and (shareProcessNamespace) pid with the sandbox, as the kernel says; mnt is each one's own", () => {
    expect(sandbox.pid).toBeGreaterThan(0);
    const sb = readNamespaces(sandbox.pid!);
    for (const type of ["net", "ipc", "uts", "pid", "mnt"]) expect(sb[type as "net"]).toBe(kernelInode(sandbox.pid!, type));
    for (const m of members) {
      expect(m.pid).toBeGreaterThan(0);
      const ns = readNamespaces(m.pid!);
      for (const type of ["net", "ipc", "uts", "pid"] as const) {
        expect(ns[type]).toBe(kernelInode(m.pid!, type));
        expect(ns[type], `${m.name} ${type}`).toBe(sb[type]);
      }
      expect(ns.mnt).toBe(kernelInode(m.pid!, "mnt"));
      expect(ns.mnt).not.toBe(sb.mnt);
      expect(ns.net).not.toBe(kernelInode(1, "net"));
    }
    expect(readNamespaces(members[0]!.pid!).mnt).not.toBe(readNamespaces(members[1]!.pid!).mnt);
  });

  it("answers on 127.0.0.1:PORT through the nginx stand-in proxy to the ghost stand-in", async () => {
    let text = "";
    for (let i = 0; i < 20 && !text.includes(POD); i++) {
      text = await fetch(`http://127.0.0.1:${HOST_PORT}/`).then((r) => r.text(), () => "");
      if (!text.includes(POD)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toContain(`Blog of pod ${POD}`);
  });

  it("refuses a second pod on the same host port (portmap binds nothing: the mapping itself is checked)", async () => {
    const { PortInUseError } = await import("@/lib/server/pods");
    await expect(rt.pods!.createCatalogueEntry("ghost-behind-nginx", { suffix: `${suffix}b`, hostPort: HOST_PORT })).rejects.toBeInstanceOf(PortInUseError);
    expect(await rt.pods!.podContainers(`demo-${suffix}b`)).toEqual([]);
  });

  it("shows /pause as PID 1 to ps in nginx (exec through ExecSync), and the pod's hostname", async () => {
    const nginx = members.find((m) => m.name === "nginx")!;
    const ps = await rt.pods!.exec(nginx.id, ["ps", "-o", "pid,comm"], { timeoutMs: 5000, maxBytes: 10_000 });
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout).toMatch(/^\s*1\s+pause$/m);
    const hn = await rt.pods!.exec(nginx.id, ["hostname"], { timeoutMs: 5000, maxBytes: 100 });
    expect(hn.stdout.trim()).toBe(POD);
    const cut = await rt.pods!.exec(nginx.id, ["ps"], { timeoutMs: 5000, maxBytes: 5 });
    expect(cut).toMatchObject({ truncated: true });
    expect(cut.stdout.length).toBe(5);
  });

  it("is listed by ListPodSandbox with the kubelet's labels, and pause runs in /kubepods/burstable/pod<uid>", async () => {
    const [raw] = await own.listPodSandbox({ id: sandboxId });
    expect(raw!.metadata!.name).toBe(POD);
    const uid = raw!.metadata!.uid;
    expect(raw!.labels).toMatchObject({ [K8S_POD_NAME]: POD, [K8S_POD_NAMESPACE]: raw!.metadata!.namespace, [K8S_POD_UID]: uid, [LABEL_RUN]: RUN_ID });
    const containers = await own.listContainers({ pod_sandbox_id: sandboxId });
    expect(containers.map((c) => c.labels[K8S_CONTAINER_NAME]).sort()).toEqual(["ghost", "nginx"]);
    const cgroup = fs.readFileSync(`/proc/${sandbox.pid}/cgroup`, "utf8");
    const memoryLine = cgroup.split("\n").find((l) => /:memory:/.test(l))!;
    expect(memoryLine).toBe(`${memoryLine.split(":")[0]}:memory:/kubepods/burstable/pod${uid}/${sandboxId}`);
    expect(sandbox.cgroupParent).toBe(`/kubepods/burstable/pod${uid}`);
    expect(sandbox.pod?.uid).toBe(uid);
  });

  it("is deleted: no sandbox, no netns, no veth, no cgroup left", async () => {
    const uid = sandbox.pod!.uid!;
    const vethsBefore = veths();
    expect(vethsBefore.length).toBeGreaterThan(0);
    const removed = await rt.pods!.deletePod(POD);
    expect(removed.sort()).toEqual([`${POD}-POD`, "ghost", "nginx"]);
    expect(await own.listPodSandbox({ label_selector: { [LABEL_RUN]: RUN_ID, "io.pod-anatomy.pod": POD } })).toEqual([]);
    expect(await rt.pods!.podContainers(POD)).toEqual([]);
    expect(fs.existsSync(netns)).toBe(false);
    expect(veths().length).toBe(vethsBefore.length - 1);
    expect(cgroupDirsLeft(`/kubepods/burstable/pod${uid}`)).toEqual([]);
    expect(cgroupDirsLeft(`/kubepods/burstable/pod${uid}/${sandboxId}`)).toEqual([]);
  });
});

describe("a pod made by another CRI client", () => {
  it("appears in containers() by name (RunPodSandbox called directly, not through PodOperations)", async () => {
    const name = `other-${suffix}`;
    const uid = randomUUID();
    const id = await own.runPodSandbox({
      metadata: { name, uid, namespace: "default", attempt: 0 },
      hostname: name,
      port_mappings: [],
      labels: { [LABEL_RUN]: RUN_ID },
      annotations: {},
      linux: { cgroup_parent: `/kubepods/besteffort/pod${uid}`, security_context: { namespace_options: { network: "POD", pid: "CONTAINER", ipc: "POD" } } },
    });
    try {
      const all = await rt.containers();
      const sb = all.find((c) => c.id === id);
      expect(sb?.name).toBe(`${name}-POD`);
      expect(sb?.pod).toMatchObject({ isSandbox: true, name, namespace: "default", uid, state: "ready" });
      expect(sb?.pid).toBeGreaterThan(0);
      expect(readNamespaces(sb!.pid!).net).toBe(kernelInode(sb!.pid!, "net"));
      // Not ours: PodOperations never sees it.
      expect(await rt.pods!.podContainers(name)).toEqual([]);
    } finally {
      await own.stopPodSandbox(id);
      await own.removePodSandbox(id);
      removeCgroupDirs(`/kubepods/besteffort/pod${uid}`);
      expect(cgroupDirsLeft(`/kubepods/besteffort/pod${uid}`)).toEqual([]);
    }
  });
});

describe("changes()", () => {
  it("yields connected, then changed for a sandbox created and removed", async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    let id = "";
    let uid = "";
    const follow = (async () => {
      for await (const ch of rt.changes(ac.signal)) {
        if (ch.kind === "connected") {
          seen.push("connected");
          uid = randomUUID();
          id = await own.runPodSandbox({
            metadata: { name: `watch-${suffix}`, uid, namespace: "default", attempt: 0 },
            hostname: "watch",
            port_mappings: [],
            labels: { [LABEL_RUN]: RUN_ID },
            annotations: {},
            linux: { cgroup_parent: `/kubepods/besteffort/pod${uid}`, security_context: { namespace_options: { network: "POD", pid: "CONTAINER", ipc: "POD" } } },
          });
        } else if (ch.kind === "changed" && ch.containerId === id) {
          seen.push(ch.action);
          if (ch.action === "create") {
            await own.stopPodSandbox(id);
            await own.removePodSandbox(id);
          }
          if (ch.action === "destroy") ac.abort();
        }
      }
    })();
    await follow.finally(() => uid && removeCgroupDirs(`/kubepods/besteffort/pod${uid}`));
    expect(cgroupDirsLeft(`/kubepods/besteffort/pod${uid}`)).toEqual([]);
    expect(seen).toEqual(["connected", "create", "destroy"]);
  });
});

describe("limits, init containers and refusals through the CRI", () => {
  it("by-hand: memory limits in each container's cgroup under the pod's cgroup parent, pid not shared", async () => {
    const [pod] = await rt.pods!.createCatalogueEntry("by-hand", { suffix });
    const name = `by-hand-${suffix}`;
    try {
      const facts = await rt.pods!.podContainers(name);
      const sb = facts.find((c) => c.pod?.isSandbox)!;
      const app = facts.find((c) => c.name === "app")!;
      const sidecar = facts.find((c) => c.name === "sidecar")!;
      expect(fs.readFileSync(`/sys/fs/cgroup/memory/pod-${name}/${app.id}/memory.limit_in_bytes`, "utf8").trim()).toBe(String(256 * 1024 * 1024));
      expect(fs.readFileSync(`/sys/fs/cgroup/memory/pod-${name}/${sidecar.id}/memory.limit_in_bytes`, "utf8").trim()).toBe(String(128 * 1024 * 1024));
      expect(kernelInode(app.pid!, "pid")).not.toBe(kernelInode(sb.pid!, "pid"));
      expect(kernelInode(app.pid!, "net")).toBe(kernelInode(sb.pid!, "net"));
      expect(kernelInode(sidecar.pid!, "ipc")).toBe(kernelInode(sb.pid!, "ipc"));
      // The sidecar reaches the app's web server over the shared localhost.
      const fetched = await rt.pods!.exec(sidecar.id, ["timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:80/"], { timeoutMs: 8000, maxBytes: 10_000 });
      expect(fetched.stdout).toContain("app");
      expect(pod!.containers.map((c) => c.name)).toEqual(["app", "sidecar"]);
    } finally {
      await rt.pods!.deletePod(name);
    }
    expect(cgroupDirsLeft(`/pod-${name}`)).toEqual([]);
  });

  it("runs init containers one after the other to completion before the app container starts", async () => {
    const choices = await rt.pods!.imageChoices();
    const ref = (role: string) => choices.find((c) => c.role === role && c.source === "stand-in")!.ref;
    const none = { memoryMi: null, cpus: null, pidsMax: null };
    const name = `init-${suffix}`;
    const [pod] = await rt.pods!.createPods(
      [
        {
          name,
          sandbox: { kind: "pause", image: ref("pause") },
          namespaces: { net: "sandbox", ipc: "sandbox", pid: "private", uts: "private" },
          cgroupParent: null,
          port: null,
          initContainers: [
            { name: "first", image: ref("busybox"), command: "image-default", limits: none, mountVolumes: false },
            { name: "second", image: ref("busybox"), command: "image-default", limits: none, mountVolumes: false },
          ],
          containers: [{ name: "main", image: ref("busybox"), command: "sleep", limits: none, mountVolumes: false }],
          volumes: [],
          kubernetes: null,
        },
      ],
      { sample: "builder" },
    );
    try {
      const [first, second, main] = await Promise.all(pod!.containers.map((c) => own.containerStatus(c.id, false)));
      expect(pod!.containers.map((c) => [c.name, c.kind])).toEqual([["first", "init"], ["second", "init"], ["main", "app"]]);
      expect([first!.status!.state, first!.status!.exit_code, second!.status!.state, second!.status!.exit_code]).toEqual(["CONTAINER_EXITED", 0, "CONTAINER_EXITED", 0]);
      expect(main!.status!.state).toBe("CONTAINER_RUNNING");
      expect(BigInt(first!.status!.finished_at)).toBeLessThanOrEqual(BigInt(second!.status!.started_at));
      expect(BigInt(second!.status!.finished_at)).toBeLessThanOrEqual(BigInt(main!.status!.started_at));
    } finally {
      await rt.pods!.deletePod(name);
    }
  });

  it("refuses what the CRI cannot make (a sleep sandbox, volumes) and creates nothing", async () => {
    const { PodSpecError } = await import("@/lib/server/pod-creator");
    await expect(rt.pods!.createCatalogueEntry("reaping", { suffix })).rejects.toBeInstanceOf(PodSpecError);
    await expect(rt.pods!.createCatalogueEntry("init-and-emptydir", { suffix })).rejects.toThrow(/emptyDir/);
    for (const pod of [`reap-pause-${suffix}`, `reap-sleep-${suffix}`, `init-${suffix}`]) expect(await rt.pods!.podContainers(pod)).toEqual([]);
  });
});
