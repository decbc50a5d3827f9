/**
 * POST /api/steps on the CRI (containerd) and on Podman: the demo pod stepped through one
 * request at a time. After each container step the runtime has exactly one more container
 * (the sandbox first), asked of the runtime itself (the CRI over its socket, Podman's API);
 * a probe adds none; `ps` in nginx shows the sandbox (pause, catatonit) as PID 1 and the
 * kernel agrees (one pid namespace); the fetch gets the blog through the proxy. Start over
 * (DELETE /api/pods/<pod>) leaves nothing: no container, no sandbox, no netns, no cgroup.
 * Publishes on ports of its own (not the shared 8880).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stepUid, type EntryStep } from "@/lib/model/steps";
import { LABEL_POD, LABEL_RUN, type Snapshot } from "@/lib/model/types";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { podman, removeCriRun, removePodmanRun } from "../support/run-pods";
import { BASE_URL, fetchToken, getSnapshot, pageHeaders, rawRequest } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const CRI_SOCKET = process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock";
const PORTS = { cri: Number(process.env.POD_ANATOMY_STEPS_CRI_PORT ?? 8884), podman: Number(process.env.POD_ANATOMY_STEPS_PODMAN_PORT ?? 8885) };
let token = "";
const cri = new CriClient({ endpoint: CRI_SOCKET });
const lines = (s: string) => s.split("\n").filter(Boolean);
const cgroupsAt = (p: string) => fs.readdirSync("/sys/fs/cgroup").filter((h) => fs.existsSync(`/sys/fs/cgroup/${h}${p}`));

/** What each runtime itself says of one pod (by our pod label): its containers, sandbox included. */
const RUNTIMES = {
  cri: {
    sandboxPid1: "pause",
    async count(pod: string): Promise<number> {
      const sel = { label_selector: { [LABEL_POD]: pod, [LABEL_RUN]: RUN_ID } };
      return (await cri.listPodSandbox(sel)).length + (await cri.listContainers(sel)).length;
    },
    /** The sandbox's netns file and pod cgroup. */
    async leftovers(pod: string, suffix: string): Promise<{ netns: string; cgroup: string }> {
      const [s] = await cri.listPodSandbox({ label_selector: { [LABEL_POD]: pod } });
      const info = JSON.parse((await cri.podSandboxStatus(s!.id)).info.info!) as { runtimeSpec: { linux: { namespaces: { type: string; path?: string }[] } } };
      const netns = info.runtimeSpec.linux.namespaces.find((n) => n.type === "network")!.path!;
      return { netns, cgroup: `/kubepods/burstable/pod${stepUid(suffix)}` };
    },
  },
  podman: {
    sandboxPid1: "catatonit",
    async count(pod: string): Promise<number> {
      return lines(podman("ps", "-aq", "--filter", `label=${LABEL_POD}=${pod}`, "--filter", `label=${LABEL_RUN}=${RUN_ID}`)).length;
    },
    async leftovers(pod: string): Promise<{ netns: string; cgroup: string }> {
      const [id, parent] = podman("pod", "inspect", pod, "--format", "{{.Id}} {{.CgroupParent}}").split(" ");
      const netns = podman("inspect", `${pod}-pause`, "--format", "{{.NetworkSettings.SandboxKey}}");
      return { netns, cgroup: `${parent}/${id}` };
    },
  },
} as const;

beforeAll(async () => {
  token = await fetchToken();
});

afterAll(async () => {
  // By label, whatever failed: the CRI's sandboxes and containers of this run, Podman's pods.
  await removeCriRun(cri, RUN_ID);
  cri.close();
  removePodmanRun(RUN_ID);
});

