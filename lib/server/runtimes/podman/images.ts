import "server-only";
import { spawn } from "node:child_process";
import type { CatalogueImageRole, ResolvedImageRef } from "@/lib/model/catalogue";
import type { ImageChoice } from "@/lib/model/pod-spec";
import type { DockerClient } from "@/lib/server/docker";
import { ImageError, imageChoices as dockerImageChoices, resolveImage } from "@/lib/server/images";
import { LibpodHttpError, TIMEOUTS, type LibpodClient } from "./client";

/**
 * Images for Podman pods without a registry. The stand-ins (and any real image Docker has)
 * are built or found by lib/server/images.ts in Docker, then copied into Podman's image
 * store: `docker save REF` streamed into POST /libpod/images/load. Podman names an image
 * loaded from a Docker archive after its repository tag, normalised to docker.io/…, and a
 * short name (pod-anatomy/busybox-stand-in:…) finds it again.
 */

/** Whether Podman's store has `ref` (GET /libpod/images/<ref>/exists: 204 or 404). */
export async function podmanImageExists(podman: LibpodClient, ref: string): Promise<boolean> {
  try {
    await podman.get(`/images/${encodeURIComponent(ref)}/exists`, { timeoutMs: TIMEOUTS.list });
    return true;
  } catch (err) {
    if (err instanceof LibpodHttpError && err.status === 404) return false;
    throw err;
  }
}

/** Copy `ref` from Docker's image store into Podman's: docker save | POST /libpod/images/load. */
export async function loadFromDocker(podman: LibpodClient, ref: string): Promise<void> {
  const save = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  save.stderr.setEncoding("utf8");
  save.stderr.on("data", (c: string) => {
    if (stderr.length < 4000) stderr += c;
  });
  const exited = new Promise<number>((resolve, reject) => {
    save.on("error", reject);
    save.on("close", (code) => resolve(code ?? -1));
  });
  let loadError: unknown = null;
  try {
    await podman.postStream("/images/load", save.stdout, "application/x-tar", TIMEOUTS.load);
  } catch (err) {
    loadError = err;
    save.kill();
  }
  const code = await exited.catch((err: Error) => {
    throw new ImageError(
      `Could not run docker save to copy ${ref} into Podman: ${err.message}`,
      "The stand-in images are built with Docker: install docker.io and start dockerd, or load the image into Podman yourself (podman load).",
    );
  });
  if (code !== 0) {
    throw new ImageError(
      `docker save ${ref} failed (exit ${code}): ${stderr.trim().split("\n")[0] ?? ""}`,
      "The image must be in Docker's store to be copied into Podman's: check `docker images`.",
    );
  }
  if (loadError) {
    throw new ImageError(
      `Podman could not load ${ref}: ${(loadError as Error).message}`,
      "Check Podman's service log, or load it yourself: docker save REF | podman load.",
    );
  }
  if (!(await podmanImageExists(podman, ref))) {
    throw new ImageError(`Podman loaded ${ref} but does not find it by that name.`, "Check `podman images`.");
  }
}

/** Make sure Podman has `ref`: present, or copied from Docker. */
export async function ensureInPodman(podman: LibpodClient, ref: string): Promise<void> {
  if (await podmanImageExists(podman, ref)) return;
  await loadFromDocker(podman, ref);
}

/** The image of a catalogue role for Podman: resolved as for Docker (real or stand-in), then copied into Podman when missing. */
export async function resolvePodmanImage(podman: LibpodClient, docker: DockerClient | null, role: CatalogueImageRole): Promise<ResolvedImageRef> {
  if (!docker) {
    throw new ImageError(
      `No Docker engine to build the ${role} stand-in for Podman.`,
      "The stand-in images are built with Docker (docker.io, dockerd), then loaded into Podman: start Docker, or load the images into Podman yourself.",
    );
  }
  const resolved = await resolveImage(docker, role);
  await ensureInPodman(podman, resolved.ref);
  return resolved;
}

/** The tags of Podman's image store (GET /libpod/images/json), without <none>. */
export async function podmanImageTags(podman: LibpodClient): Promise<string[]> {
  const list = (await podman.get("/images/json", { timeoutMs: TIMEOUTS.list })) as { RepoTags?: string[] | null; Names?: string[] | null }[] | null;
  const tags = new Set<string>();
  for (const image of list ?? []) for (const t of image.RepoTags ?? image.Names ?? []) if (!t.includes("<none>")) tags.add(t);
  return [...tags].sort();
}

/**
 * The name the rest of Pod Anatomy knows an image by: Podman names an image loaded from a
 * Docker archive localhost/pod-anatomy/x:y (measured, 4.3.1) or docker.io/…; the short
 * name finds it again. docker.io/library/busybox:1.36 → busybox:1.36.
 */
export function shortImageName(ref: string): string {
  return ref.replace(/^localhost\/(?=pod-anatomy\/)/, "").replace(/^docker\.io\/library\//, "").replace(/^docker\.io\//, "");
}

/**
 * The allow-list for the builder on Podman: the images Podman has (under their short
 * names), the stand-ins and real images Docker knows (present or to be built; they are
 * copied into Podman when a pod uses them), and Podman's own infra image as a pause.
 */
export async function podmanImageChoices(podman: LibpodClient, docker: DockerClient | null): Promise<ImageChoice[]> {
  const podmanTags = (await podmanImageTags(podman)).map(shortImageName);
  const fromDocker = docker ? await dockerImageChoices(docker).catch(() => [] as ImageChoice[]) : [];
  const byRef = new Map<string, ImageChoice>();
  for (const c of fromDocker) if (c.source !== "other") byRef.set(c.ref, c);
  for (const ref of podmanTags) {
    const known = byRef.get(ref);
    if (known) byRef.set(ref, { ...known, present: true });
    else if (/^localhost\/podman-pause:/.test(ref)) byRef.set(ref, { ref, source: "real", role: "pause", tools: [], present: true });
    else byRef.set(ref, { ref, source: "other", role: null, tools: [], present: true });
  }
  return [...byRef.values()].sort((a, b) => a.ref.localeCompare(b.ref));
}
