/**
 * A PodSpec (lib/model/pod-spec.ts) as the CRI makes it, the way the kubelet does: one
 * RunPodSandbox (the runtime starts its own pause image as the sandbox: metadata, hostname,
 * labels, the pod's cgroup parent, namespace options, port mappings), then one
 * CreateContainer per container into that sandbox. Init containers are started one after
 * the other, each waited for until it exited 0, before the app containers start.
 *
 * Also what the CRI cannot do with a PodSpec (criSpecIssues), and the same pod as crictl
 * commands with their JSON files (crictlScript), for the builder's preview.
 *
 * Pure: no I/O.
 */
import { ourLabels } from "./our-labels";
import {
  COMMAND_PRESETS,
  PodSpecSchema,
  UTS_EXPLANATION,
  type FieldIssue,
  type NamespaceChoice,
  type PodContainer,
  type PodSpec,
} from "./pod-spec";
import { volumePath, type PlannedKind } from "./pod-plan";
import type { CriContainerConfig, CriNamespaceMode, CriNamespaceOption, CriPodSandboxConfig } from "./cri-facts";
import { shellQuote } from "./docker-run-script";
import {
  K8S_CONTAINER_NAME,
  K8S_POD_NAME,
  K8S_POD_NAMESPACE,
  K8S_POD_UID,
  type ImageSource,
} from "./types";

export type CgroupDriver = "cgroupfs" | "systemd";

/** The Kubernetes namespace of Pod Anatomy's CRI pods when the spec names none. */
export const CRI_DEFAULT_NAMESPACE = "pod-anatomy";

/** CFS period the kubelet uses (100 ms), µs. */
export const CFS_PERIOD_US = 100_000;

export const CRI_VOLUMES_EXPLANATION =
  "The CRI has no emptyDir: the kubelet makes one as a directory on the node (or a tmpfs) and passes it to CreateContainer as a host-path mount. " +
  "Pod Anatomy never mounts host paths, so a pod with volumes cannot be made through the CRI here; make it on Docker or Podman.";

export const CRI_PIDS_NOTE =
  "pids limit: the CRI's LinuxContainerResources has no pids field; the kubelet limits pids per pod (podPidsLimit) on the pod cgroup itself.";

/** The CRI's own rules on top of the PodSpec's schema. uts follows net (the CRI has no uts option). */
export function criSpecIssues(input: unknown): FieldIssue[] {
  const parsed = PodSpecSchema.safeParse(input);
  // The schema refuses a shared uts for Docker's sake; the CRI shares it with the sandbox.
  const schemaIssues = parsed.success ? [] : parsed.error.issues.filter((i) => i.message !== UTS_EXPLANATION).map((i) => ({ path: i.path.join("."), message: i.message }));
  if (schemaIssues.length > 0 || !parsed.success) {
    const spec = input as Partial<PodSpec>;
    return [...schemaIssues, ...(spec && typeof spec === "object" && spec.namespaces && spec.sandbox ? criOnlyIssues(spec as PodSpec) : [])];
  }
  return criOnlyIssues(parsed.data);
}

function criOnlyIssues(spec: PodSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (spec.sandbox?.kind !== "pause") {
    issue(
      "sandbox.kind",
      "The CRI always makes the sandbox itself, from the runtime's configured pause image (containerd's sandbox_image, CRI-O's pause_image): it cannot be `sleep infinity` or none.",
    );
  }
  const ns = spec.namespaces;
  if (ns.net === "private") issue("namespaces.net", "In the CRI every container joins the pod's network namespace (the sandbox's) or, with hostNetwork, the host's: it cannot have its own.");
  if (ns.ipc === "private") issue("namespaces.ipc", "In the CRI every container joins the pod's ipc namespace (the sandbox's) or, with hostIPC, the host's: it cannot have its own.");
  if (ns.uts === "host" && ns.net !== "host") issue("namespaces.uts", "The CRI has no uts option: uts follows net, so the host's uts comes only with the host's network (hostNetwork).");
  if (ns.net === "host" && ns.uts === "sandbox") issue("namespaces.uts", "With the host's network a CRI pod has the host's uts (hostname) too: uts follows net.");
  if ((spec.volumes ?? []).length > 0) issue("volumes", CRI_VOLUMES_EXPLANATION);
  return issues;
}

