import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { container, snapshot } from "@/test/support/model-builders";
import { catalogueEntry, type CatalogueEntryId, type CatalogueImageRole } from "./catalogue";
import { planCriPod } from "./cri-plan";
import { planPodmanPod, podmanCatalogueSpec } from "./podman-plan";
import { planCriSteps, planPodmanSteps, stepBody } from "./runtime-steps";
import { effectSeen, stepScript, type StepEffect } from "./steps";
import type { Container, Snapshot } from "./types";

const UID = "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77";
const image = (role: CatalogueImageRole) => ({ ref: `pod-anatomy/${role}-stand-in:x`, source: "stand-in" as const });
const specs = (id: CatalogueEntryId) => catalogueEntry(id).pods({ suffix: "abc123", uid: UID, image, hostPort: 8884 });
const criOpts = { sample: "test", sourceOf: () => "stand-in" as const, uid: UID, cgroupDriver: "cgroupfs" as const, sandboxImageSource: "stand-in" as const };
const SANDBOX = "registry.k8s.io/pause:3.10";
const INFRA = "localhost/podman-pause:4.3.1-0";
const criSteps = (id: CatalogueEntryId = "ghost-behind-nginx") => planCriSteps(planCriPod(specs(id)[0]!, criOpts), { runtime: "containerd", sandboxImage: SANDBOX });
const podmanSteps = (id: CatalogueEntryId = "ghost-behind-nginx") =>
  planPodmanSteps(planPodmanPod(podmanCatalogueSpec(specs(id)[0]!), { sample: "test", sourceOf: () => "stand-in" }), { infraImage: INFRA });
const oneLine = (s: string) => s.replace(/ \\\n\s+/g, " ");

describe("planCriSteps: the demo pod through the CRI, one crictl command at a time", () => {
  const steps = criSteps();
  it("runp the sandbox, create + start nginx and ghost into it, then ps in nginx and a fetch of :80", () => {
    expect(steps.map((s) => [s.index, s.kind, s.container])).toEqual([
      [0, "container", "demo-abc123-POD"],
      [1, "container", "nginx"],
      [2, "container", "ghost"],
      [3, "probe-ps", "nginx"],
      [4, "probe-fetch", "nginx"],
    ]);
    expect(steps[0]!.command).toBe("crictl runp pod.json");
    expect(steps[0]!.files!.map((f) => f.name)).toEqual(["pod.json"]);
    expect(JSON.parse(steps[0]!.files![0]!.content)).toMatchObject({ metadata: { name: "demo-abc123", uid: UID }, port_mappings: [{ container_port: 80, host_port: 8884, host_ip: "127.0.0.1" }] });
    expect(steps[0]!.change).toContain("held by the runtime's pause container (registry.k8s.io/pause:3.10)");
    expect(steps[0]!.change).toContain("publishes 127.0.0.1:8884 → 80");
    expect(steps[1]!.command).toBe(`POD=$(crictl pods -q --name '^demo-abc123$' --state ready)\ncrictl start "$(crictl create "$POD" nginx.json pod.json)"`);
    expect(steps[1]!.files!.map((f) => f.name)).toEqual(["nginx.json", "pod.json"]);
    // The same pod.json as the sandbox's: CreateContainer is given the sandbox's config.
    expect(steps[1]!.files![1]).toEqual(steps[0]!.files![0]);
    expect(steps[1]!.change).toBe(`nginx joins the sandbox's net, ipc, pid, uts namespaces, with a mnt namespace of its own, under /kubepods/burstable/pod${UID}.`);
    expect(steps[3]!.command).toContain(`crictl exec "$(crictl ps -q --pod "$POD" --name '^nginx$')" ps -o pid,ppid,stat,comm`);
    expect(steps[4]!.command).toContain("timeout 5 wget -q -O - http://127.0.0.1:80/");
  });
  it("effects: the sandbox by the runtime's image and port; members joining net, ipc, pid and uts (uts follows net)", () => {
    expect(steps[0]!.effect).toEqual({ type: "sandbox", runtime: "containerd", image: SANDBOX, hostPort: 8884 });
    expect(steps[1]!.effect).toEqual({ type: "joins", runtime: "containerd", image: "pod-anatomy/nginx-stand-in:x", sandboxImage: SANDBOX, shares: ["net", "ipc", "pid", "uts"] });
  });
  it("a typed step writes its files first, then runs the command", () => {
    const script = stepScript(steps[1]!);
    expect(script.startsWith("cat > nginx.json <<'EOF'\n{")).toBe(true);
    expect(script).toContain("\nEOF\ncat > pod.json <<'EOF'\n");
    expect(script.endsWith(steps[1]!.command)).toBe(true);
  });
  it("init containers are waited for; no ps probe when pid is not shared (by-hand)", () => {
    const byHand = criSteps("by-hand");
    expect(byHand.map((s) => s.kind)).toEqual(["container", "container", "container"]);
    expect(byHand[1]!.change).toContain("limited to 256 MiB");
    expect(byHand[1]!.effect).toMatchObject({ type: "joins", shares: ["net", "ipc", "uts"] });
  });
});

