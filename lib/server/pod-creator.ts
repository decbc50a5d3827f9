import "server-only";
import { planPod, type PlannedContainer } from "@/lib/model/pod-plan";
import { imageIssues, specIssues, type FieldIssue, type ImageChoice, type PodSpec } from "@/lib/model/pod-spec";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import { catalogueSpecs } from "./catalogue-specs";
import type { ImageSource } from "@/lib/model/types";
import { runLabels } from "./config";
import { isPortInUse } from "./engine-errors";
import { deletePod, listPodContainers, PortInUseError } from "./pods";
import type { ContainerSpec, DockerClient } from "./docker";
import type { CreatedContainer, CreatedSpecPod } from "./runtimes/runtime";
import { ensureChoicesPresent, imageChoices, resolveImage } from "./images";
import { retryLeftoverSweep, whileCreating } from "./leftovers";

/**
 * Create pods from PodSpecs (lib/model/pod-spec.ts) on the engine, all or nothing.
 *
 * For each pod, as Kubernetes' dockershim did: the sandbox is created and started first;
 * then every other container is created (so the pod's size shows at once, and the phase
 * reads Init:0/n while the first init container runs); the init containers are started one
 * after the other, each waited for until it has exited 0; then the app containers start.
 * Every container carries our labels (app, pod, pod-size, role, image-source, sample, and
 * the test run's). On any failure every container of the pods of this request is removed,
 * by label.
 */

export class PodSpecError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    this.name = "PodSpecError";
  }
}

export class PodExistsError extends Error {
  constructor(readonly pod: string) {
    super(`A pod named ${pod} exists already.`);
    this.name = "PodExistsError";
  }
}

export class InitFailedError extends Error {
  constructor(
    readonly container: string,
    readonly exitCode: number,
  ) {
    super(`Init container ${container} exited with code ${exitCode}, so the pod cannot start.`);
    this.name = "InitFailedError";
  }
}


/** How long an init container may run before the pod is given up. */
const INIT_TIMEOUT_MS = 120_000;

export function toContainerSpec(c: PlannedContainer): ContainerSpec {
  return {
    name: c.name,
    image: c.image,
    entrypoint: c.entrypoint ? [c.entrypoint] : undefined,
    cmd: c.args ?? undefined,
    env: c.env,
    labels: c.labels,
    networkMode: c.networkMode ?? undefined,
    ipcMode: c.ipcMode ?? undefined,
    pidMode: c.pidMode ?? undefined,
    utsMode: c.utsMode ?? undefined,
    cgroupParent: c.cgroupParent ?? undefined,
    memoryBytes: c.memoryBytes ?? undefined,
    nanoCpus: c.nanoCpus ?? undefined,
    pidsLimit: c.pidsLimit ?? undefined,
    ports: c.port ? [c.port] : [],
    volumes: c.volumes.map((v) => ({ target: v.target, tmpfsSizeMi: v.tmpfsSizeMi ?? undefined })),
    volumesFrom: c.volumesFrom ? [c.volumesFrom] : undefined,
  };
}

/** Serialise pod creation: two clicks at once must not race for the same names or port. */
let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const result = queue.then(fn, fn);
  queue = result.catch(() => undefined);
  return result;
}

async function createPlanned(docker: DockerClient, pod: string, plan: readonly PlannedContainer[]): Promise<CreatedSpecPod> {
  const containers: CreatedContainer[] = [];
  const create = async (c: PlannedContainer) => {
    const id = await docker.createContainer(toContainerSpec(c));
    containers.push({ id, name: c.name, kind: c.kind, image: c.image });
    return id;
  };
  const [holder, ...rest] = plan;
  if (!holder) throw new Error("a pod has at least one container");
  await docker.startContainer(await create(holder));
  const ids: string[] = [];
  for (const c of rest) ids.push(await create(c));
  for (const [i, c] of rest.entries()) {
    if (c.kind !== "init") continue;
    await docker.startContainer(ids[i]!);
    const code = await docker.waitContainer(ids[i]!, INIT_TIMEOUT_MS);
    if (code !== 0) throw new InitFailedError(c.name, code);
  }
  for (const [i, c] of rest.entries()) if (c.kind !== "init") await docker.startContainer(ids[i]!);
  return { name: pod, containers };
}

/**
 * Create the pods, in order, all or nothing. `images` is the allow-list (images.ts
 * imageChoices): every image must be on it and able to run its container's command.
 * `sample` is the value of the sample label: a catalogue entry, or "builder".
 */
export function createPods(
  docker: DockerClient,
  specs: readonly PodSpec[],
  opts: { sample: string; images: readonly ImageChoice[] },
): Promise<CreatedSpecPod[]> {
  return serialised(async () => {
    const issues = specs.flatMap((s) => [...specIssues(s), ...imageIssues(s, opts.images)]);
    if (issues.length > 0) throw new PodSpecError(issues);
    for (const s of specs) if ((await listPodContainers(docker, s.name)).length > 0) throw new PodExistsError(s.name);
    const refs = specs.flatMap((s) => [
      ...(s.sandbox.kind === "none" ? [] : [s.sandbox.image]),
      ...s.initContainers.map((c) => c.image),
      ...s.containers.map((c) => c.image),
    ]);
    await ensureChoicesPresent(docker, refs, opts.images);
    const sourceOf = (ref: string): ImageSource => opts.images.find((i) => i.ref === ref)?.source ?? "other";
    const extraLabels = runLabels();

    const created: CreatedSpecPod[] = [];
    for (const spec of specs) {
      try {
        const plan = planPod(spec, { sample: opts.sample, sourceOf, extraLabels });
        created.push(await whileCreating(spec.name, () => createPlanned(docker, spec.name, plan)));
      } catch (err) {
        // Remove every pod of this request, by label: also a container the engine made
        // before the failure told us its id. When the engine itself went away, that fails
        // too: sweep by label once it answers again.
        for (const pod of [...created.map((p) => p.name), spec.name]) {
          await deletePod(docker, pod).catch(() => retryLeftoverSweep(docker));
        }
        if (spec.port && isPortInUse(err)) throw new PortInUseError(spec.port.hostPort);
        throw err;
      }
    }
    return created;
  });
}

/**
 * Create one instance of a catalogue entry (its pods), all or nothing. The demo pod of the
 * dashboard's "Create demo pod" button is the entry "ghost-behind-nginx".
 */
export async function createCatalogueEntry(
  docker: DockerClient,
  id: CatalogueEntryId,
  opts: { suffix?: string; hostPort?: number } = {},
): Promise<CreatedSpecPod[]> {
  const { entry, specs } = await catalogueSpecs(id, (role) => resolveImage(docker, role), opts);
  return createPods(docker, specs, { sample: entry.id, images: await imageChoices(docker) });
}
