import "server-only";
import { catalogueEntry, type CatalogueEntryId, type CatalogueImageRole, type ResolvedImageRef } from "@/lib/model/catalogue";
import { planPod } from "@/lib/model/pod-plan";
import { probeArgv } from "@/lib/model/pod-probes";
import { planEntrySteps, stepUid, type Step } from "@/lib/model/steps";
import { LABEL_RUN, type ImageSource } from "@/lib/model/types";
import { runId } from "./config";
import type { DockerClient } from "./docker";
import { ensureChoicesPresent, imageChoices, resolveImage } from "./images";
import { InitFailedError, toContainerSpec } from "./pod-creator";
import { listPodContainers } from "./pods";

/**
 * Step by step on Docker: the steps of a catalogue entry's instance (lib/model/steps.ts), and
 * running exactly one of them — the planned container of that step, created and started as
 * the whole pod would create it (same labels, the run's label), or one fixed probe.
 */

const INIT_TIMEOUT_MS = 120_000;
const EXEC_TIMEOUT_MS = 10_000;

export class StepError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "StepError";
  }
}

async function planned(docker: DockerClient, entryId: CatalogueEntryId, suffix: string, hostPort?: number) {
  const entry = catalogueEntry(entryId);
  const resolved = new Map<CatalogueImageRole, ResolvedImageRef>();
  for (const role of entry.roles) resolved.set(role, await resolveImage(docker, role));
  const specs = entry.pods({ suffix, uid: stepUid(suffix), hostPort, image: (role) => resolved.get(role)! });
  const choices = await imageChoices(docker);
  const sourceOf = (ref: string): ImageSource => choices.find((i) => i.ref === ref)?.source ?? "other";
  const run = runId();
  const plans = specs.map((spec) => planPod(spec, { sample: entry.id, sourceOf, extraLabels: run ? { [LABEL_RUN]: run } : {} }));
  return { plans, steps: planEntrySteps(plans), choices };
}

export async function entrySteps(docker: DockerClient, entryId: CatalogueEntryId, suffix: string, hostPort?: number): Promise<(Step & { pod: string })[]> {
  return (await planned(docker, entryId, suffix, hostPort)).steps;
}

export interface StepRun {
  step: Step & { pod: string };
  /** The container created (container steps). */
  containerId: string | null;
  /** What a probe printed. */
  output: string | null;
  exitCode: number | null;
}

/** Run step `index` of the instance `suffix`: refused when its container exists already, or a probe's container is not running. */
export async function runStep(docker: DockerClient, entryId: CatalogueEntryId, suffix: string, index: number, hostPort?: number): Promise<StepRun> {
  const { plans, steps, choices } = await planned(docker, entryId, suffix, hostPort);
  const step = steps[index];
  if (!step) throw new StepError(404, `${entryId} has ${steps.length} steps: there is no step ${index + 1}`);
  const existing = await listPodContainers(docker, step.pod);
  if (step.kind === "container") {
    const c = plans.flat().find((p) => p.name === step.container)!;
    if (existing.some((e) => e.name === c.name)) throw new StepError(409, `${c.name} exists already: this step has been run`);
    await ensureChoicesPresent(docker, [c.image], choices);
    const id = await docker.createContainer(toContainerSpec(c));
    try {
      await docker.startContainer(id);
      if (c.kind === "init") {
        const code = await docker.waitContainer(id, INIT_TIMEOUT_MS);
        if (code !== 0) throw new InitFailedError(c.name, code);
      }
    } catch (err) {
      await docker.removeContainer(id).catch(() => undefined); // this step made it: it goes
      throw err;
    }
    return { step, containerId: id, output: null, exitCode: c.kind === "init" ? 0 : null };
  }
  const target = existing.find((e) => e.name === step.container);
  if (!target || target.state !== "running") throw new StepError(409, `${step.container} is not running: run the steps before this one first`);
  const argv = step.kind === "probe-ps" ? probeArgv({ probe: "ps", container: step.container }) : probeArgv({ probe: "fetch", container: step.container, port: step.port ?? 80 });
  const r = await docker.exec(target.id, argv, { timeoutMs: EXEC_TIMEOUT_MS, maxBytes: 16 * 1024 });
  return { step, containerId: null, output: r.stdout + r.stderr, exitCode: r.exitCode };
}
