import { describe, expect, it } from "vitest";
import { kubernetesYaml } from "./kubernetes-yaml";
import { BUSYBOX, NO_LIMITS, spec } from "@/test/support/pod-specs";

describe("kubernetesYaml", () => {
  it("writes the equivalent Pod: host namespaces, shared pid, limits, emptyDirs, init containers", () => {
    const s = spec({
      name: "v",
      namespaces: { net: "host", ipc: "host", pid: "sandbox", uts: "host" },
      cgroupParent: null,
      initContainers: [{ name: "fill", image: BUSYBOX, command: "write-first-volume", limits: NO_LIMITS, mountVolumes: true }],
      containers: [{ name: "app", image: BUSYBOX, command: "sleep", limits: { memoryMi: 256, cpus: 0.5, pidsMax: 64 }, mountVolumes: true }],
      volumes: [
        { name: "site", medium: "disk", sizeLimitMi: null },
        { name: "cache", medium: "memory", sizeLimitMi: 50 },
      ],
    });
    expect(kubernetesYaml(s)).toBe(
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: v",
        "spec:",
        "  hostNetwork: true",
        "  hostIPC: true",
        "  shareProcessNamespace: true",
        "  initContainers:",
        "    - name: fill",
        `      image: ${BUSYBOX}`,
        "      command: [sh]",
        "      args:",
        "        - \"-c\"",
        `        - ${JSON.stringify('echo "<h1>Written by init container $POD_CONTAINER at $(date)</h1>" > /data/site/index.html && sleep 3')}`,
        "      env:",
        "        - name: POD_CONTAINER",
        "          value: fill",
        "      volumeMounts:",
        "        - name: site",
        "          mountPath: /data/site",
        "        - name: cache",
        "          mountPath: /data/cache",
        "  containers:",
        "    - name: app",
        `      image: ${BUSYBOX}`,
        "      command: [sleep]",
        "      args:",
        "        - infinity",
        "      resources:",
        "        limits:",
        "          memory: 256Mi",
        "          cpu: 500m",
        "      # pids limit 64: per pod in Kubernetes (kubelet podPidsLimit), not per container",
        "      volumeMounts:",
        "        - name: site",
        "          mountPath: /data/site",
        "        - name: cache",
        "          mountPath: /data/cache",
        "  volumes:",
        "    - name: site",
        "      emptyDir: {}",
        "    - name: cache",
        "      emptyDir:",
        "        medium: Memory",
        "        sizeLimit: 50Mi",
        "",
      ].join("\n"),
    );
  });

  it("says in comments what Kubernetes does differently", () => {
    const yaml = kubernetesYaml(spec({ sandbox: { kind: "sleep", image: BUSYBOX }, namespaces: { net: "private", ipc: "private", pid: "private", uts: "private" } }));
    expect(yaml).toContain("# The sandbox is the runtime's own pause image");
    expect(yaml).toContain("# Not expressible: the containers of a pod always share its network namespace.");
    expect(yaml).toContain("# The containers share the pod's uts namespace (hostname) in Kubernetes; Docker cannot do that.");
    expect(yaml).toContain("# cgroup parent /pod-web: Kubernetes chooses it (kubepods/<qos>/pod<uid>).");
    expect(yaml).not.toMatch(/shareProcessNamespace|hostNetwork|hostPID|hostIPC/);
  });
});
