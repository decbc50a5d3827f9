import { describe, expect, it } from "vitest";
import { CATALOGUE, type CatalogueImageRole, type ResolvedImageRef } from "./catalogue";
import { CFS_PERIOD_US, CRI_PIDS_NOTE, CRI_VOLUMES_EXPLANATION, criSpecIssues, crictlScript, kubeletPodCgroup, planCriPod } from "./cri-plan";
import type { PodSpec } from "./pod-spec";

const UID = "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77";
const image = (role: CatalogueImageRole): ResolvedImageRef => ({ ref: `pod-anatomy/${role}-stand-in:x`, source: "stand-in" });
const entry = (id: string) => CATALOGUE.find((e) => e.id === id)!.pods({ suffix: "t", uid: UID, image, hostPort: 8881 });
const opts = { sample: "test", sourceOf: () => "stand-in" as const, uid: UID, cgroupDriver: "cgroupfs" as const, sandboxImageSource: "stand-in" as const, extraLabels: { "io.pod-anatomy.run": "r1" } };

describe("planCriPod: the demo pod as the kubelet asks the CRI for it", () => {
  const [demo] = entry("ghost-behind-nginx");
  const plan = planCriPod(demo!, opts);

  it("runs one sandbox with metadata, hostname, the kubelet's labels and ours, the pod cgroup and a port on 127.0.0.1", () => {
    expect(plan.sandbox.metadata).toEqual({ name: "demo-t", uid: UID, namespace: "pod-anatomy", attempt: 0 });
    expect(plan.sandbox.hostname).toBe("demo-t");
    expect(plan.sandbox.labels).toMatchObject({
      "io.kubernetes.pod.name": "demo-t",
      "io.kubernetes.pod.namespace": "pod-anatomy",
      "io.kubernetes.pod.uid": UID,
      "io.pod-anatomy.app": "pod-anatomy",
      "io.pod-anatomy.pod": "demo-t",
      "io.pod-anatomy.role": "sandbox",
      "io.pod-anatomy.pod-size": "3",
      "io.pod-anatomy.run": "r1",
    });
    expect(plan.sandbox.linux.cgroup_parent).toBe(`/kubepods/burstable/pod${UID}`);
    // shareProcessNamespace: pid POD; net and ipc POD.
    expect(plan.sandbox.linux.security_context.namespace_options).toEqual({ network: "POD", pid: "POD", ipc: "POD", target_id: "" });
    expect(plan.sandbox.port_mappings).toEqual([{ protocol: "TCP", container_port: 80, host_port: 8881, host_ip: "127.0.0.1" }]);
  });

  it("creates nginx and ghost into it, with io.kubernetes.container.name", () => {
    expect(plan.containers.map((c) => [c.kind, c.name])).toEqual([["app", "nginx"], ["app", "ghost"]]);
    const ghost = plan.containers[1]!.config;
    expect(ghost.metadata).toEqual({ name: "ghost", attempt: 0 });
    expect(ghost.image.image).toBe("pod-anatomy/ghost-stand-in:x");
    expect(ghost.envs).toEqual([{ key: "POD_NAME", value: "demo-t" }]);
    expect(ghost.labels["io.kubernetes.container.name"]).toBe("ghost");
    expect(ghost.labels["io.pod-anatomy.role"]).toBe("app");
    expect(ghost.linux.resources).toBeNull();
  });
});

