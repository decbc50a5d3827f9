import { describe, expect, it } from "vitest";
import {
  CATALOGUE,
  CATALOGUE_ENTRY_IDS,
  catalogueEntry,
  catalogueInstances,
  podStatus,
  podZombies,
  sharingOf,
  type CatalogueImageRole,
  type ResolvedImageRef,
} from "./catalogue";
import { planPod } from "./pod-plan";
import { imageIssues, specIssues, type ImageChoice } from "./pod-spec";
import type { Container, Pod, Process } from "./types";
import * as build from "@/test/support/model-builders";

const UID = "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77";
const STAND_INS: Record<CatalogueImageRole, ResolvedImageRef> = {
  pause: { ref: "pod-anatomy/pause-stand-in:p", source: "stand-in" },
  nginx: { ref: "pod-anatomy/nginx-stand-in:n", source: "stand-in" },
  ghost: { ref: "pod-anatomy/ghost-stand-in:g", source: "stand-in" },
  busybox: { ref: "pod-anatomy/busybox-stand-in:b", source: "stand-in" },
  httpbin: { ref: "pod-anatomy/busybox-stand-in:b", source: "stand-in" },
  curl: { ref: "pod-anatomy/busybox-stand-in:b", source: "stand-in" },
};
const ALLOW_LIST: ImageChoice[] = [
  { ref: "pod-anatomy/pause-stand-in:p", source: "stand-in", role: "pause", tools: [], present: true },
  { ref: "pod-anatomy/nginx-stand-in:n", source: "stand-in", role: "nginx", tools: ["sh", "httpd"], present: true },
  { ref: "pod-anatomy/ghost-stand-in:g", source: "stand-in", role: "ghost", tools: ["sh", "httpd", "blog"], present: true },
  { ref: "pod-anatomy/busybox-stand-in:b", source: "stand-in", role: "busybox", tools: ["sh", "httpd"], present: true },
];
const sourceOf = () => "stand-in" as const;

function podsOf(id: (typeof CATALOGUE_ENTRY_IDS)[number], images: Partial<Record<CatalogueImageRole, ResolvedImageRef>> = STAND_INS) {
  const entry = catalogueEntry(id);
  return entry.pods({
    suffix: "abc123",
    uid: UID,
    image: (role) => {
      expect(entry.roles).toContain(role);
      return images[role]!;
    },
  });
}

describe("the catalogue", () => {
  it("has the six entries, numbered, each with a caption", () => {
    expect(CATALOGUE.map((e) => [e.number, e.id])).toEqual(CATALOGUE_ENTRY_IDS.map((id, i) => [i + 1, id]));
    for (const e of CATALOGUE) expect(e.caption.length).toBeGreaterThan(100);
  });

  it("builds valid pod specs from the stand-ins, within the allow-list", () => {
    for (const id of CATALOGUE_ENTRY_IDS) {
      for (const spec of podsOf(id)) {
        expect(specIssues(spec), `${id}: ${spec.name}`).toEqual([]);
        expect(imageIssues(spec, ALLOW_LIST), `${id}: ${spec.name}`).toEqual([]);
      }
    }
  });

  it("entry 1 is the demo pod: pause publishing 127.0.0.1:8880, nginx and ghost joining net, ipc and pid", () => {
    const [spec] = podsOf("ghost-behind-nginx");
    const plan = planPod(spec!, { sample: "ghost-behind-nginx", sourceOf });
    expect(plan.map((c) => [c.name, c.ipcMode, c.networkMode, c.pidMode, c.port])).toEqual([
      ["demo-abc123-pause", "shareable", null, null, { containerPort: 80, hostPort: 8880, hostIp: "127.0.0.1" }],
      ["demo-abc123-nginx", "container:demo-abc123-pause", "container:demo-abc123-pause", "container:demo-abc123-pause", null],
      ["demo-abc123-ghost", "container:demo-abc123-pause", "container:demo-abc123-pause", "container:demo-abc123-pause", null],
    ]);
    expect(plan[2]!.env).toEqual({ POD_NAME: "demo-abc123" });
    const real = podsOf("ghost-behind-nginx", { ...STAND_INS, nginx: { ref: "nginx:1.27-alpine", source: "real" }, ghost: { ref: "ghost:5-alpine", source: "real" } });
    const realPlan = planPod(real[0]!, { sample: "ghost-behind-nginx", sourceOf });
    expect(realPlan[1]!.args?.[1]).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:2368/);
    expect(realPlan[2]!.env).toEqual({ url: "http://localhost:8880/", NODE_ENV: "development" });
  });

  it("entry 2: under /pod-<name>, net and ipc joined, pid not, the app at 256Mi and the sidecar at 128Mi", () => {
    const plan = planPod(podsOf("by-hand")[0]!, { sample: "by-hand", sourceOf });
    expect(plan.map((c) => [c.name, c.cgroupParent, c.networkMode, c.ipcMode, c.pidMode, c.memoryBytes])).toEqual([
      ["by-hand-abc123-pause", "/pod-by-hand-abc123", null, "shareable", null, null],
      ["by-hand-abc123-app", "/pod-by-hand-abc123", "container:by-hand-abc123-pause", "container:by-hand-abc123-pause", null, 268435456],
      ["by-hand-abc123-sidecar", "/pod-by-hand-abc123", "container:by-hand-abc123-pause", "container:by-hand-abc123-pause", null, 134217728],
    ]);
  });

  it("entry 3: two init containers writing two volumes, one a 50Mi tmpfs", () => {
    const plan = planPod(podsOf("init-and-emptydir")[0]!, { sample: "init-and-emptydir", sourceOf });
    expect(plan.map((c) => [c.kind, c.podName, c.volumesFrom])).toEqual([
      ["sandbox", "pause", null],
      ["init", "write-site", "init-abc123-pause"],
      ["init", "write-cache", "init-abc123-pause"],
      ["app", "web", "init-abc123-pause"],
      ["app", "reader", "init-abc123-pause"],
    ]);
    expect(plan[0]!.volumes).toEqual([
      { target: "/data/site", tmpfsSizeMi: null },
      { target: "/data/cache", tmpfsSizeMi: 50 },
    ]);
  });

  it("entry 4: the same pod twice, PID 1 pause in one and sleep infinity in the other, pid shared", () => {
    const plans = podsOf("reaping").map((s) => planPod(s, { sample: "reaping", sourceOf }));
    expect(plans.map((p) => [p[0]!.name, p[0]!.image, p[0]!.entrypoint, p[0]!.args, p[1]!.pidMode])).toEqual([
      ["reap-pause-abc123-pause", STAND_INS.pause.ref, null, null, "container:reap-pause-abc123-pause"],
      ["reap-sleep-abc123-sleep", STAND_INS.busybox.ref, "sleep", ["infinity"], "container:reap-sleep-abc123-sleep"],
    ]);
  });

  it("entry 5: every container in the host's net, ipc, pid and uts", () => {
    const plan = planPod(podsOf("host-namespaces")[0]!, { sample: "host-namespaces", sourceOf });
    for (const c of plan) expect([c.networkMode, c.ipcMode, c.pidMode, c.utsMode]).toEqual(["host", "host", "host", "host"]);
  });

  it("entry 6: dockershim names and labels under kubepods/burstable/pod<uid>", () => {
    const plan = planPod(podsOf("node-look-alike")[0]!, { sample: "node-look-alike", sourceOf });
    expect(plan.map((c) => [c.name, c.cgroupParent])).toEqual([
      [`k8s_POD_web-abc123_default_${UID}_0`, `/kubepods/burstable/pod${UID}`],
      [`k8s_web_web-abc123_default_${UID}_0`, `/kubepods/burstable/pod${UID}`],
      [`k8s_sidecar_web-abc123_default_${UID}_0`, `/kubepods/burstable/pod${UID}`],
    ]);
    expect(plan[1]!.labels["io.kubernetes.pod.uid"]).toBe(UID);
  });
});

