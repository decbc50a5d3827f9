/**
 * A pod as Pod Anatomy can build it (PodSpec), validated with zod: the allow-listed images
 * and tools, the command presets, the schema and the checks beside each field. What is made
 * of a PodSpec lives beside it: pod-plan.ts (the containers to create), docker-run-script.ts
 * (the exact `docker run` command lines), kubernetes-yaml.ts (the equivalent Kubernetes Pod);
 * pod-probes.ts holds the fixed commands run in a pod's containers.
 *
 * The type can only say what is safe to create: a sandbox (pause, `sleep infinity`, or
 * none), containers whose image comes from an allow-list and whose command is one of a
 * few presets, how each namespace type is shared, a cgroup parent, memory / CPU / pids
 * limits, emptyDir-like volumes, at most one port published on 127.0.0.1. There is no
 * field for privileged mode, capabilities, devices, host paths or free-form commands.
 *
 * Pure: no I/O. Shared by the server (creation, validation) and the browser (live preview).
 */
import { z } from "zod";
import { PodName } from "./pod-requests";
import type { ImageSource, NamespaceType } from "./types";

// ---------------------------------------------------------------------------------------
// Images and command presets
// ---------------------------------------------------------------------------------------

/**
 * What an image is known to contain, which decides the command presets it can run:
 * sh (with sleep, wget, ps, hostname), busybox httpd, a real nginx, a real ghost, the
 * ghost stand-in's blog page.
 */
export const TOOLS = ["sh", "httpd", "nginx", "ghost", "blog"] as const;
export type Tool = (typeof TOOLS)[number];

/** One image of the allow-list: the images present locally, plus the stand-ins (built on first use). */
export interface ImageChoice {
  ref: string;
  source: ImageSource;
  /** The role it is the real image or the stand-in of (pause, nginx, ghost, busybox, httpbin, curl), or null. */
  role: string | null;
  tools: Tool[];
  /** False for a stand-in not built yet: it is built when a pod first uses it. */
  present: boolean;
}

/** What a preset adds to `docker run`: the entrypoint (argv[0]), its arguments, environment. */
export interface CommandLine {
  entrypoint: string | null;
  args: string[] | null;
  env: Record<string, string>;
}

interface PresetContext {
  /** The container's Docker name. */
  container: string;
  pod: string;
  /** The published host port, if any. */
  hostPort: number | null;
  /** Mount paths of the pod's volumes, in order. */
  volumePaths: string[];
}

interface Preset {
  label: string;
  needs: Tool | null;
  /** How many of the pod's volumes it uses (they must be mounted in the container). */
  volumes: number;
  /** An init container's command must end; an app container's must keep running. */
  use: "init" | "app" | "any";
  line(ctx: PresetContext): CommandLine;
}

const sh = (script: string, env: Record<string, string> = {}): CommandLine => ({ entrypoint: "sh", args: ["-c", script], env });

/** busybox httpd on :80 serving a page naming the container: what a fetch over 127.0.0.1 answers. */
const WEB_SCRIPT =
  'mkdir -p /www && echo "<h1>$POD_CONTAINER</h1><p>busybox httpd on :80 in container $POD_CONTAINER, hostname $(hostname)</p>" > /www/index.html && exec httpd -f -p 80 -h /www';

/** Makes the real nginx a reverse proxy to 127.0.0.1:2368 (the nginx stand-in is one by itself). */
const NGINX_PROXY_SCRIPT =
  "printf 'server { listen 80; location / { proxy_pass http://127.0.0.1:2368; proxy_set_header Host $host; } }' > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'";

export const COMMAND_PRESETS = {
  "image-default": { label: "the image's own command", needs: null, volumes: 0, use: "any", line: () => ({ entrypoint: null, args: null, env: {} }) },
  sleep: { label: "sleep infinity", needs: "sh", volumes: 0, use: "app", line: () => ({ entrypoint: "sleep", args: ["infinity"], env: {} }) },
  web: {
    label: "web server on :80 (busybox httpd) naming this container",
    needs: "httpd",
    volumes: 0,
    use: "app",
    line: (c) => sh(WEB_SCRIPT, { POD_CONTAINER: c.container }),
  },
  "nginx-proxy": { label: "nginx: reverse proxy :80 → 127.0.0.1:2368", needs: "nginx", volumes: 0, use: "app", line: () => sh(NGINX_PROXY_SCRIPT) },
  "ghost-blog": {
    label: "ghost blog on :2368",
    needs: "ghost",
    volumes: 0,
    use: "app",
    line: (c) => ({ entrypoint: null, args: null, env: { url: `http://localhost:${c.hostPort ?? 2368}/`, NODE_ENV: "development" } }),
  },
  "blog-stand-in": {
    label: "blog stand-in on :2368 naming its pod",
    needs: "blog",
    volumes: 0,
    use: "app",
    line: (c) => ({ entrypoint: null, args: null, env: { POD_NAME: c.pod } }),
  },
  "write-first-volume": {
    label: "write a page into the first volume, then exit",
    needs: "sh",
    volumes: 1,
    use: "init",
    line: (c) => sh(`echo "<h1>Written by init container $POD_CONTAINER at $(date)</h1>" > ${c.volumePaths[0]}/index.html && sleep 3`, { POD_CONTAINER: c.container }),
  },
  "write-second-volume": {
    label: "write a file into the second volume, then exit",
    needs: "sh",
    volumes: 2,
    use: "init",
    line: (c) => sh(`echo "cached by $POD_CONTAINER at $(date)" > ${c.volumePaths[1]}/note.txt && sleep 3`, { POD_CONTAINER: c.container }),
  },
  "serve-first-volume": {
    label: "web server on :80 serving the first volume",
    needs: "httpd",
    volumes: 1,
    use: "app",
    line: (c) => ({ entrypoint: "httpd", args: ["-f", "-p", "80", "-h", c.volumePaths[0] ?? "/"], env: {} }),
  },
} as const satisfies Record<string, Preset>;
export type CommandPreset = keyof typeof COMMAND_PRESETS;
export const COMMAND_PRESET_IDS = Object.keys(COMMAND_PRESETS) as [CommandPreset, ...CommandPreset[]];

