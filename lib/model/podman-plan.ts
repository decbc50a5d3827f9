/**
 * A PodSpec (lib/model/pod-spec.ts) as a Podman pod: the libpod request bodies that make it
 * (POST /libpod/volumes/create, /libpod/pods/create, /libpod/containers/create per member,
 * then /libpod/pods/<name>/start), the equivalent `podman` command lines for the builder's
 * preview, and the Podman-specific validation of a spec. Pure: no I/O.
 *
 * How Podman differs from Docker here (measured with Podman 4.3.1):
 * - A pod is Podman's own object. Its infra container holds the namespaces the pod shares
 *   (`--share`: net, ipc, uts, and pid when the spec shares pid); a member joins them by
 *   being created with `pod` set. uts CAN be shared, as in Kubernetes — unlike Docker.
 * - The published port belongs to the pod (portmappings), on the infra container.
 * - The sandbox: "pause" → Podman's own infra image (localhost/podman-pause:<version>, built
 *   locally from catatonit, which as PID 1 reaps zombies like pause); "sleep" → the spec's
 *   image as infra image with infra command `sleep infinity`; "none" → refused: a pod without
 *   infra container shares no namespace at pod level (`--infra=false` allows no `--share`).
 * - Init containers are Podman's own (`init_container_type: "always"`): the pod's start runs
 *   them one after the other to completion before the other containers. ("once" would
 *   remove them after the first run, and the page could not show them completed.)
 * - emptyDir-like volumes are named volumes of the pod's (`<pod>-<volume>`, labelled as ours,
 *   tmpfs with a size for medium memory), given to the pod (`podman pod create -v`): the
 *   infra container holds them (as the Docker sandbox does) and Podman mounts them in every
 *   container of the pod — a container cannot opt out (mountVolumes false is noted, not
 *   honoured). Measured: with the volumes on the members only, a tmpfs volume is unmounted
 *   when its last user exits and what an init container wrote is gone; with them on both,
 *   Podman refuses the duplicate mount destination. Never a host path.
 * - Nothing shared at all: `--share none` (the API shares nothing when the list is empty).
 */
import { kubernetesLabels, ourLabels } from "./our-labels";
import { shellQuote } from "./docker-run-script";
import { volumePath, type PlannedKind } from "./pod-plan";
import { COMMAND_PRESETS, specIssues, UTS_EXPLANATION, type FieldIssue, type PodContainer, type PodSpec } from "./pod-spec";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, type ImageSource } from "./types";

/** A namespace setting of libpod's SpecGenerator: `{nsmode: "host"}` and the like. */
export interface LibpodNamespace {
  nsmode: "host" | "private" | "bridge" | "container" | "pod" | "none";
  value?: string;
}

/** POST /libpod/volumes/create. */
export interface LibpodVolumeCreate {
  Name: string;
  Driver: "local";
  Label: Record<string, string>;
  Options: Record<string, string>;
}

/** POST /libpod/pods/create: libpod's PodSpecGenerator, the fields used. */
export interface LibpodPodCreate {
  name: string;
  labels: Record<string, string>;
  infra_name: string;
  /** The namespaces the members join: "net", "ipc", "uts", "pid"; ["none"] for none. */
  shared_namespaces: string[];
  /** The pod's network namespace: host for hostNetwork; absent: Podman's default network. */
  netns?: LibpodNamespace;
  portmappings?: { host_ip: string; container_port: number; host_port: number; protocol: "tcp" }[];
  cgroup_parent?: string;
  infra_image?: string;
  infra_command?: string[];
  /** The pod's volumes, mounted in the infra container: it keeps a tmpfs volume mounted while the pod lives. */
  volumes?: { Name: string; Dest: string }[];
}

/** POST /libpod/containers/create: libpod's SpecGenerator, the fields used. */
export interface LibpodContainerCreate {
  name: string;
  pod: string;
  image: string;
  entrypoint?: string[];
  command?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  init_container_type?: "always" | "once";
  netns?: LibpodNamespace;
  ipcns?: LibpodNamespace;
  pidns?: LibpodNamespace;
  utsns?: LibpodNamespace;
  resource_limits?: {
    memory?: { limit: number };
    cpu?: { quota: number; period: number };
    pids?: { limit: number };
  };
  volumes?: { Name: string; Dest: string }[];
}

