/**
 * The catalogue: the classic experiments of the pause-container training material, each a
 * list of PodSpecs (one pod, or two side by side) with a caption saying what to look at.
 * And the pure readings of a snapshot the catalogue shows: which pods an entry made, a
 * pod's phase (Init:0/2 → … → Running) and its zombies.
 *
 * Pure: images are resolved by the server (real or stand-in) and handed in.
 */
import { z } from "zod";
import { RuntimeChoice } from "./pod-requests";
import { SPEC_NAMESPACES, UTS_EXPLANATION, type CommandPreset, type Limits, type PodSpec, type SpecNamespace } from "./pod-spec";
import { LABEL_ROLE, LABEL_SAMPLE, type Container, type Pod, type Process, type Snapshot } from "./types";
import { LABEL_POD_SIZE } from "./half-made-pods";

export const CATALOGUE_ENTRY_IDS = [
  "ghost-behind-nginx",
  "by-hand",
  "init-and-emptydir",
  "reaping",
  "host-namespaces",
  "node-look-alike",
] as const;
export type CatalogueEntryId = (typeof CATALOGUE_ENTRY_IDS)[number];

/** The roles of the images the entries use (lib/server/images.ts resolves them: real, or stand-in). */
export type CatalogueImageRole = "pause" | "nginx" | "ghost" | "busybox" | "httpbin" | "curl";

export interface ResolvedImageRef {
  ref: string;
  source: "real" | "stand-in";
}

export interface CatalogueContext {
  /** Appended to every pod name of this instance (random hex): `by-hand-1a2b3c`. */
  suffix: string;
  /** A fresh pod uid, for the Kubernetes look-alike. */
  uid: string;
  image: (role: CatalogueImageRole) => ResolvedImageRef;
  /** The host port for an entry that publishes one (default: the entry's hostPort). */
  hostPort?: number;
}

export interface CatalogueEntry {
  id: CatalogueEntryId;
  number: number;
  title: string;
  /** What to look at, in a few sentences. */
  caption: string;
  /** The images it needs. */
  roles: CatalogueImageRole[];
  /** The host port it publishes on 127.0.0.1, if any: only one such pod at a time. */
  hostPort: number | null;
  pods(ctx: CatalogueContext): PodSpec[];
}

const NO_LIMITS: Limits = { memoryMi: null, cpus: null, pidsMax: null };
const POD_NS = { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "private" } as const;

function container(name: string, image: ResolvedImageRef, command: CommandPreset, limits: Partial<Limits> = {}, mountVolumes = false) {
  return { name, image: image.ref, command, limits: { ...NO_LIMITS, ...limits }, mountVolumes };
}

