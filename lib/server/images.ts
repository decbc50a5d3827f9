import "server-only";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { CatalogueImageRole, ResolvedImageRef } from "@/lib/model/catalogue";
import type { ImageChoice, Tool } from "@/lib/model/pod-spec";
import { LABEL_APP, LABEL_APP_VALUE } from "@/lib/model/types";
import { busyboxPath, imagesSetting, pauseBinaryPath } from "./config";
import type { DockerClient } from "./docker";
import { fs } from "./host-fs";
import { getPullTracker } from "./pull-tracker";

/**
 * The images of the demo pod. Each role uses, in this order:
 *   1. the real image when it is present locally;
 *   2. the real image pulled (short timeout to start; we wait until the pull has finished);
 *   3. a stand-in built from this project's own sources (images/stand-in), FROM scratch:
 *      pause from pause.c (gcc -static), nginx and ghost from busybox-static.
 * POD_ANATOMY_IMAGES=stand-in skips 1-2, =real skips 3.
 *
 * The catalogue (lib/model/catalogue.ts) adds busybox, httpbin and curl; httpbin and curl
 * stand in as the plain busybox stand-in, to which the pod spec gives a command (a web
 * server on :80, sleep).
 */
type StandInRole = "pause" | "nginx" | "ghost" | "busybox";
const STAND_IN_OF: Record<CatalogueImageRole, StandInRole> = {
  pause: "pause",
  nginx: "nginx",
  ghost: "ghost",
  busybox: "busybox",
  httpbin: "busybox",
  curl: "busybox",
};

export const REAL_IMAGES: Record<CatalogueImageRole, string> = {
  pause: "registry.k8s.io/pause:3.10",
  nginx: "nginx:1.27-alpine",
  ghost: "ghost:5-alpine",
  busybox: "busybox:1.36",
  httpbin: "kennethreitz/httpbin:latest",
  curl: "curlimages/curl:8.11.1",
};

const STAND_IN_DIR = path.join(process.cwd(), "images", "stand-in");
const BUSYBOX = busyboxPath();

/** Files of each stand-in's build context (besides the binaries we produce). */
const STAND_IN_FILES: Record<StandInRole, string[]> = {
  pause: ["Dockerfile.pause", "pause.c"],
  nginx: ["Dockerfile.nginx"],
  ghost: ["Dockerfile.ghost", "blog.sh"],
  busybox: ["Dockerfile.busybox"],
};

export class ImageError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ImageError";
  }
}

type Mode = "auto" | "stand-in" | "real";

function imageMode(): Mode {
  const m = imagesSetting();
  if (m === "auto" || m === "stand-in" || m === "real") return m;
  throw new ImageError(`POD_ANATOMY_IMAGES=${m} is not understood.`, "Use auto, stand-in or real.");
}

/** Tag of a stand-in: a hash of its sources, so a changed source is rebuilt, never reused stale. */
function standInTag(role: StandInRole): string {
  const h = createHash("sha256");
  for (const f of STAND_IN_FILES[role]) h.update(fs.readFileSync(path.join(STAND_IN_DIR, f)));
  return `pod-anatomy/${role}-stand-in:${h.digest("hex").slice(0, 12)}`;
}

const run = promisify(execFile);