export interface CriPlanOptions {
  /** Value of the sample label: a catalogue entry, or "builder". */
  sample: string;
  sourceOf: (ref: string) => ImageSource;
  /** More labels (the test run's). */
  extraLabels?: Record<string, string>;
  /** The pod uid when the spec has no `kubernetes` (a fresh UUID, chosen by the caller). */
  uid: string;
  cgroupDriver: CgroupDriver;
  /** The runtime's configured sandbox image, for the sandbox's image-source label. */
  sandboxImageSource: ImageSource;
}

export interface CriContainerPlan {
  kind: Exclude<PlannedKind, "sandbox">;
  name: string;
  config: CriContainerConfig;
}

export interface CriPodPlan {
  pod: string;
  uid: string;
  namespace: string;
  sandbox: CriPodSandboxConfig;
  /** In creation order: init containers, then app containers. */
  containers: CriContainerPlan[];
  /** What the CRI does differently from the spec (pids limits, uts following net, a cgroup parent chosen). */
  notes: string[];
}

const MODE: Record<NamespaceChoice, CriNamespaceMode> = { sandbox: "POD", private: "CONTAINER", host: "NODE" };

/** The pod cgroup the kubelet gives a Burstable pod: cgroupfs `/kubepods/burstable/pod<uid>`, systemd its slice. */
export function kubeletPodCgroup(uid: string, driver: CgroupDriver): string {
  if (driver === "cgroupfs") return `/kubepods/burstable/pod${uid}`;
  return `kubepods-burstable-pod${uid.replace(/-/g, "_")}.slice`;
}

/** PodSpec → the CRI configs. The spec must have no criSpecIssues. */
export function planCriPod(spec: PodSpec, opts: CriPlanOptions): CriPodPlan {
  const uid = spec.kubernetes?.uid ?? opts.uid;
  const namespace = spec.kubernetes?.namespace ?? CRI_DEFAULT_NAMESPACE;
  const ns = spec.namespaces;
  const notes: string[] = [];
  const size = 1 + spec.initContainers.length + spec.containers.length;
  const podLabels = {
    [K8S_POD_NAME]: spec.name,
    [K8S_POD_NAMESPACE]: namespace,
    [K8S_POD_UID]: uid,
  };
  const ours = (kind: PlannedKind, imageSource: ImageSource) =>
    ourLabels({ pod: spec.name, size, role: kind, imageSource, sample: opts.sample, extra: opts.extraLabels });
  // The kubelet: the sandbox's pid option is POD with shareProcessNamespace, CONTAINER otherwise, NODE with hostPID.
  const namespaceOptions: CriNamespaceOption = { network: MODE[ns.net], pid: MODE[ns.pid], ipc: MODE[ns.ipc], target_id: "" };
  if (ns.uts === "private" && ns.net !== "host") notes.push("uts: the CRI has no uts option; the containers share the sandbox's uts namespace (hostname), as in Kubernetes.");
  if (ns.net === "host" && ns.uts !== "host") notes.push("uts: with the host's network the pod has the host's uts namespace too (uts follows net).");
  let cgroupParent = kubeletPodCgroup(uid, opts.cgroupDriver);
  if (spec.cgroupParent) {
    if (opts.cgroupDriver === "cgroupfs") cgroupParent = spec.cgroupParent;
    else notes.push(`cgroup parent ${spec.cgroupParent}: the systemd driver needs a slice; the kubelet's ${cgroupParent} is used.`);
  } else {
    notes.push(`cgroup parent ${cgroupParent}: the kubelet's for a Burstable pod (${opts.cgroupDriver} driver).`);
  }
  const sandbox: CriPodSandboxConfig = {
    metadata: { name: spec.name, uid, namespace, attempt: 0 },
    hostname: ns.net === "host" ? "" : spec.name,
    port_mappings: spec.port ? [{ protocol: "TCP", container_port: spec.port.containerPort, host_port: spec.port.hostPort, host_ip: "127.0.0.1" }] : [],
    labels: { ...podLabels, ...ours("sandbox", opts.sandboxImageSource) },
    annotations: {},
    linux: { cgroup_parent: cgroupParent, security_context: { namespace_options: namespaceOptions } },
  };
  const container = (kind: "init" | "app", c: PodContainer): CriContainerPlan => {
    const line = COMMAND_PRESETS[c.command].line({
      container: c.name,
      pod: spec.name,
      hostPort: spec.port?.hostPort ?? null,
      volumePaths: spec.volumes.map(volumePath),
    });
    const { memoryMi, cpus, pidsMax } = c.limits;
    if (pidsMax !== null) notes.push(`${c.name}: ${CRI_PIDS_NOTE}`);
    const resources =
      memoryMi === null && cpus === null
        ? null
        : {
            cpu_period: cpus === null ? 0 : CFS_PERIOD_US,
            cpu_quota: cpus === null ? 0 : Math.round(cpus * CFS_PERIOD_US),
            // The kubelet's shares for a request equal to the limit (milliCPU × 1024 / 1000).
            cpu_shares: cpus === null ? 0 : Math.max(2, Math.round(cpus * 1024)),
            memory_limit_in_bytes: memoryMi === null ? 0 : memoryMi * 1024 * 1024,
            oom_score_adj: 0,
          };
    return {
      kind,
      name: c.name,
      config: {
        metadata: { name: c.name, attempt: 0 },
        image: { image: c.image },
        command: line.entrypoint ? [line.entrypoint] : [],
        args: line.args ?? [],
        envs: Object.entries(line.env).map(([key, value]) => ({ key, value })),
        labels: { ...podLabels, [K8S_CONTAINER_NAME]: c.name, ...ours(kind, opts.sourceOf(c.image)) },
        annotations: {},
        linux: { resources, security_context: { namespace_options: namespaceOptions } },
      },
    };
  };
  return {
    pod: spec.name,
    uid,
    namespace,
    sandbox,
    containers: [...spec.initContainers.map((c) => container("init", c)), ...spec.containers.map((c) => container("app", c))],
    notes,
  };
}

