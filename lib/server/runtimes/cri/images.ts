import "server-only";
import { ctrPath, imagesSetting } from "../../config";
import { spawn } from "node:child_process";
import type { CatalogueImageRole, ResolvedImageRef } from "@/lib/model/catalogue";
import type { ImageChoice } from "@/lib/model/pod-spec";
import type { ImageSource } from "@/lib/model/types";
import { getDockerClient, type DockerClient } from "@/lib/server/docker";
import { ensureStandIn, ImageError, imageChoices as dockerImageChoices, REAL_IMAGES } from "@/lib/server/images";
import type { CriClient } from "./client";

/**
 * Images for a CRI runtime without a registry. The stand-ins are built in Docker
 * (lib/server/images.ts) and imported into the runtime's `k8s.io` namespace with
 * `docker save IMAGE | ctr --address SOCKET -n k8s.io images import -` (containerd's CRI has
 * no import RPC); the pause stand-in is also tagged as the sandbox image the runtime is
 * configured with (RunPodSandbox always uses that one). Real images are used when the
 * runtime has them, or pulls them (PullImage).
 */

const CTR = ctrPath();
const IMPORT_TIMEOUT_MS = 120_000;

type StandInRole = "pause" | "nginx" | "ghost" | "busybox";
const STAND_IN_OF: Record<CatalogueImageRole, StandInRole> = { pause: "pause", nginx: "nginx", ghost: "ghost", busybox: "busybox", httpbin: "busybox", curl: "busybox" };

/** `docker.io/library/x` and `docker.io/x` are what the CRI calls `x`: the forms a ref is listed under. */
export function normaliseRef(ref: string): string {
  const first = ref.split("/")[0]!;
  const hasRegistry = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  let r = hasRegistry ? ref : `docker.io/${ref.includes("/") ? ref : `library/${ref}`}`;
  if (!/:[^/]+$/.test(r) && !r.includes("@")) r += ":latest";
  return r;
}