export interface PodmanPlannedContainer {
  kind: Exclude<PlannedKind, "sandbox">;
  /** Name within the pod. */
  podName: string;
  body: LibpodContainerCreate;
}

export interface PodmanPlan {
  pod: string;
  volumes: LibpodVolumeCreate[];
  create: LibpodPodCreate;
  /** Init containers first, in order, then the app containers. */
  containers: PodmanPlannedContainer[];
  /** Where Podman's pod differs from what the spec might suggest (for the preview). */
  notes: string[];
}

export interface PodmanPlanOptions {
  sample: string;
  sourceOf: (ref: string) => ImageSource;
  extraLabels?: Record<string, string>;
}

/** CPU quota period of `--cpus` (as Podman and Docker use). */
const CPU_PERIOD = 100_000;

export const PODMAN_UTS_NOTE =
  "Podman shares the uts namespace (hostname) of the pod's infra container, as Kubernetes does: unlike Docker, whose --uts accepts only host.";
export const PODMAN_SLEEP_NOTE =
  "The infra container runs `sleep infinity` from the spec's image (--infra-image, --infra-command): it holds the namespaces, but unlike pause or Podman's catatonit it does not reap zombies.";
export const PODMAN_PAUSE_NOTE =
  "The infra container is Podman's own (localhost/podman-pause, built locally from catatonit, which as PID 1 reaps zombies like pause).";
export const PODMAN_VOLUMES_NOTE =
  "Podman mounts a pod's volumes (podman pod create -v) in every container of the pod, also in those that do not mount volumes here.";
export const PODMAN_NONE_ISSUE =
  "A Podman pod without an infra container (--infra=false) cannot share namespaces at pod level: choose a pause or sleep sandbox.";

/** The spec's problems for Podman: the schema's (less the uts rule, which is Docker's only) and Podman's own. */
export function podmanSpecIssues(input: unknown): FieldIssue[] {
  const issues = specIssues(input).filter((i) => !(i.path === "namespaces.uts" && i.message === UTS_EXPLANATION));
  const spec = input as Partial<PodSpec> | null;
  if (spec?.sandbox?.kind === "none") issues.push({ path: "sandbox.kind", message: PODMAN_NONE_ISSUE });
  return issues;
}

/**
 * A catalogue entry's spec as made on Podman: the catalogue keeps uts "private" only because
 * Docker cannot share it (UTS_EXPLANATION); a Podman pod shares it with its infra container,
 * as a Kubernetes pod does. A host uts stays the host's.
 */
export function podmanCatalogueSpec(spec: PodSpec): PodSpec {
  return spec.namespaces.uts === "private" ? { ...spec, namespaces: { ...spec.namespaces, uts: "sandbox" } } : spec;
}

/** Container names as the Docker planner makes them: `<pod>-<name>`, or Kubernetes' dockershim names. */
function containerName(spec: PodSpec, podName: string, sandboxKind: string): string {
  if (!spec.kubernetes) return `${spec.name}-${podName}`;
  const k = spec.kubernetes;
  return `k8s_${podName === sandboxKind ? "POD" : podName}_${spec.name}_${k.namespace}_${k.uid}_0`;
}

export const podmanVolumeName = (pod: string, volume: string) => `${pod}-${volume}`;

