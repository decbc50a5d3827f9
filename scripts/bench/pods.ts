/**
 * Pods for the benchmark, made with the docker CLI exactly as the app plans its demo pod:
 * the catalogue entry "ghost-behind-nginx" → planPod → dockerRunArgs, the same `docker run`
 * commands the pod builder shows for it (images resolved as the server resolves them: real
 * when present or pullable, else the stand-ins, built when missing).
 */
import { randomUUID } from "node:crypto";
import { catalogueEntry, type CatalogueImageRole, type ResolvedImageRef } from "@/lib/model/catalogue";
import { dockerRunArgs } from "@/lib/model/docker-run-script";
import { planPod } from "@/lib/model/pod-plan";
import { LABEL_RUN } from "@/lib/model/types";
import type { DockerClient } from "@/lib/server/docker";
import { resolveImage } from "@/lib/server/images";
import { docker, mapLimit } from "./exec";

export const DEMO_ENTRY = "ghost-behind-nginx";

export interface PlannedPod {
  /** The pod's name (its io.pod-anatomy.pod label). */
  pod: string;
  /** Its containers' names, sandbox first. */
  names: string[];
  /** `docker run -d …` of each container, in creation order: the arguments after `docker`. */
  runs: string[][];
}

/** Plans demo pods with images resolved once; `hostPort` null publishes nothing (pods made in bulk). */
export type DemoPlanner = (suffix: string, hostPort: number | null) => PlannedPod;

export async function demoPlanner(client: DockerClient, runId: string): Promise<DemoPlanner> {
  const entry = catalogueEntry(DEMO_ENTRY);
  const images = new Map<CatalogueImageRole, ResolvedImageRef>();
  for (const role of entry.roles) images.set(role, await resolveImage(client, role));
  const sourceOf = (ref: string) => [...images.values()].find((i) => i.ref === ref)?.source ?? "other";
  return (suffix, hostPort) => {
    const [spec] = entry.pods({ suffix, uid: randomUUID(), hostPort: hostPort ?? undefined, image: (role) => images.get(role)! });
    if (!spec) throw new Error(`catalogue entry ${DEMO_ENTRY} made no pod`);
    const plan = planPod(
      { ...spec, port: hostPort === null ? null : spec.port },
      { sample: entry.id, sourceOf, extraLabels: { [LABEL_RUN]: runId } },
    );
    return { pod: spec.name, names: plan.map((c) => c.name), runs: plan.map(dockerRunArgs) };
  };
}

/** Make one pod: the sandbox first, then its members (they join its namespaces). */
export async function createPod(p: PlannedPod): Promise<void> {
  for (const args of p.runs) await docker(args);
}

/** Make many pods, a few at a time. */
export async function createPods(pods: PlannedPod[], parallel = 3): Promise<void> {
  await mapLimit(pods, parallel, createPod);
}

/** Remove containers by name or id (forced). */
export async function removeContainers(refs: string[]): Promise<void> {
  if (refs.length > 0) await docker(["rm", "-f", ...refs]);
}