describe.each(["cri", "podman"] as const)("step by step on %s", (runtime) => {
  const suffix = ((process.pid + (runtime === "cri" ? 1 : 2)) % 0xffffff).toString(16).padStart(6, "0");
  const POD = `demo-${suffix}`;
  const HOST_PORT = PORTS[runtime];
  const rt = RUNTIMES[runtime];
  const step = (i: number) =>
    rawRequest("POST", "/api/steps", pageHeaders(token), JSON.stringify({ entry: "ghost-behind-nginx", runtime, pod: suffix, step: i, hostPort: HOST_PORT }));
  let steps: EntryStep[] = [];
  let left = { netns: "", cgroup: "" };

  it("lists five steps in the runtime's own commands, the sandbox first", async () => {
    const res = await rawRequest("GET", `/api/steps?entry=ghost-behind-nginx&runtime=${runtime}&pod=${suffix}&hostPort=${HOST_PORT}`, { Host: new URL(BASE_URL).host });
    expect(res.status, res.body).toBe(200);
    steps = (JSON.parse(res.body) as { steps: EntryStep[] }).steps;
    expect(steps.map((s) => s.kind)).toEqual(["container", "container", "container", "probe-ps", "probe-fetch"]);
    if (runtime === "cri") {
      expect(steps[0]!.command).toBe("crictl runp pod.json");
      expect(steps[1]!.command).toContain('crictl start "$(crictl create "$POD" nginx.json pod.json)"');
    } else {
      const oneLine = (c: string) => c.replace(/ \\\n\s+/g, " ");
      expect(oneLine(steps[0]!.command)).toMatch(/^podman pod create --name demo-/);
      expect(oneLine(steps[1]!.command)).toMatch(/^podman create --pod demo-/);
    }
    expect(await rt.count(POD)).toBe(0);
  });

  it("a probe before its container is refused, and makes nothing", async () => {
    const early = await step(3);
    expect(early.status, early.body).toBe(409);
    expect(await rt.count(POD)).toBe(0);
  });

  it("each container step makes exactly one more container; run twice it is refused", async () => {
    for (const i of [0, 1, 2]) {
      const res = await step(i);
      expect(res.status, res.body).toBe(200);
      expect(JSON.parse(res.body).containerId).toMatch(/^[0-9a-f]{64}$/);
      expect(await rt.count(POD)).toBe(i + 1);
    }
    const again = await step(1);
    expect(again.status, again.body).toBe(409);
    expect(await rt.count(POD)).toBe(3);
    left = await rt.leftovers(POD, suffix);
    expect(fs.existsSync(left.netns)).toBe(true);
    expect(cgroupsAt(left.cgroup).length).toBeGreaterThan(0);
  });

  it("ps in nginx: the sandbox is PID 1, in one pid namespace with nginx as the kernel says; no container more", async () => {
    const res = await step(3);
    expect(res.status, res.body).toBe(200);
    const { output } = JSON.parse(res.body) as { output: string };
    expect(output).toMatch(new RegExp(`^\\s*1\\s+0\\s+\\S+\\s+${rt.sandboxPid1}$`, "m"));
    const snap: Snapshot = await getSnapshot();
    const ours = snap.containers.filter((c) => c.labels[LABEL_POD] === POD);
    const sandbox = ours.find((c) => c.role === "sandbox")!;
    const nginx = ours.find((c) => c.name.endsWith("nginx"))!;
    expect(fs.readlinkSync(`/proc/${nginx.pid}/ns/pid`)).toBe(fs.readlinkSync(`/proc/${sandbox.pid}/ns/pid`));
    expect(await rt.count(POD)).toBe(3);
  });

  it("the fetch step gets the blog through the proxy; no container more", async () => {
    let page = "";
    for (let i = 0; i < 20 && !page.includes("Blog of pod"); i++) {
      page = (JSON.parse((await step(4)).body) as { output: string }).output ?? "";
      if (!page.includes("Blog of pod")) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain(`Blog of pod ${POD}`);
    expect(await rt.count(POD)).toBe(3);
  });

  it("Start over removes the pod: no container, no sandbox, no netns, no cgroup left", async () => {
    const res = await rawRequest("DELETE", `/api/pods/${POD}`, pageHeaders(token));
    expect(res.status, res.body).toBe(200);
    expect(await rt.count(POD)).toBe(0);
    expect(fs.existsSync(left.netns)).toBe(false);
    expect(cgroupsAt(left.cgroup)).toEqual([]);
  });
});
