/**
 * A pod's timeline on the CRI (containerd) and on Podman, not only Docker: the demo pod built
 * step by step through the app (POST /api/steps), and after each container step GET
 * /api/pods/<id>/timeline has gained that step's sandbox or member, in order, told in the
 * runtime's own words: the CRI's poll with its created_at / started_at (exactly the CRI's
 * times), RunPodSandbox, NamespaceMode POD; Podman's events, its container: modes. A runtime
 * the server cannot reach is skipped. Publishes on ports of its own (not the shared 8880);
 * everything made is removed (DELETE /api/pods/<pod>, then by label whatever failed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PodTimeline, TimelineStep } from "@/lib/model/pod-timeline";
import { LABEL_POD, LABEL_RUN, type Snapshot } from "@/lib/model/types";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { removeCriRun, removePodmanRun } from "../support/run-pods";
import { BASE_URL, fetchToken, getSnapshot, pageHeaders, rawRequest, until } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const CRI_SOCKET = process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock";
const PORTS = { cri: Number(process.env.POD_ANATOMY_STEPS_CRI_PORT ?? 8884), podman: Number(process.env.POD_ANATOMY_STEPS_PODMAN_PORT ?? 8885) };
const cri = new CriClient({ endpoint: CRI_SOCKET });
const host = { Host: new URL(BASE_URL).host };

// Which runtimes the server reaches (its snapshot's word): only an unreachable one is skipped.
const first: Snapshot = await getSnapshot();
const reachable = {
  cri: first.runtimes.some((r) => r.kind === "cri" && r.node === null && r.endpoint.includes(CRI_SOCKET) && r.state === "ok"),
  podman: first.runtimes.some((r) => r.kind === "podman" && r.state === "ok"),
};

/** What each runtime's steps must say, and what it must not (another runtime's words). */
const WORDING = {
  cri: {
    eventSource: /^CRI (ListPodSandbox|ListContainers|ContainerStatus) \(poll, 1 s\): /,
    sandboxCreated: /^RunPodSandbox made the pod's sandbox/,
    memberCreated: /^CreateContainer put it in sandbox demo-[0-9a-f]{6}-POD, whose NamespaceOption says network=POD, ipc=POD, pid=POD/,
    sandboxName: (pod: string) => `${pod}-POD`,
    memberName: (pod: string, c: string) => c,
  },
  podman: {
    eventSource: /^podman events: container (create|start)$/,
    sandboxCreated: /^Podman created the pod's infra container from localhost\/podman-pause:/,
    memberCreated: /^Created in demo-[0-9a-f]{6}-pause's pod: Podman set its HostConfig\.NetworkMode, IpcMode, PidMode and UTSMode to container:[0-9a-f]{12}/,
    sandboxName: (pod: string) => `${pod}-pause`,
    memberName: (pod: string, c: string) => `${pod}-${c}`,
  },
} as const;

let token = "";
beforeAll(async () => {
  token = await fetchToken();
  // The server follows every runtime from its first snapshot; give the CRI's poll its first listing.
  await new Promise((r) => setTimeout(r, 2000));
});

afterAll(async () => {
  // By label, whatever failed: the CRI's sandboxes and containers of this run, Podman's pods.
  if (reachable.cri) await removeCriRun(cri, RUN_ID);
  cri.close();
  if (reachable.podman) removePodmanRun(RUN_ID);
});