describe("planCriPod: limits, init containers, private pid, host namespaces", () => {
  it("maps memory and CPU to LinuxContainerResources and says pids has no CRI field", () => {
    const [byHand] = entry("by-hand");
    const spec: PodSpec = { ...byHand!, cgroupParent: null, containers: byHand!.containers.map((c, i) => (i === 0 ? { ...c, limits: { memoryMi: 256, cpus: 0.5, pidsMax: 64 } } : c)) };
    const plan = planCriPod(spec, opts);
    expect(plan.containers[0]!.config.linux.resources).toEqual({ cpu_period: CFS_PERIOD_US, cpu_quota: 50_000, cpu_shares: 512, memory_limit_in_bytes: 256 * 1024 * 1024, oom_score_adj: 0 });
    expect(plan.containers[1]!.config.linux.resources?.memory_limit_in_bytes).toBe(128 * 1024 * 1024);
    expect(plan.notes).toContain(`app: ${CRI_PIDS_NOTE}`);
    // pid private: CONTAINER, as the kubelet without shareProcessNamespace.
    expect(plan.sandbox.linux.security_context.namespace_options.pid).toBe("CONTAINER");
  });

  it("keeps a cgroup parent given with cgroupfs, and uses the kubelet's slice with systemd", () => {
    const [byHand] = entry("by-hand");
    expect(planCriPod(byHand!, opts).sandbox.linux.cgroup_parent).toBe("/pod-by-hand-t");
    const systemd = planCriPod(byHand!, { ...opts, cgroupDriver: "systemd" });
    expect(systemd.sandbox.linux.cgroup_parent).toBe(kubeletPodCgroup(UID, "systemd"));
    expect(systemd.sandbox.linux.cgroup_parent).toBe("kubepods-burstable-pod0b7c4f4e_8f1e_4b8e_9a51_3f0d2c6b1a77.slice");
  });

  it("orders init containers before app containers", () => {
    const [init] = entry("init-and-emptydir");
    const plan = planCriPod({ ...init!, volumes: [] }, opts);
    expect(plan.containers.map((c) => c.kind)).toEqual(["init", "init", "app", "app"]);
  });

  it("uses NODE for the host's namespaces, with no hostname", () => {
    const [host] = entry("host-namespaces");
    const plan = planCriPod(host!, opts);
    expect(plan.sandbox.linux.security_context.namespace_options).toMatchObject({ network: "NODE", pid: "NODE", ipc: "NODE" });
    expect(plan.sandbox.hostname).toBe("");
    expect(plan.sandbox.metadata.uid).toBe(UID);
  });

  it("takes namespace and uid from the spec's kubernetes", () => {
    const [lookAlike] = entry("node-look-alike");
    const plan = planCriPod(lookAlike!, { ...opts, uid: "other" });
    expect(plan.sandbox.metadata.namespace).toBe(lookAlike!.kubernetes!.namespace);
    expect(plan.sandbox.metadata.uid).toBe(lookAlike!.kubernetes!.uid);
  });
});

describe("criSpecIssues: what the CRI cannot make", () => {
  it("accepts the demo pod, the by-hand pod and the host pod", () => {
    for (const id of ["ghost-behind-nginx", "by-hand", "host-namespaces"]) for (const s of entry(id)) expect(criSpecIssues(s)).toEqual([]);
  });

  it("refuses a sandbox other than pause", () => {
    const [, sleepy] = entry("reaping");
    expect(criSpecIssues(sleepy)).toEqual([expect.objectContaining({ path: "sandbox.kind" })]);
  });

  it("refuses volumes, saying why", () => {
    const [init] = entry("init-and-emptydir");
    expect(criSpecIssues(init)).toContainEqual({ path: "volumes", message: CRI_VOLUMES_EXPLANATION });
  });

  it("refuses a private net or ipc, and the host's uts without the host's net; accepts a shared uts", () => {
    const [demo] = entry("ghost-behind-nginx");
    const paths = (s: PodSpec) => criSpecIssues(s).map((i) => i.path);
    expect(paths({ ...demo!, port: null, namespaces: { ...demo!.namespaces, net: "private" } })).toEqual(["namespaces.net"]);
    expect(paths({ ...demo!, namespaces: { ...demo!.namespaces, ipc: "private" } })).toEqual(["namespaces.ipc"]);
    expect(paths({ ...demo!, namespaces: { ...demo!.namespaces, uts: "host" } })).toEqual(["namespaces.uts"]);
    // Docker's schema refuses uts: sandbox; the CRI shares uts with the sandbox.
    expect(paths({ ...demo!, namespaces: { ...demo!.namespaces, uts: "sandbox" } })).toEqual([]);
  });
});

describe("crictlScript", () => {
  it("runs the sandbox, creates and starts each container, waits for init containers, with enums as crictl's numbers", () => {
    const [byHand] = entry("by-hand");
    const script = crictlScript(planCriPod(byHand!, opts));
    expect(script).toContain("POD=$(crictl runp pod.json)");
    expect(script).toContain('C_APP=$(crictl create "$POD" app.json pod.json)');
    expect(script).toContain('crictl start "$C_SIDECAR"');
    expect(script).toContain('"cgroup_parent": "/pod-by-hand-t"');
    expect(script).toContain('"pid": 1'); // CONTAINER
    expect(script).toContain('"memory_limit_in_bytes": 268435456');
    const podJson = script.slice(script.indexOf("cat > pod.json <<'EOF'\n") + 23, script.indexOf("\nEOF\nPOD="));
    const parsed = JSON.parse(podJson) as { metadata: { attempt: number }; linux: { security_context: { namespace_options: Record<string, number> } } };
    expect(parsed.metadata.attempt).toBe(0);
    expect(parsed.linux.security_context.namespace_options).toEqual({ network: 0, pid: 1, ipc: 0 }); // POD = 0, CONTAINER = 1, said out loud
    const [init] = entry("init-and-emptydir");
    expect(crictlScript(planCriPod({ ...init!, volumes: [] }, opts))).toContain("until crictl inspect \"$C_WRITE_SITE\"");
  });
});