function run(cmd: string, args: string[], input: NodeJS.ReadableStream | null, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === "ENOENT" ? new ImageError(`${cmd} is not installed.`, cmd === CTR ? "Install containerd's ctr (on Debian: apt-get install -y containerd)." : "Install it.") : e);
    });
    if (input && child.stdin) {
      input.on("error", (e) => child.kill() && reject(e));
      input.pipe(child.stdin);
    }
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${code}): ${err.trim().split("\n").pop() ?? ""}`));
    });
  });
}

/** docker save REF | ctr import, into the CRI's k8s.io namespace of the containerd at `socket`. */
export async function importFromDocker(socket: string, ref: string): Promise<void> {
  const save = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
  const saved = new Promise<void>((resolve, reject) => {
    let err = "";
    save.stderr.on("data", (d: Buffer) => (err += d.toString()));
    save.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? new ImageError("docker is not installed: the stand-in images are built and saved with Docker.", "Install docker.io and start dockerd.") : e),
    );
    save.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`docker save ${ref} failed: ${err.trim()}`))));
  });
  await Promise.all([run(CTR, ["--address", socket, "-n", "k8s.io", "images", "import", "-"], save.stdout, IMPORT_TIMEOUT_MS), saved]);
}

export async function tagImage(socket: string, source: string, target: string): Promise<void> {
  await run(CTR, ["--address", socket, "-n", "k8s.io", "images", "tag", "--force", normaliseRef(source), normaliseRef(target)], null, 30_000);
}

function dockerOrExplain(): DockerClient {
  return getDockerClient();
}

async function present(cri: CriClient, ref: string): Promise<boolean> {
  return (await cri.imageStatus(ref)) !== null;
}

/** Failed pulls are remembered (no registry: every create would wait again). */
const failedPulls = new Map<string, number>();
const FAILED_PULL_MEMORY_MS = 10 * 60_000;

async function tryPull(cri: CriClient, ref: string): Promise<boolean> {
  const at = failedPulls.get(ref);
  if (at && Date.now() - at < FAILED_PULL_MEMORY_MS) return false;
  try {
    await cri.pullImage(ref);
    return true;
  } catch {
    failedPulls.set(ref, Date.now());
    return false;
  }
}

function mode(): "auto" | "stand-in" | "real" {
  const m = imagesSetting();
  return m === "stand-in" || m === "real" ? m : "auto";
}

/** The stand-in of a role, built in Docker when missing and imported into the runtime when missing there. */
export async function ensureCriStandIn(cri: CriClient, role: StandInRole): Promise<ResolvedImageRef> {
  const docker = dockerOrExplain();
  let standIn: ResolvedImageRef;
  try {
    standIn = await ensureStandIn(docker, role);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError(
      `The ${role} stand-in image could not be built in Docker (${(err as Error).message}); the CRI runtime gets its stand-ins from Docker.`,
      "Start a Docker engine (scripts/lib.sh ensure_docker_engine), or give the CRI runtime the real images.",
    );
  }
  if (!(await present(cri, standIn.ref))) await importFromDocker(cri.socketPath, standIn.ref);
  return standIn;
}

/** The image to run for a role on this runtime: real when present or pullable, else the stand-in. */
export async function resolveCriImage(cri: CriClient, role: CatalogueImageRole): Promise<ResolvedImageRef> {
  const real = REAL_IMAGES[role];
  const m = mode();
  if (m !== "stand-in") {
    if ((await present(cri, real)) || (await tryPull(cri, real))) return { ref: real, source: "real" };
    if (m === "real") throw new ImageError(`The CRI runtime could not pull ${real}.`, "Check its registry access, or use POD_ANATOMY_IMAGES=auto.");
  }
  return ensureCriStandIn(cri, STAND_IN_OF[role]);
}

/**
 * Make sure the runtime's configured sandbox image is there: else pull it, else import the
 * pause stand-in and tag it with that name. Returns where it came from.
 */
export async function ensureSandboxImage(cri: CriClient, sandboxImage: string): Promise<ImageSource> {
  const pauseStandIn = async () => {
    const s = await ensureCriStandIn(cri, "pause");
    return (await cri.imageStatus(s.ref))?.id ?? null;
  };
  const current = await cri.imageStatus(sandboxImage);
  if (current) {
    // Present: the stand-in when it is the stand-in's image (same id), else a real one.
    const standInId = mode() === "real" ? null : await pauseStandIn().catch(() => null);
    return current.id === standInId ? "stand-in" : "real";
  }
  if (mode() !== "stand-in" && (await tryPull(cri, sandboxImage))) return "real";
  if (mode() === "real") throw new ImageError(`The CRI runtime has no sandbox image ${sandboxImage} and could not pull it.`, "Use POD_ANATOMY_IMAGES=auto for the pause stand-in.");
  const s = await ensureCriStandIn(cri, "pause");
  await tagImage(cri.socketPath, s.ref, sandboxImage);
  return "stand-in";
}

/**
 * The builder's allow-list on a CRI runtime: the images in its store (tags as the CRI lists
 * them), the Docker stand-ins (imported when a pod uses them).
 */
export async function criImageChoices(cri: CriClient): Promise<ImageChoice[]> {
  const images = await cri.listImages();
  const tags = new Set(images.flatMap((i) => i.repo_tags));
  let standIns: ImageChoice[] = [];
  try {
    standIns = (await dockerImageChoices(dockerOrExplain())).filter((c) => c.source === "stand-in");
  } catch {
    standIns = [];
  }
  const choices: ImageChoice[] = [];
  const standInRefs = new Set(standIns.map((s) => normaliseRef(s.ref)));
  for (const tag of [...tags].sort()) {
    if (standInRefs.has(normaliseRef(tag))) continue;
    const role = (Object.keys(REAL_IMAGES) as CatalogueImageRole[]).find((r) => normaliseRef(REAL_IMAGES[r]) === normaliseRef(tag)) ?? null;
    choices.push({ ref: tag, source: role ? "real" : "other", role, tools: [], present: true });
  }
  for (const s of standIns) choices.push(s);
  return choices;
}