// ---------------------------------------------------------------------------------------
// The PodSpec and its schema
// ---------------------------------------------------------------------------------------

export const SANDBOX_KINDS = ["pause", "sleep", "none"] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];

/** The namespace types `docker run` can share or not: net, ipc, pid, uts. */
export const SPEC_NAMESPACES = ["net", "ipc", "pid", "uts"] as const satisfies readonly NamespaceType[];
export type SpecNamespace = (typeof SPEC_NAMESPACES)[number];

export const NAMESPACE_CHOICES = ["sandbox", "private", "host"] as const;
export type NamespaceChoice = (typeof NAMESPACE_CHOICES)[number];

export const UTS_EXPLANATION =
  "Docker cannot join another container's uts namespace (--uts accepts only host), so the hostname cannot be shared with the sandbox. " +
  "Kubernetes pods do share it: the CRI runtime creates the pod's uts namespace with the sandbox. " +
  "Docker gives a container that joins the sandbox's network the same hostname value, but in a uts namespace of its own.";

export const HOST_WARNING =
  "A host namespace is the host's own: with net the containers see and bind the host's interfaces and ports, " +
  "with pid they see (and as root can signal) every process of the host, with ipc they share its IPC objects, with uts its hostname.";

/** Docker's rule for container names, bounded so that `<pod>-<name>` stays readable. */
export const ContainerName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,39}$/, "2-40 characters: letters, digits, _ . - (as Docker allows), starting with a letter or digit");

/** An image reference's shape; whether it may be used is decided by the allow-list. */
export const ImageRef = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, "an image reference such as busybox:1.36");

const DnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a DNS label: lower-case letters, digits and -");

const Limits = z
  .object({
    /** `--memory`, MiB. Docker refuses less than 6 MiB. */
    memoryMi: z.number().int().min(8, "at least 8 MiB").max(4096, "at most 4096 MiB").nullable(),
    /** `--cpus`: CPUs of quota per period. */
    cpus: z.number().min(0.01, "at least 0.01 CPU").max(4, "at most 4 CPUs").nullable(),
    /** `--pids-limit`. */
    pidsMax: z.number().int().min(16, "at least 16").max(4096, "at most 4096").nullable(),
  })
  .strict();
export type Limits = z.infer<typeof Limits>;

export const PodContainer = z
  .object({
    name: ContainerName,
    image: ImageRef,
    command: z.enum(COMMAND_PRESET_IDS),
    limits: Limits,
    /** Mount the pod's volumes (from the sandbox, at /data/<volume>). */
    mountVolumes: z.boolean(),
  })
  .strict();
export type PodContainer = z.infer<typeof PodContainer>;

export const Volume = z
  .object({
    name: DnsLabel.max(20, "at most 20 characters"),
    /** disk: an emptyDir on the node's disk; memory: a tmpfs (emptyDir with medium: Memory). */
    medium: z.enum(["disk", "memory"]),
    /** tmpfs size (memory only), MiB. */
    sizeLimitMi: z.number().int().min(1).max(1024).nullable(),
  })
  .strict();
export type Volume = z.infer<typeof Volume>;

const Choice = z.enum(NAMESPACE_CHOICES);

/** An absolute cgroup path: `/pod-foo`, `/kubepods/burstable/pod<uid>`. */
export const CgroupParent = z
  .string()
  .max(200)
  .regex(/^(\/[a-zA-Z0-9][a-zA-Z0-9_.-]*){1,6}$/, "an absolute cgroup path such as /pod-web: / then letters, digits, _ . - (no ..)");