describe.each(["cri", "podman"] as const)("the timeline on %s", (runtime) => {
  const suffix = ((process.pid + (runtime === "cri" ? 3 : 4)) % 0xffffff).toString(16).padStart(6, "0");
  const POD = `demo-${suffix}`;
  const words = WORDING[runtime];
  const step = (i: number) =>
    rawRequest("POST", "/api/steps", pageHeaders(token), JSON.stringify({ entry: "ghost-behind-nginx", runtime, pod: suffix, step: i, hostPort: PORTS[runtime] }));
  const timeline = async (podId: string): Promise<PodTimeline> => {
    const res = await rawRequest("GET", `/api/pods/${podId}/timeline`, host);
    if (res.status !== 200) throw new Error(`GET timeline: HTTP ${res.status} ${res.body}`);
    return JSON.parse(res.body) as PodTimeline;
  };
  const told = (steps: TimelineStep[]) => steps.map((s) => `${s.kind} ${s.containerName}`);
  let podId = "";
  let seen: TimelineStep[] = [];

  /** Run step i, then wait until the timeline has gained exactly `gained` after what it had, in order. */
  async function stepGains(i: number, gained: string[]): Promise<TimelineStep[]> {
    const res = await step(i);
    expect(res.status, res.body).toBe(200);
    const made = (JSON.parse(res.body) as { containerId: string }).containerId;
    if (i === 0) {
      // The pod's id is its sandbox's: the CRI's PodSandbox id, Podman's infra container id; 64 hex, as the route wants.
      podId = await until(`${POD} in the snapshot`, async () => (await getSnapshot()).pods.find((p) => p.name === POD)?.id, { seconds: 30, everyMs: 500 });
      expect(podId).toBe(made);
      expect(podId).toMatch(/^[0-9a-f]{64}$/);
    }
    const want = [...told(seen), ...gained];
    const t = await until(`the timeline of ${POD} gaining ${gained.join(", ")}`, async () => {
      const got = await timeline(podId);
      return told(got.steps).length >= want.length ? got : undefined;
    });
    expect(told(t.steps)).toEqual(want);
    // What it had is unchanged: the timeline gains steps, it does not retell them.
    expect(t.steps.slice(0, seen.length).map((s) => s.id)).toEqual(seen.map((s) => s.id));
    expect(t.complete).toBe(true);
    const times = t.steps.map((s) => BigInt(s.timeNano));
    expect(times.every((n, k) => k === 0 || n >= times[k - 1]!)).toBe(true);
    for (const s of t.steps) {
      expect(s.sources[0], `${s.kind} ${s.containerName}`).toMatch(words.eventSource);
      expect(s.sources.join(" "), `${s.kind} ${s.containerName}`).not.toMatch(/docker/i);
    }
    const fresh = t.steps.slice(seen.length);
    seen = t.steps;
    return fresh;
  }

  describe.skipIf(!reachable[runtime])(`(${runtime} reachable)`, () => {
    it("step 1, the sandbox: its creation and its namespaces, in the runtime's words", async () => {
      const sandbox = words.sandboxName(POD);
      const [created, started] = await stepGains(0, [`sandbox-created ${sandbox}`, `namespaces-created ${sandbox}`]);
      expect(created!.detail).toMatch(words.sandboxCreated);
      expect(started!.namespaces.map((n) => n.type)).toEqual(expect.arrayContaining(["net", "ipc", "uts", "mnt"]));
      expect(started!.namespaces.every((n) => n.id !== null)).toBe(true); // the kernel's inodes, read while it runs
      if (runtime === "cri") {
        // The CRI's own time: RunPodSandbox made and started it at created_at.
        const [sb] = await cri.listPodSandbox({ label_selector: { [LABEL_POD]: POD, [LABEL_RUN]: RUN_ID! } });
        expect(created!.timeNano).toBe(sb!.created_at);
        expect(started!.timeNano).toBe(sb!.created_at);
        expect(started!.sources[0]).toContain("RunPodSandbox creates and starts the sandbox in one call");
      } else {
        expect(created!.sources[0]).toBe("podman events: container create");
      }
    });

    it("step 2, nginx: created into the sandbox, joining its namespaces, started", async () => {
      const nginx = words.memberName(POD, "nginx");
      const [created, joined, started] = await stepGains(1, [`created ${nginx}`, `joined ${nginx}`, `started ${nginx}`]);
      expect(created!.detail).toMatch(words.memberCreated);
      expect(joined!.title).toMatch(new RegExp(`^${nginx} joined ${words.sandboxName(POD)}'s net, ipc, pid, uts$`));
      expect(joined!.namespaces.every((n) => n.id !== null)).toBe(true);
      expect(started!.timeNano).toBe(joined!.timeNano);
      if (runtime === "cri") {
        const [c] = await cri.listContainers({ label_selector: { [LABEL_POD]: POD, "io.kubernetes.container.name": "nginx" } });
        const st = (await cri.containerStatus(c!.id, false)).status!;
        expect(created!.timeNano).toBe(c!.created_at);
        expect(started!.timeNano).toBe(st.started_at);
        expect(started!.sources[0]).toBe("CRI ContainerStatus (poll, 1 s): state CONTAINER_RUNNING, started_at");
        expect(created!.sources.slice(1)).toContain("CRI NamespaceOption.network=POD");
      } else {
        expect(created!.sources.slice(1)).toContain("podman inspect: HostConfig.NetworkMode");
      }
    });

    it("step 3, ghost: the same, after nginx", async () => {
      const ghost = words.memberName(POD, "ghost");
      const [created] = await stepGains(2, [`created ${ghost}`, `joined ${ghost}`, `started ${ghost}`]);
      expect(created!.detail).toMatch(words.memberCreated);
    });

    it("Start over removes the pod", async () => {
      const res = await rawRequest("DELETE", `/api/pods/${POD}`, pageHeaders(token));
      expect(res.status, res.body).toBe(200);
      await until(`${POD} gone from the snapshot`, async () => ((await getSnapshot()).pods.some((p) => p.name === POD) ? undefined : true), { seconds: 30, everyMs: 500 });
    });
  });
});