/** The demo pod's host port (lib/server/demo-pod.ts publishes the same). */
export const GHOST_HOST_PORT = 8880;

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: "ghost-behind-nginx",
    number: 1,
    title: "Ghost behind nginx",
    caption:
      "The classic pod: the pause container publishes 127.0.0.1:8880 → 80; nginx on :80 proxies to 127.0.0.1:2368, where ghost listens. " +
      "nginx reaches ghost only because both joined the pause container's network namespace. " +
      "Look at: the spokes labelled net, ipc, pid; ps in nginx shows /pause as PID 1; http://localhost:8880/ answers through the proxy.",
    roles: ["pause", "nginx", "ghost"],
    hostPort: GHOST_HOST_PORT,
    pods: ({ suffix, image, hostPort = GHOST_HOST_PORT }) => {
      const nginx = image("nginx");
      const ghost = image("ghost");
      return [
        {
          name: `demo-${suffix}`,
          sandbox: { kind: "pause", image: image("pause").ref },
          namespaces: POD_NS,
          cgroupParent: null,
          port: { containerPort: 80, hostPort },
          initContainers: [],
          containers: [
            container("nginx", nginx, nginx.source === "real" ? "nginx-proxy" : "image-default"),
            container("ghost", ghost, ghost.source === "real" ? "ghost-blog" : "blog-stand-in"),
          ],
          volumes: [],
          kubernetes: null,
        },
      ];
    },
  },
  {
    id: "by-hand",
    number: 2,
    title: "A pod built by hand, as Kubernetes does it",
    caption:
      "docker run, one container at a time: a pause sandbox (--ipc shareable), an app (httpbin; stand-in: busybox httpd on :80) limited to 256Mi " +
      "and a sidecar (curl; stand-in: busybox) limited to 128Mi, all under --cgroup-parent /pod-NAME, joining the sandbox's net and ipc but not pid. " +
      "Look at: fetching 127.0.0.1:80 from the sidecar answers (shared net); ps shows a different PID 1 in each (pid not shared); " +
      "memory.limit_in_bytes in each container's cgroup. The hostname is the same value in both, yet uts is not shared: " +
      UTS_EXPLANATION,
    roles: ["pause", "httpbin", "curl"],
    hostPort: null,
    pods: ({ suffix, image }) => {
      const httpbin = image("httpbin");
      return [
        {
          name: `by-hand-${suffix}`,
          sandbox: { kind: "pause", image: image("pause").ref },
          namespaces: { net: "sandbox", ipc: "sandbox", pid: "private", uts: "private" },
          cgroupParent: `/pod-by-hand-${suffix}`,
          port: null,
          initContainers: [],
          containers: [
            container("app", httpbin, httpbin.source === "real" ? "image-default" : "web", { memoryMi: 256 }),
            container("sidecar", image("curl"), "sleep", { memoryMi: 128 }),
          ],
          volumes: [],
          kubernetes: null,
        },
      ];
    },
  },
  {
    id: "init-and-emptydir",
    number: 3,
    title: "Init containers and emptyDir volumes",
    caption:
      "Two init containers run one after the other to completion, each writing into a volume: site (on disk, like emptyDir: {}) and cache " +
      "(a 50Mi tmpfs, like emptyDir with medium: Memory and sizeLimit: 50Mi); then web serves site on :80 and reader mounts cache. " +
      "Look at: the phase Init:0/2 → Init:1/2 → PodInitializing → Running and READY 0/2 → 2/2; fetching :80 shows the page the first init container wrote.",
    roles: ["pause", "busybox"],
    hostPort: null,
    pods: ({ suffix, image }) => {
      const busybox = image("busybox");
      return [
        {
          name: `init-${suffix}`,
          sandbox: { kind: "pause", image: image("pause").ref },
          namespaces: { ...POD_NS, pid: "private" },
          cgroupParent: null,
          port: null,
          initContainers: [
            container("write-site", busybox, "write-first-volume", {}, true),
            container("write-cache", busybox, "write-second-volume", {}, true),
          ],
          containers: [container("web", busybox, "serve-first-volume", {}, true), container("reader", busybox, "sleep", {}, true)],
          volumes: [
            { name: "site", medium: "disk", sizeLimitMi: null },
            { name: "cache", medium: "memory", sizeLimitMi: 50 },
          ],
          kubernetes: null,
        },
      ];
    },
  },
  {
    id: "reaping",
    number: 4,
    title: "Why pause is PID 1 — zombie reaping, side by side",
    caption:
      "Pod A's PID 1 is the pause binary; pod B's PID 1 is `sleep infinity` (a sandbox made from busybox sleep). Both share pid with their sandbox. " +
      "Make an orphan: a shell in the pod starts `sleep 1` in the background and exits at once, so the kernel re-parents the orphan to PID 1 of the pid namespace. " +
      "When it exits, pause reaps it (waitpid on SIGCHLD); sleep never does, so it stays a zombie (state Z) until the pod is deleted.",
    roles: ["pause", "busybox"],
    hostPort: null,
    pods: ({ suffix, image }) => {
      const busybox = image("busybox");
      const pod = (name: string, sandbox: PodSpec["sandbox"]): PodSpec => ({
        name,
        sandbox,
        namespaces: POD_NS,
        cgroupParent: null,
        port: null,
        initContainers: [],
        containers: [container("shell", busybox, "sleep")],
        volumes: [],
        kubernetes: null,
      });
      return [
        pod(`reap-pause-${suffix}`, { kind: "pause", image: image("pause").ref }),
        pod(`reap-sleep-${suffix}`, { kind: "sleep", image: busybox.ref }),
      ];
    },
  },
  {
    id: "host-namespaces",
    number: 5,
    title: "Host namespaces",
    caption:
      "A pod with hostNetwork, hostPID and hostIPC (and the host's uts, which Kubernetes gives every hostNetwork pod): its containers use the host's own namespaces. " +
      "Look at: their net, pid, ipc and uts inodes are the host's; ps shows every process of the host; hostname prints the host's name.",
    roles: ["pause", "busybox"],
    hostPort: null,
    pods: ({ suffix, image }) => [
      {
        name: `host-ns-${suffix}`,
        sandbox: { kind: "pause", image: image("pause").ref },
        namespaces: { net: "host", ipc: "host", pid: "host", uts: "host" },
        cgroupParent: null,
        port: null,
        initContainers: [],
        containers: [container("shell", image("busybox"), "sleep")],
        volumes: [],
        kubernetes: null,
      },
    ],
  },
  {
    id: "node-look-alike",
    number: 6,
    title: "A Kubernetes node look-alike",
    caption:
      "Containers named as Kubernetes' dockershim named them — k8s_POD_<pod>_<namespace>_<uid>_0 for the sandbox, k8s_<container>_<pod>_<namespace>_<uid>_0 for the others — " +
      "with io.kubernetes.* labels, under the cgroup /kubepods/burstable/pod<uid>: what docker ps shows on a Docker-based node. " +
      "Look at: the names, the labels, the cgroup paths; the dashboard groups them as one pod.",
    roles: ["pause", "busybox"],
    hostPort: null,
    pods: ({ suffix, uid, image }) => {
      const busybox = image("busybox");
      return [
        {
          name: `web-${suffix}`,
          sandbox: { kind: "pause", image: image("pause").ref },
          namespaces: { ...POD_NS, pid: "private" },
          cgroupParent: `/kubepods/burstable/pod${uid}`,
          port: null,
          initContainers: [],
          containers: [container("web", busybox, "web", { memoryMi: 128 }), container("sidecar", busybox, "sleep")],
          volumes: [],
          kubernetes: { namespace: "default", uid },
        },
      ];
    },
  },
];