describe("planPodmanSteps: the demo pod on Podman", () => {
  const steps = podmanSteps();
  it("pod create + pod start (the infra container alone), then podman create --pod + start per member, then the probes", () => {
    expect(steps.map((s) => [s.kind, s.container])).toEqual([
      ["container", "demo-abc123-pause"],
      ["container", "demo-abc123-nginx"],
      ["container", "demo-abc123-ghost"],
      ["probe-ps", "demo-abc123-nginx"],
      ["probe-fetch", "demo-abc123-nginx"],
    ]);
    expect(oneLine(steps[0]!.command)).toMatch(/^podman pod create --name demo-abc123 --infra-name demo-abc123-pause .* --share net,ipc,uts,pid -p 127\.0\.0\.1:8884:80\npodman pod start demo-abc123$/);
    expect(oneLine(steps[1]!.command)).toMatch(/^podman create --pod demo-abc123 --name demo-abc123-nginx .*pod-anatomy\/nginx-stand-in:x\npodman start demo-abc123-nginx$/);
    expect(steps[1]!.change).toBe("nginx joins demo-abc123-pause's net, ipc, pid, uts namespaces, with a mnt namespace of its own.");
    expect(steps[3]!.command).toBe("podman exec demo-abc123-nginx ps -o pid,ppid,stat,comm");
    expect(steps[0]!.effect).toEqual({ type: "sandbox", runtime: "podman", image: INFRA, hostPort: 8884 });
  });
  it("an init container runs as a plain member in the foreground (no --init-ctr: Podman adds none to a running pod)", () => {
    const init = podmanSteps("init-and-emptydir");
    const first = init.find((s) => s.effect.type === "completed")!;
    expect(first.command).not.toContain("--init-ctr");
    expect(first.command).toMatch(/\npodman start --attach demo-|\npodman start --attach [a-z]/);
    expect(oneLine(init[0]!.command)).toMatch(/^podman volume create [\s\S]*\npodman pod create /);
    const plan = planPodmanPod(podmanCatalogueSpec(specs("init-and-emptydir")[0]!), { sample: "t", sourceOf: () => "stand-in" });
    expect(stepBody(plan.containers[0]!.body).init_container_type).toBeUndefined();
    expect(plan.containers[0]!.body.init_container_type).toBe("always");
  });
});

