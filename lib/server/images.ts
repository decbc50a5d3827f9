import "server-only";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { LABEL_APP, LABEL_APP_VALUE, type ImageSource } from "@/lib/model/types";
import type { DockerClient } from "./docker";
import { fs } from "./host-fs";

/**
 * The images of the demo pod. Each role uses, in this order:
 *   1. the real image when it is present locally;
 *   2. the real image pulled (short timeout to start; we wait until the pull has finished);
 *   3. a stand-in built from this project's own sources (images/stand-in), FROM scratch:
 *      pause from pause.c (gcc -static), nginx and ghost from busybox-static.
 * POD_ANATOMY_IMAGES=stand-in skips 1-2, =real skips 3.
 */
export type ImageRole = "pause" | "nginx" | "ghost";

export interface ResolvedImage {
  ref: string;
  source: Exclude<ImageSource, "other">;
}

export const REAL_IMAGES: Record<ImageRole, string> = {
  pause: "registry.k8s.io/pause:3.10",
  nginx: "nginx:1.27-alpine",
  ghost: "ghost:5-alpine",
};

const STAND_IN_DIR = path.join(process.cwd(), "images", "stand-in");
const BUSYBOX = process.env.POD_ANATOMY_BUSYBOX ?? "/bin/busybox";

/** Files of each stand-in's build context (besides the binaries we produce). */
const STAND_IN_FILES: Record<ImageRole, string[]> = {
  pause: ["Dockerfile.pause", "pause.c"],
  nginx: ["Dockerfile.nginx"],
  ghost: ["Dockerfile.ghost", "blog.sh"],
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
  const m = process.env.POD_ANATOMY_IMAGES ?? "auto";
  if (m === "auto" || m === "stand-in" || m === "real") return m;
  throw new ImageError(`POD_ANATOMY_IMAGES=${m} is not understood.`, "Use auto, stand-in or real.");
}

/** Tag of a stand-in: a hash of its sources, so a changed source is rebuilt, never reused stale. */
function standInTag(role: ImageRole): string {
  const h = createHash("sha256");
  for (const f of STAND_IN_FILES[role]) h.update(fs.readFileSync(path.join(STAND_IN_DIR, f)));
  return `pod-anatomy/${role}-stand-in:${h.digest("hex").slice(0, 12)}`;
}

const run = promisify(execFile);

async function buildStandIn(docker: DockerClient, role: ImageRole, tag: string): Promise<void> {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), `pod-anatomy-${role}-`));
  try {
    const files = [...STAND_IN_FILES[role]];
    for (const f of files) fs.copyFileSync(path.join(STAND_IN_DIR, f), path.join(ctx, f));
    if (role === "pause") {
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

async function tryPull(docker: DockerClient, ref: string): Promise<string | null> {
  try {
    await docker.pullImage(ref, { startTimeoutMs: 8_000, totalTimeoutMs: 15 * 60_000 });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The image to run for a role: real if present or pullable, else the stand-in (built when missing). */
export async function resolveImage(docker: DockerClient, role: ImageRole): Promise<ResolvedImage> {
  const mode = imageMode();
  const real = REAL_IMAGES[role];
  let pullError: string | null = null;
  if (mode !== "stand-in") {
    if (await docker.imageExists(real)) return { ref: real, source: "real" };
    pullError = await tryPull(docker, real);
    if (pullError === null) return { ref: real, source: "real" };
    if (mode === "real") {
      throw new ImageError(`Could not pull ${real}: ${pullError}`, "Check the registry is reachable, or use POD_ANATOMY_IMAGES=auto.");
    }
  }
  const tag = standInTag(role);
  if (!(await docker.imageExists(tag))) await buildStandIn(docker, role, tag);
  return { ref: tag, source: "stand-in" };
}