export function catalogueEntry(id: CatalogueEntryId): CatalogueEntry {
  const entry = CATALOGUE.find((e) => e.id === id);
  if (!entry) throw new Error(`no catalogue entry ${id}`);
  return entry;
}

/** POST /api/catalogue: create one instance of an entry. */
export const CreateEntryRequest = z.object({ entry: z.enum(CATALOGUE_ENTRY_IDS), runtime: RuntimeChoice }).strict();

// ---------------------------------------------------------------------------------------
// Reading a snapshot for the catalogue
// ---------------------------------------------------------------------------------------

/** One creation of an entry: its pods as the snapshot shows them (entry 4 has two). */
export interface CatalogueInstance {
  suffix: string;
  pods: Pod[];
}

const suffixOf = (podName: string) => podName.slice(podName.lastIndexOf("-") + 1);

/** The instances of an entry on this host: our pods whose sandbox carries the entry's sample label, grouped by suffix. */
export function catalogueInstances(snapshot: Snapshot, entryId: CatalogueEntryId): CatalogueInstance[] {
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  const instances = new Map<string, Pod[]>();
  for (const pod of snapshot.pods) {
    if (!pod.managed || byId.get(pod.sandboxId)?.labels[LABEL_SAMPLE] !== entryId) continue;
    const suffix = suffixOf(pod.name);
    instances.set(suffix, [...(instances.get(suffix) ?? []), pod]);
  }
  return [...instances].map(([suffix, pods]) => ({ suffix, pods: pods.sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** A pod's containers, sandbox first. */
export function podContainers(snapshot: Snapshot, pod: Pod): Container[] {
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  return [pod.sandboxId, ...pod.memberIds].map((id) => byId.get(id)).filter((c): c is Container => c !== undefined);
}

export interface PodStatus {
  /** As kubectl get pods shows it: Pending, Init:k/n, PodInitializing, Running. */
  phase: string;
  /** READY: app containers running / app containers. */
  ready: string;
}

/**
 * The pod's status, kubectl-style, from its containers' states. All containers are created
 * up front (see pod-creator.ts), so a pod with fewer than its pod-size label is still Pending.
 */
export function podStatus(containers: readonly Container[]): PodStatus {
  const expected = Math.max(0, ...containers.map((c) => Number(c.labels[LABEL_POD_SIZE] ?? 0)));
  const inits = containers.filter((c) => c.labels[LABEL_ROLE] === "init");
  const apps = containers.filter((c) => c.labels[LABEL_ROLE] === "app");
  const running = apps.filter((c) => c.state === "running").length;
  const ready = `${running}/${apps.length}`;
  if (containers.length < expected) return { phase: "Pending", ready };
  const completed = inits.filter((c) => c.state === "exited").length;
  if (completed < inits.length) return { phase: `Init:${completed}/${inits.length}`, ready };
  if (running < apps.length) return { phase: "PodInitializing", ready };
  return { phase: "Running", ready };
}

/** Zombies (state Z) among the processes of a pod's containers. */
export function podZombies(snapshot: Snapshot, containers: readonly Container[]): Process[] {
  const pids = new Set(containers.flatMap((c) => c.processIds));
  return snapshot.processes.filter((p) => pids.has(p.pid) && p.state.startsWith("Z"));
}

/** How a container's namespaces relate to its sandbox and the host, per type the spec can set. */
export function sharingOf(c: Container): Record<SpecNamespace, "sandbox" | "host" | "own"> {
  const of = (t: SpecNamespace) => (c.sharedWithHost.includes(t) ? "host" : c.sharedWithSandbox.includes(t) ? "sandbox" : "own");
  return Object.fromEntries(SPEC_NAMESPACES.map((t) => [t, of(t)])) as Record<SpecNamespace, "sandbox" | "host" | "own">;
}
