/**
 * Pods on every runtime through the HTTP API, as the page makes them: the demo pod through
 * the CRI (containerd) and as a Podman pod, and Docker, CRI and Podman pods side by side,
 * each drawn by its runtime.
 * What the API reports must be what /proc says. The adapters' own tests (cri-*.test.ts,
 * podman-*.test.ts) go deeper into each runtime; these check the wiring the page uses.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_POD, type Container, type Pod, type Snapshot } from "@/lib/model/types";
import { deletePod, fetchToken, getSnapshot, pageHeaders, rawRequest, until } from "../support/api";
import { kernelInode } from "../support/kernel";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

let token = "";
const made: string[] = [];

beforeAll(async () => {
  token = await fetchToken();
});

afterAll(async () => {
  for (const name of made) await deletePod(token, name).catch(() => undefined);
});

const post = (path: string, body: unknown) => rawRequest("POST", path, pageHeaders(token), JSON.stringify(body));

const podNamed = (s: Snapshot, name: string) => s.pods.find((p) => p.name === name);
const membersOf = (s: Snapshot, pod: Pod) => pod.memberIds.map((id) => s.containers.find((c) => c.id === id)!);
const containerOf = (s: Snapshot, id: string) => s.containers.find((c) => c.id === id)!;

function expectKernelInodes(c: Container) {
  expect(c.pid, `${c.name} runs`).not.toBeNull();
  for (const type of ["net", "ipc", "uts", "pid", "mnt"] as const) expect(c.namespaces[type], `${c.name} ${type}`).toBe(kernelInode(c.pid!, type));
}

describe("the runtimes the server found", () => {
  it("lists Docker, containerd's CRI and Podman, each answering, each with its version", async () => {
    const s = await getSnapshot();
    const docker = s.runtimes.find((r) => r.kind === "docker");
    const cri = s.runtimes.find((r) => r.id === "cri:/run/containerd/containerd.sock");
    const podman = s.runtimes.find((r) => r.kind === "podman");
    expect(docker).toMatchObject({ state: "ok", name: "Docker", node: null });
    expect(cri).toMatchObject({ state: "ok", kind: "cri", runtime: "containerd", name: "containerd (CRI)", apiVersion: "v1", node: null });
    expect(podman).toMatchObject({ state: "ok", name: "Podman", endpoint: expect.stringContaining("/run/podman/podman.sock"), version: expect.stringMatching(/^\d+\.\d+/) });
    // dockerd's own containerd is no CRI endpoint and is not listed.
    expect(s.runtimes.map((r) => r.endpoint).join(" ")).not.toContain("/docker/containerd");
  });

  it("refuses an unknown runtime with a 400 that names the choices", async () => {
    const res = await post("/api/pods", { sample: "ghost-behind-nginx", runtime: "lxc" });
    expect(res.status).toBe(400);
    expect(res.body).toContain("docker");
    expect(res.body).toContain("cri");
  });
});

describe("the demo pod through the CRI, as the kubelet makes it", () => {
  let name = "";

  it("is created with RunPodSandbox, CreateContainer, StartContainer: POST /api/pods {runtime: cri}", async () => {
    const res = await post("/api/pods", { sample: "ghost-behind-nginx", runtime: "cri" });
    expect(res.status, res.body).toBe(201);
    const body = JSON.parse(res.body) as { pod: { name: string }; runtime: string };
    name = body.pod.name;
    made.push(name);
    expect(body.runtime).toBe("cri:/run/containerd/containerd.sock");
  });

  it("is drawn by its runtime, the sandbox as the hub, net, ipc and uts shared as Kubernetes shares them; inodes as /proc says", async () => {
    const s = await until("the CRI pod in the snapshot", async () => {
      const snap = await getSnapshot();
      const pod = podNamed(snap, name);
      return pod && pod.memberIds.length === 2 && membersOf(snap, pod).every((c) => c.state === "running") ? snap : undefined;
    });
    const pod = podNamed(s, name)!;
    expect(pod).toMatchObject({ runtime: "containerd", managed: true, node: null, state: "ready", k8sNamespace: expect.any(String) });
    const sandbox = containerOf(s, pod.sandboxId);
    expect(sandbox).toMatchObject({ role: "sandbox", runtime: "containerd", discoveredBy: "engine" });
    expectKernelInodes(sandbox);
    for (const member of membersOf(s, pod)) {
      expect(member).toMatchObject({ role: "member", runtime: "containerd", podId: pod.id });
      expect(member.labels[LABEL_POD]).toBe(name);
      expectKernelInodes(member);
      expect(member.sharedWithSandbox).toEqual(expect.arrayContaining(["net", "ipc", "uts"]));
      expect(member.own).toContain("mnt");
      // The demo pod shares its process namespace (shareProcessNamespace: pid mode POD).
      expect(member.sharedWithSandbox).toContain("pid");
    }
    // The kubelet's cgroup layout: /kubepods/burstable/pod<uid>/<id>.
    const cgroup = fs.readFileSync(`/proc/${sandbox.pid}/cgroup`, "utf8");
    expect(cgroup).toMatch(new RegExp(`/kubepods/burstable/pod${pod.uid}/${sandbox.id}`));
  });

  it("answers on http://127.0.0.1:8880/: the proxy reaches the blog over the pod's localhost", async () => {
    const body = await until("the blog through the proxy", async () => {
      const res = await fetch("http://127.0.0.1:8880/", { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      return res.ok && text.includes(name) ? text : undefined;
    });
    expect(body).toContain(name);
  });

  it("runs the probes in its containers through the CRI's ExecSync: ps in nginx shows pause as PID 1, hostname the pod's", async () => {
    const s = await getSnapshot();
    const nginx = membersOf(s, podNamed(s, name)!).find((c) => c.name.includes("nginx"))!;
    const ps = await post(`/api/pods/${name}/probes`, { probe: "ps", container: nginx.name });
    expect(ps.status, ps.body).toBe(200);
    expect((JSON.parse(ps.body) as { output: string }).output).toMatch(/^\s*1\s+\S+\s+.*pause/m);
    const hostname = await post(`/api/pods/${name}/probes`, { probe: "hostname", container: nginx.name });
    expect(hostname.status, hostname.body).toBe(200);
    expect((JSON.parse(hostname.body) as { output: string }).output.trim()).toBe(name);
  });

  it("is deleted through the API: the sandbox, its netns and its veth are gone", async () => {
    const before = await getSnapshot();
    const sandbox = containerOf(before, podNamed(before, name)!.sandboxId);
    const netns = fs.readlinkSync(`/proc/${sandbox.pid}/ns/net`);
    const res = await deletePod(token, name);
    expect(res.status, res.body).toBe(200);
    made.splice(made.indexOf(name), 1);
    const after = await until("the pod gone from the snapshot", async () => {
      const snap = await getSnapshot();
      return podNamed(snap, name) ? undefined : snap;
    });
    expect(after.containers.filter((c) => c.id === sandbox.id)).toEqual([]);
    // No process is left in that network namespace.
    const left = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && (() => {
      try {
        return fs.readlinkSync(`/proc/${p}/ns/net`) === netns;
      } catch {
        return false;
      }
    })());
    expect(left).toEqual([]);
  });
});

describe("the demo pod as a Podman pod", () => {
  let name = "";

  it("is created through the libpod API: POST /api/pods {runtime: podman}", async () => {
    const res = await post("/api/pods", { sample: "ghost-behind-nginx", runtime: "podman" });
    expect(res.status, res.body).toBe(201);
    name = (JSON.parse(res.body) as { pod: { name: string } }).pod.name;
    made.push(name);
  });

  it("is drawn as Podman's pod, its infra container the hub; net, ipc, uts and pid shared; inodes as /proc says", async () => {
    const s = await until("the Podman pod in the snapshot", async () => {
      const snap = await getSnapshot();
      const pod = podNamed(snap, name);
      return pod && pod.memberIds.length === 2 && membersOf(snap, pod).every((c) => c.state === "running") ? snap : undefined;
    });
    const pod = podNamed(s, name)!;
    expect(pod).toMatchObject({ runtime: "podman", managed: true, node: null, k8sNamespace: null, state: expect.stringMatching(/running/i) });
    const infra = containerOf(s, pod.sandboxId);
    expect(infra).toMatchObject({ role: "sandbox", runtime: "podman" });
    expect(infra.image).toMatch(/pause/);
    expectKernelInodes(infra);
    for (const member of membersOf(s, pod)) {
      expect(member).toMatchObject({ role: "member", runtime: "podman", podId: pod.id });
      expectKernelInodes(member);
      expect(member.sharedWithSandbox).toEqual(expect.arrayContaining(["net", "ipc", "uts", "pid"]));
      expect(member.own).toContain("mnt");
    }
    // No container is named after the pod's own cgroup (libpod_parent/<pod id>).
    expect(s.containers.filter((c) => c.discoveredBy === "procfs" && c.runtime === "podman")).toEqual([]);
  });

  it("answers on http://127.0.0.1:8880/ through the proxy", async () => {
    const body = await until("the blog through the proxy", async () => {
      const res = await fetch("http://127.0.0.1:8880/", { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      return res.ok && text.includes(name) ? text : undefined;
    });
    expect(body).toContain(name);
  });

  it("is deleted with its infra container", async () => {
    const res = await deletePod(token, name);
    expect(res.status, res.body).toBe(200);
    made.splice(made.indexOf(name), 1);
    await until("the pod gone from the snapshot", async () => (podNamed(await getSnapshot(), name) ? undefined : true));
  });
});

describe("pods of three runtimes at once", () => {
  it("draws a Docker, a CRI and a Podman pod of the same catalogue entry each by its own runtime, none mistaken for another", async () => {
    const names: string[] = [];
    for (const runtime of ["docker", "cri", "podman"]) {
      const res = await post("/api/catalogue", { entry: "by-hand", runtime });
      expect(res.status, res.body).toBe(201);
      names.push((JSON.parse(res.body) as { pods: { name: string }[] }).pods[0]!.name);
    }
    made.push(...names);
    const [dockerPod, criPod, podmanPod] = names as [string, string, string];
    const s = await until("the three pods in the snapshot", async () => {
      const snap = await getSnapshot();
      return names.every((n) => podNamed(snap, n)?.memberIds.length === 2) ? snap : undefined;
    });
    for (const [podName, runtime] of [
      [dockerPod, "docker"],
      [criPod, "containerd"],
      [podmanPod, "podman"],
    ] as const) {
      const pod = podNamed(s, podName)!;
      expect(pod.runtime).toBe(runtime);
      for (const c of [containerOf(s, pod.sandboxId), ...membersOf(s, pod)]) {
        expect(c.runtime, c.name).toBe(runtime);
        expect(c.podId).toBe(pod.id);
      }
    }
    // Each pod's members share net and ipc with their own sandbox only.
    const nets = names.map((n) => containerOf(s, podNamed(s, n)!.sandboxId).namespaces.net);
    expect(new Set(nets).size).toBe(3);
    for (const name of names) expect((await deletePod(token, name)).status).toBe(200);
    made.splice(0, made.length);
  });
});
