import { describe, expect, it } from "vitest";
import { planPod } from "./pod-plan";
import { sourceOf, spec } from "@/test/support/pod-specs";

describe("planPod", () => {
  it("makes the sandbox the holder and joins the others to it, as the spec says", () => {
    const plan = planPod(spec(), { sample: "builder", sourceOf, extraLabels: { "io.pod-anatomy.run": "r1" } });
    expect(plan.map((c) => [c.kind, c.name, c.networkMode, c.ipcMode, c.pidMode, c.utsMode])).toEqual([
      ["sandbox", "web-pause", null, "shareable", null, null],
      ["app", "web-app", "container:web-pause", "container:web-pause", null, null],
      ["app", "web-sidecar", "container:web-pause", "container:web-pause", null, null],
    ]);
    expect(plan[1]).toMatchObject({ memoryBytes: 268435456, nanoCpus: 500000000, pidsLimit: 100, cgroupParent: "/pod-web", entrypoint: "sh" });
    expect(plan[1]!.labels).toEqual({
      "io.pod-anatomy.app": "pod-anatomy",
      "io.pod-anatomy.pod": "web",
      "io.pod-anatomy.pod-size": "3",
      "io.pod-anatomy.role": "app",
      "io.pod-anatomy.image-source": "stand-in",
      "io.pod-anatomy.sample": "builder",
      "io.pod-anatomy.run": "r1",
    });
    expect(plan[2]).toMatchObject({ entrypoint: "sleep", args: ["infinity"], memoryBytes: null, nanoCpus: null, pidsLimit: null });
  });

  it("with no sandbox, the first container holds the namespaces; host choices give every container the host's", () => {
    const plan = planPod(spec({ sandbox: { kind: "none" }, namespaces: { net: "sandbox", ipc: "host", pid: "sandbox", uts: "host" } }), {
      sample: "builder",
      sourceOf,
    });
    expect(plan.map((c) => [c.kind, c.name, c.networkMode, c.ipcMode, c.pidMode, c.utsMode])).toEqual([
      ["app", "web-app", null, "host", null, "host"],
      ["app", "web-sidecar", "container:web-app", "host", "container:web-app", "host"],
    ]);
    expect(plan[0]!.labels["io.pod-anatomy.pod-size"]).toBe("2");
  });

  it("names and labels the containers as dockershim did", () => {
    const uid = "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77";
    const plan = planPod(spec({ kubernetes: { namespace: "default", uid } }), { sample: "node-look-alike", sourceOf });
    expect(plan.map((c) => c.name)).toEqual([`k8s_POD_web_default_${uid}_0`, `k8s_app_web_default_${uid}_0`, `k8s_sidecar_web_default_${uid}_0`]);
    expect(plan[1]!.networkMode).toBe(`container:k8s_POD_web_default_${uid}_0`);
    expect(plan[0]!.labels).toMatchObject({
      "io.kubernetes.pod.name": "web",
      "io.kubernetes.pod.namespace": "default",
      "io.kubernetes.pod.uid": uid,
      "io.kubernetes.container.name": "POD",
      "io.kubernetes.docker.type": "podsandbox",
    });
    expect(plan[2]!.labels).toMatchObject({ "io.kubernetes.container.name": "sidecar", "io.kubernetes.docker.type": "container" });
  });
});