// ---------------------------------------------------------------------------------------
// crictl
// ---------------------------------------------------------------------------------------

/** crictl reads these JSON files into the Go structs of the API: enums are their numbers. */
const ENUM_NUMBERS: Record<string, number> = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3, TCP: 0, UDP: 1, SCTP: 2 };

export function crictlJson(value: unknown): string {
  const strip = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === null || x === "" || (Array.isArray(x) && x.length === 0)) continue;
        if (typeof x === "object" && !Array.isArray(x) && Object.keys(x).length === 0) continue;
        if (typeof x === "number" && x === 0 && k !== "attempt") continue;
        out[k] = strip(x, k);
      }
      return out;
    }
    if (typeof v === "string" && key && ["network", "pid", "ipc", "protocol"].includes(key) && v in ENUM_NUMBERS) return ENUM_NUMBERS[v];
    return v;
  };
  return JSON.stringify(strip(value), null, 2);
}

const shVar = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * The same pod made by hand with crictl: `crictl runp pod.json`, then for each container
 * `crictl create $POD container.json pod.json` and `crictl start`, init containers waited for.
 */
export function crictlScript(plan: CriPodPlan): string {
  const out: string[] = [];
  out.push(`# ${plan.pod}: the sandbox first (the runtime starts its pause image, makes the netns, runs CNI)`);
  out.push(`cat > pod.json <<'EOF'`, crictlJson(plan.sandbox), "EOF", "POD=$(crictl runp pod.json)", "");
  for (const c of plan.containers) {
    const file = `${c.name}.json`;
    const v = `C_${shVar(c.name)}`;
    out.push(`# ${c.kind === "init" ? "init container" : "container"} ${c.name}`);
    out.push(`cat > ${shellQuote(file)} <<'EOF'`, crictlJson(c.config), "EOF");
    out.push(`${v}=$(crictl create "$POD" ${shellQuote(file)} pod.json)`, `crictl start "$${v}"`);
    if (c.kind === "init") {
      out.push(`until crictl inspect "$${v}" | grep -q '"state": "CONTAINER_EXITED"'; do sleep 1; done  # init: run to completion`);
    }
    out.push("");
  }
  if (plan.notes.length > 0) out.push(...plan.notes.map((n) => `# ${n}`));
  return `${out.join("\n").trimEnd()}\n`;
}
