import { describe, expect, it } from "vitest";
import { catalogueEntry, type CatalogueEntryId, type CatalogueImageRole } from "./catalogue";
import type { PodSpec } from "./pod-spec";
import { UTS_EXPLANATION } from "./pod-spec";
import {
  PODMAN_NONE_ISSUE,
  PODMAN_UTS_NOTE,
  PODMAN_VOLUMES_NOTE,
  planPodmanPod,
  podmanCatalogueSpec,
  podmanScript,
  podmanSpecIssues,
} from "./podman-plan";

const image = (role: CatalogueImageRole) => ({ ref: `pod-anatomy/${role}-stand-in:test`, source: "stand-in" as const });
const specOf = (id: CatalogueEntryId, i = 0): PodSpec => podmanCatalogueSpec(catalogueEntry(id).pods({ suffix: "t1", uid: "0b7c2d1e-7d51-4f7e-9d55-3a2e1f0b7c11", image, hostPort: 8882 })[i]!);
const opts = { sample: "test", sourceOf: () => "stand-in" as const, extraLabels: { "io.pod-anatomy.run": "podman-unit" } };

describe("planPodmanPod: the demo pod", () => {
  const plan = planPodmanPod(specOf("ghost-behind-nginx"), opts);
  it("one pod sharing net, ipc, uts and pid, publishing 127.0.0.1:8882 → 80, labelled as the sandbox", () => {
    expect(plan.create).toMatchObject({
      name: "demo-t1",
      infra_name: "demo-t1-pause",
      shared_namespaces: ["net", "ipc", "uts", "pid"],
      portmappings: [{ host_ip: "127.0.0.1", container_port: 80, host_port: 8882, protocol: "tcp" }],
    });
    expect(plan.create.labels).toMatchObject({
      "io.pod-anatomy.app": "pod-anatomy",
      "io.pod-anatomy.pod": "demo-t1",
      "io.pod-anatomy.role": "sandbox",
      "io.pod-anatomy.pod-size": "3",
      "io.pod-anatomy.run": "podman-unit",
    });
    expect(plan.create.infra_image).toBeUndefined(); // Podman's own infra (catatonit)
    expect(plan.create.netns).toBeUndefined();
  });
  it("members created into the pod, joining it by default (no namespace fields)", () => {
    expect(plan.containers.map((c) => [c.kind, c.body.name, c.body.pod])).toEqual([
      ["app", "demo-t1-nginx", "demo-t1"],
      ["app", "demo-t1-ghost", "demo-t1"],
    ]);
    for (const c of plan.containers) {
      expect(c.body.netns ?? c.body.ipcns ?? c.body.pidns ?? c.body.utsns).toBeUndefined();
      expect(c.body.labels["io.pod-anatomy.role"]).toBe("app");
    }
    expect(plan.containers[1]!.body.env).toEqual({ POD_NAME: "demo-t1" });
  });
  it("notes that Podman shares uts", () => {
    expect(plan.notes).toContain(PODMAN_UTS_NOTE);
  });
});

