/**
 * The plan of a PodSpec: the containers to create, in order, each exactly as `docker run` is
 * told. How a PodSpec becomes containers (as Kubernetes' dockershim did it):
 *   1. the sandbox ("holder" of the shared namespaces and the volumes) is created first;
 *      with sandbox "none", the first container holds them;
 *   2. every other container joins it: `--net container:<sandbox>`, `--ipc container:…`,
 *      `--pid container:…` for each namespace type shared with the sandbox;
 *   3. init containers run one after the other to completion, then the app containers start.
 *
 * Pure: no I/O.
 */
import { kubernetesLabels, ourLabels } from "./our-labels";
import { containerMode } from "./container-ref";
import { COMMAND_PRESETS, type CommandLine, type Limits, type NamespaceChoice, type PodContainer, type PodSpec, type Volume } from "./pod-spec";
import {
  type ImageSource,
} from "./types";

export type PlannedKind = "sandbox" | "init" | "app";

/** One container to create: exactly what `docker run` is told (null: Docker's default). */
export interface PlannedContainer {
  kind: PlannedKind;
  /** Docker name. */
  name: string;
  /** Name within the pod (the sandbox: its kind). */
  podName: string;
  image: string;
  entrypoint: string | null;
  args: string[] | null;
  env: Record<string, string>;
  labels: Record<string, string>;
  networkMode: string | null;
  ipcMode: string | null;
  pidMode: string | null;
  utsMode: string | null;
  cgroupParent: string | null;
  memoryBytes: number | null;
  nanoCpus: number | null;
  pidsLimit: number | null;
  port: { containerPort: number; hostPort: number; hostIp: "127.0.0.1" } | null;
  volumes: { target: string; tmpfsSizeMi: number | null }[];
  volumesFrom: string | null;
}

export interface PlanOptions {
  /** Value of the sample label: a catalogue entry, or "builder". */
  sample: string;
  /** Real image, stand-in or other, for the image-source label. */
  sourceOf: (ref: string) => ImageSource;
  /** More labels (the test run's). */
  extraLabels?: Record<string, string>;
}

export const volumePath = (v: Volume): string => `/data/${v.name}`;

function dockerName(spec: PodSpec, podName: string): string {
  if (!spec.kubernetes) return `${spec.name}-${podName}`;
  const k = spec.kubernetes;
  return `k8s_${podName === spec.sandbox.kind ? "POD" : podName}_${spec.name}_${k.namespace}_${k.uid}_0`;
}

/** The containers of a pod, in creation order: sandbox, init containers, app containers. */
export function planPod(spec: PodSpec, opts: PlanOptions): PlannedContainer[] {
  const size = (spec.sandbox.kind === "none" ? 0 : 1) + spec.initContainers.length + spec.containers.length;
  const ns = spec.namespaces;
  const volumePaths = spec.volumes.map(volumePath);
  const labelsFor = (kind: PlannedKind, podName: string, image: string): Record<string, string> => ({
    ...ourLabels({ pod: spec.name, size, role: kind, imageSource: opts.sourceOf(image), sample: opts.sample }),
    ...(spec.kubernetes ? kubernetesLabels({ name: spec.name, ...spec.kubernetes }, kind, podName, { dockershim: true }) : {}),
    ...opts.extraLabels,
  });
  const base = (kind: PlannedKind, podName: string, image: string, line: CommandLine): PlannedContainer => ({
    kind,
    name: dockerName(spec, podName),
    podName,
    image,
    entrypoint: line.entrypoint,
    args: line.args,
    env: line.env,
    labels: labelsFor(kind, podName, image),
    networkMode: null,
    ipcMode: null,
    pidMode: null,
    utsMode: null,
    cgroupParent: spec.cgroupParent,
    memoryBytes: null,
    nanoCpus: null,
    pidsLimit: null,
    port: null,
    volumes: [],
    volumesFrom: null,
  });

  // The holder of the shared namespaces and the volumes: the sandbox, or the first container.
  const holderModes = (c: PlannedContainer): PlannedContainer => ({
    ...c,
    networkMode: ns.net === "host" ? "host" : null,
    ipcMode: ns.ipc === "host" ? "host" : ns.ipc === "sandbox" ? "shareable" : "private",
    pidMode: ns.pid === "host" ? "host" : null,
    utsMode: ns.uts === "host" ? "host" : null,
    port: spec.port ? { ...spec.port, hostIp: "127.0.0.1" } : null,
    volumes: spec.volumes.map((v) => ({ target: volumePath(v), tmpfsSizeMi: v.medium === "memory" ? v.sizeLimitMi : null })),
  });
  const joinerModes = (c: PlannedContainer, holder: string, mountVolumes: boolean): PlannedContainer => {
    const join = (choice: NamespaceChoice, own: string | null) => (choice === "host" ? "host" : choice === "sandbox" ? containerMode(holder) : own);
    return {
      ...c,
      networkMode: join(ns.net, null),
      ipcMode: join(ns.ipc, "private"),
      pidMode: join(ns.pid, null),
      utsMode: ns.uts === "host" ? "host" : null,
      volumesFrom: mountVolumes ? holder : null,
    };
  };
  const withLimits = (c: PlannedContainer, limits: Limits): PlannedContainer => ({
    ...c,
    memoryBytes: limits.memoryMi === null ? null : limits.memoryMi * 1024 * 1024,
    nanoCpus: limits.cpus === null ? null : Math.round(limits.cpus * 1e9),
    pidsLimit: limits.pidsMax,
  });
  const member = (kind: "init" | "app", c: PodContainer): PlannedContainer => {
    const name = dockerName(spec, c.name);
    const line = COMMAND_PRESETS[c.command].line({ container: name, pod: spec.name, hostPort: spec.port?.hostPort ?? null, volumePaths });
    return withLimits(base(kind, c.name, c.image, line), c.limits);
  };

  const plan: PlannedContainer[] = [];
  let holder: string;
  if (spec.sandbox.kind === "none") {
    const [first, ...rest] = spec.containers.map((c) => ({ c, planned: member("app", c) }));
    holder = first!.planned.name;
    plan.push(holderModes(first!.planned));
    for (const { c, planned } of rest) plan.push(joinerModes(planned, holder, c.mountVolumes));
    return plan;
  }
  const sandboxLine: CommandLine =
    spec.sandbox.kind === "sleep" ? { entrypoint: "sleep", args: ["infinity"], env: {} } : { entrypoint: null, args: null, env: {} };
  const sandbox = holderModes(base("sandbox", spec.sandbox.kind, spec.sandbox.image, sandboxLine));
  holder = sandbox.name;
  plan.push(sandbox);
  for (const c of spec.initContainers) plan.push(joinerModes(member("init", c), holder, c.mountVolumes));
  for (const c of spec.containers) plan.push(joinerModes(member("app", c), holder, c.mountVolumes));
  return plan;
}