function container(id: string, labels: Record<string, string>, state: string, extra: Partial<Container> = {}): Container {
  return build.container({
    id,
    image: "img",
    state,
    pid: state === "running" ? 100 : null,
    created: "2026-01-01T00:00:00Z",
    modes: { network: "", ipc: "", pid: "", uts: "", cgroupParent: "" },
    labels,
    role: "member",
    ...extra,
  });
}

describe("reading the snapshot", () => {
  const role = (r: string) => ({ "io.pod-anatomy.role": r, "io.pod-anatomy.pod-size": "5" });

  it("gives the phase kubectl would: Pending, Init:k/n, PodInitializing, Running", () => {
    const sandbox = container("s", role("sandbox"), "running");
    const at = (i1: string, i2: string, a1: string, a2: string) =>
      podStatus([sandbox, container("i1", role("init"), i1), container("i2", role("init"), i2), container("a1", role("app"), a1), container("a2", role("app"), a2)]);
    expect(podStatus([sandbox])).toEqual({ phase: "Pending", ready: "0/0" });
    expect(at("running", "created", "created", "created")).toEqual({ phase: "Init:0/2", ready: "0/2" });
    expect(at("exited", "running", "created", "created")).toEqual({ phase: "Init:1/2", ready: "0/2" });
    expect(at("exited", "exited", "running", "created")).toEqual({ phase: "PodInitializing", ready: "1/2" });
    expect(at("exited", "exited", "running", "running")).toEqual({ phase: "Running", ready: "2/2" });
  });

  it("counts the zombies among a pod's processes", () => {
    const proc = (pid: number, state: string): Process => build.proc({ pid, name: "sleep", state });
    const snapshot = build.snapshot({ processes: [proc(1, "S (sleeping)"), proc(2, "Z (zombie)"), proc(3, "Z (zombie)")] });
    expect(podZombies(snapshot, [container("a", {}, "running", { processIds: [1, 2] })]).map((p) => p.pid)).toEqual([2]);
  });

  it("groups an entry's pods into instances by their suffix", () => {
    const pod = (name: string, sandboxId: string): Pod => build.pod({ id: sandboxId, name });
    const sample = (s: string) => ({ "io.pod-anatomy.sample": s });
    const snapshot = build.snapshot({
      pods: [pod("reap-sleep-aaa111", "s1"), pod("reap-pause-aaa111", "s2"), pod("reap-pause-bbb222", "s3"), pod("by-hand-aaa111", "s4")],
      containers: [
        container("s1", sample("reaping"), "running"),
        container("s2", sample("reaping"), "running"),
        container("s3", sample("reaping"), "running"),
        container("s4", sample("by-hand"), "running"),
      ],
    });
    expect(catalogueInstances(snapshot, "reaping").map((i) => [i.suffix, i.pods.map((p) => p.name)])).toEqual([
      ["aaa111", ["reap-pause-aaa111", "reap-sleep-aaa111"]],
      ["bbb222", ["reap-pause-bbb222"]],
    ]);
  });

  it("tells for each namespace type whether it is the sandbox's, the host's or the container's own", () => {
    expect(sharingOf(container("m", {}, "running", { sharedWithSandbox: ["ipc", "net"], sharedWithHost: ["uts"] }))).toEqual({
      net: "sandbox",
      ipc: "sandbox",
      pid: "own",
      uts: "host",
    });
  });
});