describe("planPodmanPod: other entries", () => {
  it("by-hand: a cgroup parent, memory limits, pid not shared (own pid namespace)", () => {
    const plan = planPodmanPod(specOf("by-hand"), opts);
    expect(plan.create.cgroup_parent).toBe("/pod-by-hand-t1");
    expect(plan.create.shared_namespaces).toEqual(["net", "ipc", "uts"]);
    expect(plan.containers[0]!.body.resource_limits).toEqual({ memory: { limit: 256 * 1024 * 1024 } });
    expect(plan.containers[0]!.body.pidns).toEqual({ nsmode: "private" });
  });
  it("init-and-emptydir: Podman's init containers first, named volumes (tmpfs with a size), mounted at /data/<name>", () => {
    const plan = planPodmanPod(specOf("init-and-emptydir"), opts);
    expect(plan.containers.map((c) => [c.kind, c.podName, c.body.init_container_type])).toEqual([
      ["init", "write-site", "always"],
      ["init", "write-cache", "always"],
      ["app", "web", undefined],
      ["app", "reader", undefined],
    ]);
    expect(plan.volumes).toEqual([
      expect.objectContaining({ Name: "init-t1-site", Options: {} }),
      expect.objectContaining({ Name: "init-t1-cache", Options: { type: "tmpfs", device: "tmpfs", o: "nr_blocks=12800" } }),
    ]);
    expect(plan.volumes[0]!.Label).toMatchObject({ "io.pod-anatomy.pod": "init-t1", "io.pod-anatomy.run": "podman-unit" });
    expect(plan.create.volumes).toEqual([
      { Name: "init-t1-site", Dest: "/data/site" },
      { Name: "init-t1-cache", Dest: "/data/cache" },
    ]);
    for (const c of plan.containers) expect(c.body.volumes).toBeUndefined(); // inherited from the pod; a duplicate is refused
    expect(plan.notes).not.toContain(PODMAN_VOLUMES_NOTE);
    const spec = specOf("init-and-emptydir");
    spec.containers[1] = { ...spec.containers[1]!, mountVolumes: false, command: "sleep" };
    expect(planPodmanPod(spec, opts).notes).toContain(PODMAN_VOLUMES_NOTE);
  });
  it("host-namespaces: the pod on the host's network, each container on the host's ipc, pid, uts", () => {
    const plan = planPodmanPod(specOf("host-namespaces"), opts);
    expect(plan.create.netns).toEqual({ nsmode: "host" });
    expect(plan.create.shared_namespaces).toEqual(["none"]);
    for (const c of plan.containers) {
      expect(c.body).toMatchObject({ netns: { nsmode: "host" }, ipcns: { nsmode: "host" }, pidns: { nsmode: "host" }, utsns: { nsmode: "host" } });
    }
  });
  it("a sleep sandbox: the spec's image as infra image, running sleep infinity", () => {
    const spec: PodSpec = { ...specOf("by-hand"), sandbox: { kind: "sleep", image: "pod-anatomy/busybox-stand-in:test" } };
    const plan = planPodmanPod(spec, opts);
    expect(plan.create).toMatchObject({ infra_image: "pod-anatomy/busybox-stand-in:test", infra_command: ["sleep", "infinity"], infra_name: "by-hand-t1-sleep" });
  });
  it("limits: cpus as a quota of a 100 ms period, pids", () => {
    const spec = specOf("by-hand");
    spec.containers[1] = { ...spec.containers[1]!, limits: { memoryMi: null, cpus: 0.5, pidsMax: 64 } };
    expect(planPodmanPod(spec, opts).containers[1]!.body.resource_limits).toEqual({ cpu: { quota: 50_000, period: 100_000 }, pids: { limit: 64 } });
  });
  it("refuses a spec without sandbox", () => {
    expect(() => planPodmanPod({ ...specOf("by-hand"), sandbox: { kind: "none" } }, opts)).toThrow(PODMAN_NONE_ISSUE);
  });
});

describe("podmanSpecIssues", () => {
  it("uts shared with the sandbox is fine on Podman (Docker's schema refuses it)", () => {
    const spec = specOf("ghost-behind-nginx");
    expect(spec.namespaces.uts).toBe("sandbox");
    expect(podmanSpecIssues(spec)).toEqual([]);
  });
  it("keeps the schema's other issues, and refuses sandbox none", () => {
    const spec = { ...specOf("by-hand"), sandbox: { kind: "none" }, name: "BAD NAME" };
    const issues = podmanSpecIssues(spec);
    expect(issues.some((i) => i.path === "name")).toBe(true);
    expect(issues).toContainEqual({ path: "sandbox.kind", message: PODMAN_NONE_ISSUE });
    expect(issues.some((i) => i.message === UTS_EXPLANATION)).toBe(false);
  });
});

describe("podmanCatalogueSpec", () => {
  it("shares uts where the catalogue kept it private for Docker; the host's stays the host's", () => {
    const raw = catalogueEntry("ghost-behind-nginx").pods({ suffix: "x", uid: "u", image })[0]!;
    expect(raw.namespaces.uts).toBe("private");
    expect(podmanCatalogueSpec(raw).namespaces.uts).toBe("sandbox");
    expect(specOf("host-namespaces").namespaces.uts).toBe("host");
  });
});

describe("podmanScript", () => {
  it("renders volume, pod and container commands, then the pod's start", () => {
    const script = podmanScript(planPodmanPod(specOf("init-and-emptydir"), opts));
    expect(script).toContain("podman volume create");
    expect(script).toContain("--opt o=nr_blocks=12800");
    expect(script).toContain("podman pod create \\\n    --name init-t1 \\\n    --infra-name init-t1-pause");
    expect(script).toContain("--share net,ipc,uts");
    expect(script).toContain("--init-ctr always");
    expect(script).toMatch(/pod create[^]*-v init-t1-site:\/data\/site[^]*podman create/);
    expect(script.trim().endsWith("podman pod start init-t1")).toBe(true);
  });
  it("the port on 127.0.0.1, host network, limits", () => {
    expect(podmanScript(planPodmanPod(specOf("ghost-behind-nginx"), opts))).toContain("-p 127.0.0.1:8882:80");
    expect(podmanScript(planPodmanPod(specOf("host-namespaces"), opts))).toMatch(/--network host[\s\S]*--ipc host/);
    expect(podmanScript(planPodmanPod(specOf("by-hand"), opts))).toContain("--memory 256m");
  });
});