async function buildStandIn(docker: DockerClient, role: StandInRole, tag: string): Promise<void> {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), `pod-anatomy-${role}-`));
  try {
    const files = [...STAND_IN_FILES[role]];
    for (const f of files) fs.copyFileSync(path.join(STAND_IN_DIR, f), path.join(ctx, f));
    const prebuiltPause = pauseBinaryPath();
    if (role === "pause" && prebuiltPause !== undefined) {
      // The container image carries pause.c compiled with gcc -static at image-build time.
      if (!fs.existsSync(prebuiltPause)) {
        throw new ImageError(`No pause binary at ${prebuiltPause} (POD_ANATOMY_PAUSE).`, "Unset POD_ANATOMY_PAUSE to compile images/stand-in/pause.c with gcc, or point it at a static pause binary.");
      }
      fs.copyFileSync(prebuiltPause, path.join(ctx, "pause"));
      fs.chmodSync(path.join(ctx, "pause"), 0o755);
      files.push("pause");
    } else if (role === "pause") {
      try {
        await run("gcc", ["-static", "-O2", "-Wall", "-o", path.join(ctx, "pause"), path.join(ctx, "pause.c")], {
          timeout: 60_000,
        });
      } catch (err) {
        throw new ImageError(
          `Could not compile the pause stand-in: ${(err as Error).message.split("\n")[0]}`,
          "Install gcc and the static C library (on Debian: apt-get install -y gcc libc6-dev).",
        );
      }
      files.push("pause");
    } else {
      if (!fs.existsSync(BUSYBOX)) {
        throw new ImageError(
          `No static busybox at ${BUSYBOX} to build the ${role} stand-in.`,
          "Install it (on Debian: apt-get install -y busybox-static) or set POD_ANATOMY_BUSYBOX.",
        );
      }
      fs.copyFileSync(BUSYBOX, path.join(ctx, "busybox"));
      files.push("busybox");
    }
    await docker.buildImage(ctx, files, tag, `Dockerfile.${role}`, {
      [LABEL_APP]: LABEL_APP_VALUE,
      "io.pod-anatomy.stand-in-for": REAL_IMAGES[role],
    });
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/**
 * A failed pull is not retried for this long (in auto mode): with no registry, every create
 * would otherwise wait for it again — measured 5 s for a DNS timeout about one time in 12.
 */
const FAILED_PULL_MEMORY_MS = 10 * 60_000;
const failedPulls = new Map<string, { at: number; error: string }>();

/** Pulls `ref`, shown as it goes by the pull tracker (GET /api/pulls); null when pulled, else why not. */
async function tryPull(docker: DockerClient, ref: string, mode: Mode): Promise<string | null> {
  const tracker = getPullTracker();
  const onFailure = mode === "auto" ? "stand-in" : "error";
  const failed = failedPulls.get(ref);
  if (mode === "auto" && failed && Date.now() - failed.at < FAILED_PULL_MEMORY_MS) {
    tracker.remembered(ref, failed.error, onFailure);
    return failed.error;
  }
  const pull = tracker.begin(ref, onFailure);
  try {
    await docker.pullImage(ref, { startTimeoutMs: 8_000, totalTimeoutMs: 15 * 60_000, onProgress: (m) => tracker.report(pull, m) });
    failedPulls.delete(ref);
    tracker.end(pull, null);
    return null;
  } catch (err) {
    // The engine's own message when it sent one (docker.ts reports it), else the client's.
    const error = tracker.end(pull, (err as Error).message)?.message ?? (err as Error).message;
    failedPulls.set(ref, { at: Date.now(), error });
    return error;
  }
}

/** The image to run for a role: real if present or pullable, else the stand-in (built when missing). */
export async function resolveImage(docker: DockerClient, role: CatalogueImageRole): Promise<ResolvedImageRef> {
  const mode = imageMode();
  const real = REAL_IMAGES[role];
  let pullError: string | null = null;
  if (mode !== "stand-in") {
    if (await docker.imageExists(real)) return { ref: real, source: "real" };
    pullError = await tryPull(docker, real, mode);
    if (pullError === null) return { ref: real, source: "real" };
    if (mode === "real") {
      throw new ImageError(`Could not pull ${real}: ${pullError}`, "Check the registry is reachable, or use POD_ANATOMY_IMAGES=auto.");
    }
  }
  return ensureStandIn(docker, STAND_IN_OF[role]);
}

/** The stand-in of a role, built when missing. */
export async function ensureStandIn(docker: DockerClient, role: StandInRole): Promise<ResolvedImageRef> {
  const tag = standInTag(role);
  if (!(await docker.imageExists(tag))) await buildStandIn(docker, role, tag);
  return { ref: tag, source: "stand-in" };
}

/** What each image can run (see Tool in pod-spec.ts): the stand-ins are busybox-static with every applet. */
const STAND_IN_TOOLS: Record<StandInRole, Tool[]> = { pause: [], nginx: ["sh", "httpd"], ghost: ["sh", "httpd", "blog"], busybox: ["sh", "httpd"] };
const REAL_TOOLS: Record<CatalogueImageRole, Tool[]> = {
  pause: [],
  nginx: ["sh", "nginx"],
  ghost: ["sh", "ghost"],
  busybox: ["sh", "httpd"],
  httpbin: [],
  curl: ["sh"],
};

/**
 * The images a pod may be built from: every image present locally (what is known of the
 * real images and the stand-ins; nothing of others), plus the stand-ins not built yet.
 */
export async function imageChoices(docker: DockerClient): Promise<ImageChoice[]> {
  const tags = await docker.listImageTags();
  const choices: ImageChoice[] = tags.sort().map((ref) => {
    const standIn = /^pod-anatomy\/(pause|nginx|ghost|busybox)-stand-in:/.exec(ref)?.[1] as StandInRole | undefined;
    if (standIn) return { ref, source: "stand-in", role: standIn, tools: STAND_IN_TOOLS[standIn], present: true };
    const real = (Object.keys(REAL_IMAGES) as CatalogueImageRole[]).find((r) => REAL_IMAGES[r] === ref);
    if (real) return { ref, source: "real", role: real, tools: REAL_TOOLS[real], present: true };
    return { ref, source: "other", role: null, tools: [], present: true };
  });
  for (const role of Object.keys(STAND_IN_FILES) as StandInRole[]) {
    const ref = standInTag(role);
    if (!tags.includes(ref)) choices.push({ ref, source: "stand-in", role, tools: STAND_IN_TOOLS[role], present: false });
  }
  return choices;
}

/** Build the stand-ins a set of image refs names that are not built yet. */
export async function ensureChoicesPresent(docker: DockerClient, refs: readonly string[], choices: readonly ImageChoice[]): Promise<void> {
  for (const choice of choices) {
    if (!choice.present && refs.includes(choice.ref) && choice.role) await ensureStandIn(docker, choice.role as StandInRole);
  }
}