export const PodSpecSchema = z
  .object({
    name: PodName,
    sandbox: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("pause"), image: ImageRef }).strict(),
      z.object({ kind: z.literal("sleep"), image: ImageRef }).strict(),
      z.object({ kind: z.literal("none") }).strict(),
    ]),
    namespaces: z.object({ net: Choice, ipc: Choice, pid: Choice, uts: Choice }).strict(),
    cgroupParent: CgroupParent.nullable(),
    /** Published on 127.0.0.1 only, by the container holding the pod's network namespace. */
    port: z
      .object({
        containerPort: z.number().int().min(1).max(65535),
        hostPort: z.number().int().min(1024, "a host port from 1024 up").max(65535),
      })
      .strict()
      .nullable(),
    initContainers: z.array(PodContainer).max(3, "at most 3 init containers"),
    containers: z.array(PodContainer).min(1, "at least one container").max(5, "at most 5 containers"),
    volumes: z.array(Volume).max(2, "at most 2 volumes"),
    /** Name the containers as Kubernetes' dockershim did, with its io.kubernetes.* labels. */
    kubernetes: z.object({ namespace: DnsLabel, uid: z.uuid("a pod uid (a UUID)") }).strict().nullable(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (spec.namespaces.uts === "sandbox") issue(["namespaces", "uts"], UTS_EXPLANATION);
    if (spec.port && spec.namespaces.net !== "sandbox") {
      issue(["port"], "Publish a port only when the containers share the sandbox's network: the port of that shared network namespace is published.");
    }
    if (spec.sandbox.kind === "none") {
      if (spec.initContainers.length > 0) issue(["initContainers"], "Init containers need a sandbox to hold the pod's namespaces while they run.");
      if (spec.volumes.length > 0) issue(["volumes"], "Volumes need a sandbox to hold them.");
      if (spec.kubernetes) issue(["kubernetes"], "Kubernetes' naming needs a sandbox (k8s_POD_…).");
    }
    const reserved = new Set([spec.sandbox.kind, ...(spec.kubernetes ? ["POD"] : [])]);
    const seen = new Set<string>();
    const all = [
      ...spec.initContainers.map((c, i) => ({ c, path: ["initContainers", i] as (string | number)[], init: true })),
      ...spec.containers.map((c, i) => ({ c, path: ["containers", i] as (string | number)[], init: false })),
    ];
    for (const { c, path, init } of all) {
      if (seen.has(c.name)) issue([...path, "name"], `another container is already named ${c.name}`);
      if (reserved.has(c.name)) issue([...path, "name"], `${c.name} is the sandbox's name`);
      seen.add(c.name);
      if (spec.kubernetes && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(c.name)) {
        issue([...path, "name"], "Kubernetes container names are DNS labels: lower-case letters, digits and -");
      }
      const preset: Preset = COMMAND_PRESETS[c.command];
      if (preset.use !== "any" && preset.use !== (init ? "init" : "app")) {
        issue([...path, "command"], init ? "an init container's command must run to completion" : "this command exits: it is for init containers");
      }
      if (c.mountVolumes && spec.volumes.length === 0) issue([...path, "mountVolumes"], "the pod has no volumes");
      if (preset.volumes > 0 && (!c.mountVolumes || spec.volumes.length < preset.volumes)) {
        issue([...path, "command"], `this command needs ${preset.volumes} volume(s) mounted in the container`);
      }
    }
    spec.volumes.forEach((v, i) => {
      if (v.medium === "disk" && v.sizeLimitMi !== null) issue(["volumes", i, "sizeLimitMi"], "a size limit applies to memory (tmpfs) volumes only");
      if (v.medium === "memory" && v.sizeLimitMi === null) issue(["volumes", i, "sizeLimitMi"], "a memory volume needs a size limit");
      if (spec.volumes.findIndex((w) => w.name === v.name) !== i) issue(["volumes", i, "name"], `another volume is already named ${v.name}`);
    });
  });
export type PodSpec = z.infer<typeof PodSpecSchema>;

/** A problem with one field, `path` as zod reports it joined with dots ("containers.0.image"). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The schema's issues as field issues. */
export function specIssues(input: unknown): FieldIssue[] {
  const parsed = PodSpecSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** Check a (schema-valid) spec's images against the allow-list and its presets against what each image contains. */
export function imageIssues(spec: PodSpec, images: readonly ImageChoice[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const byRef = new Map(images.map((i) => [i.ref, i]));
  const check = (ref: string, path: string, need: Tool | null) => {
    const image = byRef.get(ref);
    if (!image) issues.push({ path: `${path}.image`, message: `${ref} is not one of the images available here (the local images and the stand-ins)` });
    else if (need && !image.tools.includes(need)) {
      issues.push({ path: path.endsWith("sandbox") ? `${path}.image` : `${path}.command`, message: `${ref} cannot run this command: it needs ${need}` });
    }
  };
  if (spec.sandbox.kind === "pause") {
    const image = byRef.get(spec.sandbox.image);
    if (!image) check(spec.sandbox.image, "sandbox", null);
    else if (image.role !== "pause") issues.push({ path: "sandbox.image", message: `${spec.sandbox.image} is not a pause image` });
  }
  if (spec.sandbox.kind === "sleep") check(spec.sandbox.image, "sandbox", "sh");
  spec.initContainers.forEach((c, i) => check(c.image, `initContainers.${i}`, COMMAND_PRESETS[c.command].needs));
  spec.containers.forEach((c, i) => check(c.image, `containers.${i}`, COMMAND_PRESETS[c.command].needs));
  return issues;
}