/** The libpod bodies that make a (valid, see podmanSpecIssues) spec's pod. */
export function planPodmanPod(spec: PodSpec, opts: PodmanPlanOptions): PodmanPlan {
  if (spec.sandbox.kind === "none") throw new Error(PODMAN_NONE_ISSUE);
  const sandbox = spec.sandbox;
  const ns = spec.namespaces;
  const size = 1 + spec.initContainers.length + spec.containers.length;
  const labels = (kind: PlannedKind, podName: string, image: string): Record<string, string> => ({
    ...ourLabels({ pod: spec.name, size, role: kind, imageSource: opts.sourceOf(image), sample: opts.sample }),
    ...(spec.kubernetes ? kubernetesLabels({ name: spec.name, ...spec.kubernetes }, kind, podName, { dockershim: false }) : {}),
    ...opts.extraLabels,
  });

  const shared = (["net", "ipc", "uts", "pid"] as const).filter((t) => ns[t] === "sandbox");
  const notes: string[] = [];
  if (ns.uts === "sandbox") notes.push(PODMAN_UTS_NOTE);
  notes.push(sandbox.kind === "sleep" ? PODMAN_SLEEP_NOTE : PODMAN_PAUSE_NOTE);

  // The pod's labels are also its infra container's (Podman copies them): the sandbox's.
  const create: LibpodPodCreate = {
    name: spec.name,
    labels: labels("sandbox", sandbox.kind, sandbox.image),
    infra_name: containerName(spec, sandbox.kind, sandbox.kind),
    shared_namespaces: shared.length > 0 ? [...shared] : ["none"],
  };
  if (ns.net === "host") create.netns = { nsmode: "host" };
  if (spec.port) create.portmappings = [{ host_ip: "127.0.0.1", container_port: spec.port.containerPort, host_port: spec.port.hostPort, protocol: "tcp" }];
  if (spec.cgroupParent) create.cgroup_parent = spec.cgroupParent;
  if (sandbox.kind === "sleep") {
    create.infra_image = sandbox.image;
    create.infra_command = ["sleep", "infinity"];
  }

  if (spec.volumes.length > 0 && [...spec.initContainers, ...spec.containers].some((c) => !c.mountVolumes)) notes.push(PODMAN_VOLUMES_NOTE);
  if (spec.volumes.length > 0) create.volumes = spec.volumes.map((v) => ({ Name: podmanVolumeName(spec.name, v.name), Dest: volumePath(v) }));

  const volumes = spec.volumes.map((v): LibpodVolumeCreate => ({
    Name: podmanVolumeName(spec.name, v.name),
    Driver: "local",
    Label: { [LABEL_APP]: LABEL_APP_VALUE, [LABEL_POD]: spec.name, ...opts.extraLabels },
    // tmpfs size as nr_blocks (4 KiB pages): Podman 4.3.1 refuses o=size=… ("Filesystem does not support Project Quota").
    Options: v.medium === "memory" ? { type: "tmpfs", device: "tmpfs", o: `nr_blocks=${(v.sizeLimitMi ?? 1) * 256}` } : ({} as Record<string, string>),
  }));

  /** A namespace not shared with the pod: the host's, or the container's own (Podman's default). */
  const own = (t: "net" | "ipc" | "uts" | "pid"): LibpodNamespace | undefined => {
    if (ns[t] === "host") return { nsmode: "host" };
    // A network of its own: Podman's default network (bridge), as a container outside a pod.
    if (ns[t] === "private") return { nsmode: t === "net" ? "bridge" : "private" };
    return undefined; // shared with the pod: joining is Podman's default for a container in the pod
  };
  const member = (kind: "init" | "app", c: PodContainer): PodmanPlannedContainer => {
    const name = containerName(spec, c.name, sandbox.kind);
    const line = COMMAND_PRESETS[c.command].line({
      container: name,
      pod: spec.name,
      hostPort: spec.port?.hostPort ?? null,
      volumePaths: spec.volumes.map(volumePath),
    });
    const body: LibpodContainerCreate = { name, pod: spec.name, image: c.image, env: line.env, labels: labels(kind, c.name, c.image) };
    if (line.entrypoint) body.entrypoint = [line.entrypoint];
    if (line.args) body.command = line.args;
    if (kind === "init") body.init_container_type = "always";
    const netns = own("net");
    if (netns) body.netns = netns;
    const ipcns = own("ipc");
    if (ipcns) body.ipcns = ipcns;
    const pidns = own("pid");
    if (pidns) body.pidns = pidns;
    const utsns = own("uts");
    if (utsns) body.utsns = utsns;
    const { memoryMi, cpus, pidsMax } = c.limits;
    if (memoryMi !== null || cpus !== null || pidsMax !== null) {
      body.resource_limits = {};
      if (memoryMi !== null) body.resource_limits.memory = { limit: memoryMi * 1024 * 1024 };
      if (cpus !== null) body.resource_limits.cpu = { quota: Math.round(cpus * CPU_PERIOD), period: CPU_PERIOD };
      if (pidsMax !== null) body.resource_limits.pids = { limit: pidsMax };
    }
    return { kind, podName: c.name, body };
  };

  return {
    pod: spec.name,
    volumes,
    create,
    containers: [...spec.initContainers.map((c) => member("init", c)), ...spec.containers.map((c) => member("app", c))],
    notes,
  };
}

