import { describe, expect, it } from "vitest";
import { container, proc, snapshot } from "@/test/support/model-builders";
import { CATALOGUE, type CatalogueContext } from "./catalogue";
import { planPod } from "./pod-plan";
import { diffSnapshots, effectSeen, planSteps } from "./steps";
import type { Container, Snapshot } from "./types";

const ctx: CatalogueContext = { suffix: "abc123", uid: "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77", image: (role) => ({ ref: `pod-anatomy/${role}-stand-in:1`, source: "stand-in" }) };
const demoPlan = () => planPod(CATALOGUE.find((e) => e.id === "ghost-behind-nginx")!.pods(ctx)[0]!, { sample: "ghost-behind-nginx", sourceOf: () => "stand-in" });
const PAUSE = "pod-anatomy/pause-stand-in:1";
const NGINX = "pod-anatomy/nginx-stand-in:1";

describe("planSteps", () => {
  it("cuts the demo pod into pause, nginx, ghost, then ps in nginx and a fetch of :80", () => {
    const steps = planSteps(demoPlan());
    expect(steps.map((s) => [s.index, s.kind, s.container])).toEqual([
      [0, "container", "demo-abc123-pause"],
      [1, "container", "demo-abc123-nginx"],
      [2, "container", "demo-abc123-ghost"],
      [3, "probe-ps", "demo-abc123-nginx"],
      [4, "probe-fetch", "demo-abc123-nginx"],
    ]);
    expect(steps[0]!.command.replace(/ \\\n\s+/g, " ")).toMatch(/^docker run -d --name demo-abc123-pause .* -p 127\.0\.0\.1:8880:80 pod-anatomy\/pause-stand-in:1$/);
    expect(steps[0]!.change).toContain("publishing 127.0.0.1:8880 → 80");
    expect(steps[1]!.command.replace(/ \\\n\s+/g, " ")).toContain("--net container:demo-abc123-pause --ipc container:demo-abc123-pause --pid container:demo-abc123-pause");
    expect(steps[1]!.change).toBe("nginx joins demo-abc123-pause's net, ipc, pid namespaces, with a mnt namespace of its own.");
    expect(steps[3]!.command).toBe("docker exec demo-abc123-nginx ps -o pid,ppid,stat,comm");
    expect(steps[1]!.effect).toEqual({ type: "joins", runtime: "docker", image: NGINX, sandboxImage: PAUSE, shares: ["net", "ipc", "pid"] });
  });

  it("runs init containers in the foreground, each expected to complete", () => {
    const entry = CATALOGUE.find((e) => e.id === "init-and-emptydir")!;
    const steps = planSteps(planPod(entry.pods(ctx)[0]!, { sample: entry.id, sourceOf: () => "stand-in" }));
    const inits = steps.filter((s) => s.effect.type === "completed");
    expect(inits).toHaveLength(2);
    for (const s of inits) expect(s.command.replace(/ \\\n\s+/g, " ")).toMatch(/^docker run --name /);
  });

  it("host-namespaces: the sandbox and the shell are seen in the host's network (--net host)", () => {
    const entry = CATALOGUE.find((e) => e.id === "host-namespaces")!;
    const steps = planSteps(planPod(entry.pods(ctx)[0]!, { sample: entry.id, sourceOf: () => "stand-in" }));
    expect(steps.filter((s) => s.kind === "container").map((s) => s.effect)).toEqual([
      expect.objectContaining({ type: "sandbox", hostNetwork: true }),
      expect.objectContaining({ type: "sandbox", hostNetwork: true }),
    ]);
  });

  it("every catalogue entry has steps, each with a command and a change", () => {
    for (const entry of CATALOGUE) {
      for (const spec of entry.pods(ctx)) {
        const steps = planSteps(planPod(spec, { sample: entry.id, sourceOf: () => "stand-in" }));
        expect(steps.length).toBeGreaterThan(0);
        for (const s of steps) expect(s.command.startsWith("docker ") && s.change.length > 0).toBe(true);
      }
    }
  });
});

const host = { hostname: "h", kernel: "6.1", cgroupVersion: "hybrid" as const, namespaces: { net: 1, ipc: 2, pid: 3 }, namespacesFrom: 1 };
const port = { containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8880 };
const pause = (id = "p") => container({ id, name: `any-${id}`, image: PAUSE, pid: 10, ports: [port], namespaces: { net: 50, ipc: 51, pid: 52 } });
const snap = (containers: Container[], over: Partial<Snapshot> = {}) => snapshot({ host, containers, ...over });

describe("effectSeen: the step done by hand, any names", () => {
  const [sandboxStep, nginxStep] = planSteps(demoPlan());
  it("sees a pause container publishing the port, whatever its name, only when new", () => {
    expect(effectSeen(sandboxStep!.effect, snap([pause()]))?.name).toBe("any-p");
    expect(effectSeen(sandboxStep!.effect, snap([pause()]), snap([pause()]))).toBeNull();
    expect(effectSeen(sandboxStep!.effect, snap([{ ...pause(), ports: [] }]))).toBeNull();
  });
  it("sees nginx joining the pause container's net, ipc and pid — not when it joined only net", () => {
    const joined = container({ id: "n", name: "my-proxy", image: NGINX, pid: 20, namespaces: { net: 50, ipc: 51, pid: 52 } });
    expect(effectSeen(nginxStep!.effect, snap([pause(), joined]), snap([pause()]))?.name).toBe("my-proxy");
    expect(effectSeen(nginxStep!.effect, snap([pause(), { ...joined, namespaces: { net: 50, ipc: 61, pid: 62 } }]), snap([pause()]))).toBeNull();
  });
  it("never sees an observation", () => {
    expect(effectSeen({ type: "observation" }, snap([pause()]))).toBeNull();
  });
});

describe("diffSnapshots", () => {
  it("names the new container, the namespaces it made, and its PID 1; a joiner with its hub", () => {
    const before = snap([]);
    const afterPause = snap([pause()], {
      namespaces: [{ id: "net:[50]", type: "net", inode: 50, containerIds: ["p"], isHost: false }],
      processes: [proc({ pid: 10, containerId: "p", nspid: [10, 1] })],
    });
    expect(diffSnapshots(before, afterPause)).toEqual({ newContainers: ["p"], newNamespaces: ["net:[50]"], joined: [], newPid1: [10] });
    const nginx = container({ id: "n", image: NGINX, pid: 20, namespaces: { net: 50, ipc: 51, pid: 52 } });
    const afterNginx = snap([pause(), nginx], { namespaces: afterPause.namespaces, processes: [...afterPause.processes, proc({ pid: 20, containerId: "n", nspid: [20, 7] })] });
    expect(diffSnapshots(afterPause, afterNginx)).toEqual({ newContainers: ["n"], newNamespaces: [], joined: [{ containerId: "n", hubId: "p", shares: ["net", "ipc", "pid"] }], newPid1: [] });
    const joinedNginx = { ...nginx, modes: { network: "container:p", ipc: "container:p", pid: "container:p", uts: "", cgroupParent: "" } };
    const ghost = container({ id: "g", image: "ghost", pid: 30, namespaces: { net: 50, ipc: 51, pid: 52 } });
    const afterGhost = snap([joinedNginx, pause(), ghost], { namespaces: afterPause.namespaces });
    expect(diffSnapshots(snap([joinedNginx, pause()]), afterGhost).joined).toEqual([{ containerId: "g", hubId: "p", shares: ["net", "ipc", "pid"] }]);
  });
});
