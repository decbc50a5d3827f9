/** The Kubernetes Pod equivalent to a PodSpec, with comments where Docker and Kubernetes differ. Pure: no I/O. */
import { volumePath } from "./pod-plan";
import { COMMAND_PRESETS, type PodContainer, type PodSpec } from "./pod-spec";

/** A YAML scalar: bare when unambiguous, else a JSON string (valid YAML). */
function yamlScalar(v: string | number | boolean): string {
  if (typeof v !== "string") return String(v);
  return /^[A-Za-z_/][A-Za-z0-9_./:@-]*$/.test(v) && !v.endsWith(":") && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v) ? v : JSON.stringify(v);
}

const mi = (n: number) => `${n}Mi`;

/** The equivalent Kubernetes Pod, with comments where Docker and Kubernetes differ. */
export function kubernetesYaml(spec: PodSpec): string {
  const out: string[] = ["apiVersion: v1", "kind: Pod", "metadata:", `  name: ${spec.name}`];
  if (spec.kubernetes) out.push(`  namespace: ${spec.kubernetes.namespace}`, `  # uid ${spec.kubernetes.uid} is given by the API server`);
  out.push("spec:");
  const ns = spec.namespaces;
  if (spec.sandbox.kind === "sleep") {
    out.push("  # The sandbox is the runtime's own pause image (kubelet --pod-infra-container-image): Kubernetes cannot", "  # make `sleep infinity` the sandbox, which, unlike pause, does not reap zombies.");
  }
  if (spec.sandbox.kind === "none") out.push("  # Kubernetes always makes a sandbox (pause) that holds the pod's namespaces.");
  if (ns.net === "host") out.push("  hostNetwork: true");
  if (ns.net === "private") out.push("  # Not expressible: the containers of a pod always share its network namespace.");
  if (ns.ipc === "host") out.push("  hostIPC: true");
  if (ns.ipc === "private") out.push("  # Not expressible: the containers of a pod always share its ipc namespace.");
  if (ns.pid === "host") out.push("  hostPID: true");
  if (ns.pid === "sandbox") out.push("  shareProcessNamespace: true");
  if (ns.uts === "host" && ns.net !== "host") out.push("  # Kubernetes uses the host's uts namespace only with hostNetwork: true.");
  if (ns.uts === "private" && ns.net !== "host") out.push("  # The containers share the pod's uts namespace (hostname) in Kubernetes; Docker cannot do that.");
  if (spec.cgroupParent) out.push(`  # cgroup parent ${spec.cgroupParent}: Kubernetes chooses it (kubepods/<qos>/pod<uid>).`);

  const container = (c: PodContainer, firstApp: boolean): string[] => {
    const line = COMMAND_PRESETS[c.command].line({
      container: c.name,
      pod: spec.name,
      hostPort: spec.port?.hostPort ?? null,
      volumePaths: spec.volumes.map(volumePath),
    });
    const lines = [`    - name: ${yamlScalar(c.name)}`, `      image: ${yamlScalar(c.image)}`];
    if (line.entrypoint) lines.push(`      command: [${yamlScalar(line.entrypoint)}]`);
    if (line.args) {
      lines.push("      args:");
      for (const a of line.args) lines.push(`        - ${yamlScalar(a)}`);
    }
    const env = Object.entries(line.env);
    if (env.length > 0) {
      lines.push("      env:");
      for (const [k, v] of env) lines.push(`        - name: ${yamlScalar(k)}`, `          value: ${yamlScalar(v)}`);
    }
    if (firstApp && spec.port) {
      lines.push(
        "      ports: # in Docker, the sandbox publishes it",
        `        - containerPort: ${spec.port.containerPort}`,
        `          hostPort: ${spec.port.hostPort}`,
        `          hostIP: 127.0.0.1`,
      );
    }
    const { memoryMi, cpus, pidsMax } = c.limits;
    if (memoryMi !== null || cpus !== null) {
      lines.push("      resources:", "        limits:");
      if (memoryMi !== null) lines.push(`          memory: ${mi(memoryMi)}`);
      if (cpus !== null) lines.push(`          cpu: ${Math.round(cpus * 1000)}m`);
    }
    if (pidsMax !== null) lines.push(`      # pids limit ${pidsMax}: per pod in Kubernetes (kubelet podPidsLimit), not per container`);
    if (c.mountVolumes && spec.volumes.length > 0) {
      lines.push("      volumeMounts:");
      for (const v of spec.volumes) lines.push(`        - name: ${v.name}`, `          mountPath: ${volumePath(v)}`);
    }
    return lines;
  };

  if (spec.initContainers.length > 0) {
    out.push("  initContainers:");
    for (const c of spec.initContainers) out.push(...container(c, false));
  }
  out.push("  containers:");
  spec.containers.forEach((c, i) => out.push(...container(c, i === 0)));
  if (spec.volumes.length > 0) {
    out.push("  volumes:");
    for (const v of spec.volumes) {
      out.push(`    - name: ${v.name}`);
      if (v.medium === "disk") out.push("      emptyDir: {}");
      else out.push("      emptyDir:", "        medium: Memory", `        sizeLimit: ${mi(v.sizeLimitMi ?? 0)}`);
    }
  }
  return `${out.join("\n")}\n`;
}