// ---------------------------------------------------------------------------------------
// The equivalent podman command lines
// ---------------------------------------------------------------------------------------

const line = (parts: string[][]) => `podman ${parts.map((p) => p.map(shellQuote).join(" ")).join(" \\\n    ")}`;

function nsFlag(flag: string, n: LibpodNamespace | undefined): string[][] {
  if (!n) return [];
  return [[flag, n.nsmode === "container" ? `container:${n.value ?? ""}` : n.nsmode]];
}

/** `podman volume create …` for one of the pod's volumes. */
export function podmanVolumeCommand(v: LibpodVolumeCreate): string {
  const parts: string[][] = [["volume", "create"]];
  for (const [k, val] of Object.entries(v.Label)) parts.push(["--label", `${k}=${val}`]);
  for (const [k, val] of Object.entries(v.Options)) parts.push(["--opt", `${k}=${val}`]);
  parts.push([v.Name]);
  return line(parts);
}

/** `podman pod create …`: the pod and its infra container (created, not started). */
export function podmanPodCreateCommand(p: LibpodPodCreate): string {
  const pod: string[][] = [["pod", "create"], ["--name", p.name], ["--infra-name", p.infra_name]];
  for (const [k, v] of Object.entries(p.labels)) pod.push(["--label", `${k}=${v}`]);
  pod.push(["--share", p.shared_namespaces.join(",")]);
  if (p.netns?.nsmode === "host") pod.push(["--network", "host"]);
  for (const m of p.portmappings ?? []) pod.push(["-p", `${m.host_ip}:${m.host_port}:${m.container_port}`]);
  if (p.cgroup_parent) pod.push(["--cgroup-parent", p.cgroup_parent]);
  if (p.infra_image) pod.push(["--infra-image", p.infra_image]);
  if (p.infra_command) pod.push(["--infra-command", JSON.stringify(p.infra_command)]);
  for (const v of p.volumes ?? []) pod.push(["-v", `${v.Name}:${v.Dest}`]);
  return line(pod);
}

/** `podman create --pod …` for one member (created, not started). */
export function podmanCreateCommand(b: LibpodContainerCreate): string {
  const parts: string[][] = [["create"], ["--pod", b.pod], ["--name", b.name]];
  if (b.init_container_type) parts.push(["--init-ctr", b.init_container_type]);
  for (const [k, v] of Object.entries(b.labels)) parts.push(["--label", `${k}=${v}`]);
  parts.push(...nsFlag("--network", b.netns), ...nsFlag("--ipc", b.ipcns), ...nsFlag("--pid", b.pidns), ...nsFlag("--uts", b.utsns));
  const r = b.resource_limits;
  if (r?.memory) parts.push(["--memory", `${r.memory.limit / (1024 * 1024)}m`]);
  if (r?.cpu) parts.push(["--cpus", String(r.cpu.quota / r.cpu.period)]);
  if (r?.pids) parts.push(["--pids-limit", String(r.pids.limit)]);
  for (const v of b.volumes ?? []) parts.push(["-v", `${v.Name}:${v.Dest}`]);
  for (const [k, v] of Object.entries(b.env)) parts.push(["-e", `${k}=${v}`]);
  if (b.entrypoint) parts.push(["--entrypoint", b.entrypoint[0]!]);
  parts.push([b.image, ...(b.command ?? [])]);
  return line(parts);
}

/** The shell commands that make the same pod with the podman CLI, an option per line. */
export function podmanScript(plan: PodmanPlan): string {
  const out: string[] = [];
  for (const note of plan.notes) out.push(`# ${note}`);
  for (const v of plan.volumes) out.push(podmanVolumeCommand(v));
  out.push(podmanPodCreateCommand(plan.create));
  for (const c of plan.containers) out.push(podmanCreateCommand(c.body));
  out.push(`# The pod's start runs the init containers to completion, one after the other, then the others.\npodman pod start ${shellQuote(plan.pod)}`);
  return out.join("\n\n");
}