// The images as each runtime reports them (test/fixtures: containerd as given, Podman as localhost/…).
const podmanImages = (JSON.parse(fs.readFileSync("test/fixtures/podman/containers.json", "utf8")) as { Image: string }[]).map((c) => c.Image);
const host = { hostname: "h", kernel: "6.1", cgroupVersion: "hybrid" as const, namespaces: { net: 1, ipc: 2, pid: 3, uts: 4 }, namespacesFrom: 1 };
const port = { containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8884 };
const snap = (containers: Container[]): Snapshot => snapshot({ host, containers });
const ns = { net: 50, ipc: 51, pid: 52, uts: 53 };

describe("effectSeen on the CRI and Podman: the same checks, by runtime", () => {
  it("CRI: the sandbox (recognised by the model) publishing the port; nginx joining net, ipc, pid, uts", () => {
    const [sandboxStep, nginxStep] = criSteps();
    const sandbox = container({ id: "s", runtime: "containerd", role: "sandbox", image: "", pid: 10, ports: [port], namespaces: ns });
    expect(effectSeen(sandboxStep!.effect, snap([sandbox]))?.id).toBe("s");
    expect(effectSeen(sandboxStep!.effect, snap([{ ...sandbox, runtime: "docker" }]))).toBeNull(); // another runtime's
    const nginx = container({ id: "n", runtime: "containerd", role: "member", image: "docker.io/pod-anatomy/nginx-stand-in:x", pid: 20, namespaces: { ...ns } });
    expect(effectSeen(nginxStep!.effect, snap([sandbox, nginx]), snap([sandbox]))?.id).toBe("n");
    expect(effectSeen(nginxStep!.effect, snap([sandbox, { ...nginx, namespaces: { ...ns, uts: 99 } }]), snap([sandbox]))).toBeNull();
  });
  it("host-namespaces: the sandbox is seen in the host's net namespace, not in one of its own (CRI NODE, Podman --network host)", () => {
    for (const [runtime, step, image] of [
      ["containerd", criSteps("host-namespaces")[0]!, ""],
      ["podman", podmanSteps("host-namespaces")[0]!, INFRA],
    ] as const) {
      expect(step.effect).toMatchObject({ type: "sandbox", hostNetwork: true });
      const inHost = container({ id: "h", runtime, role: "sandbox", image, pid: 10, namespaces: { ...ns, net: host.namespaces.net } });
      expect(effectSeen(step.effect, snap([inHost]))?.id, runtime).toBe("h");
      expect(effectSeen(step.effect, snap([{ ...inHost, namespaces: ns }])), runtime).toBeNull();
    }
    // Its member joins nothing of the sandbox's: it too is seen in the host's network.
    expect(criSteps("host-namespaces")[1]!.effect).toMatchObject({ type: "sandbox", hostNetwork: true });
    expect(podmanSteps("host-namespaces")[1]!.effect).toMatchObject({ type: "sandbox", hostNetwork: true });
    expect(criSteps()[0]!.effect).not.toHaveProperty("hostNetwork");
  });

  it("Podman: the infra container of Podman's image; a member whose image Podman names localhost/…", () => {
    const [sandboxStep, nginxStep] = podmanSteps();
    const nginxImage = podmanImages.find((i) => i.includes("nginx-stand-in"))!;
    expect(nginxImage.startsWith("localhost/")).toBe(true);
    const infra = container({ id: "i", runtime: "podman", image: INFRA, pid: 10, ports: [port], namespaces: ns });
    expect(effectSeen(sandboxStep!.effect, snap([infra]))?.id).toBe("i");
    expect(effectSeen(sandboxStep!.effect, snap([{ ...infra, ports: [] }]))).toBeNull();
    const effect = { ...nginxStep!.effect, image: nginxImage.replace(/^localhost\//, "") } as StepEffect;
    const nginx = container({ id: "n", runtime: "podman", image: nginxImage, pid: 20, namespaces: { ...ns } });
    expect(effectSeen(effect, snap([infra, nginx]), snap([infra]))?.id).toBe("n");
    expect(effectSeen(effect, snap([infra, nginx]), snap([infra, nginx]))).toBeNull(); // not new
  });
});
