import "server-only";
import { catalogueEntry, type CatalogueEntryId, type CatalogueImageRole, type ResolvedImageRef } from "@/lib/model/catalogue";
import { planPod } from "@/lib/model/pod-plan";
import { probeArgv } from "@/lib/model/pod-probes";
import { planEntrySteps, stepUid, type EntryStep, type StepRun } from "@/lib/model/steps";
import type { ContainerFacts, ImageSource } from "@/lib/model/types";
import { stepwiseLabels } from "./config";
import type { DockerClient } from "./docker";
import { ensureChoicesPresent, imageChoices, resolveImage } from "./images";
import { InitFailedError, toContainerSpec } from "./pod-creator";
import { listPodContainers } from "./pods";
import type { ExecResult, StepInstance } from "./runtimes/runtime";

/**
 * Step by step: what every runtime's single-step operation shares (the step looked up, the
 * probe run in its container, the refusals), and Docker's own — the planned container of
 * that step created and started as the whole pod would create it (same labels, the run's
 * label). The CRI's and Podman's live in their adapters.
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

/** Step `index`, or a 404 saying how many there are. */
export function pickStep(entryId: CatalogueEntryId, steps: readonly EntryStep[], index: number): EntryStep {
  const step = steps[index];
  if (!step) throw new StepError(404, `${entryId} has ${steps.length} steps: there is no step ${index + 1}`);
  return step;
}

/** Refused when the step's container exists already (by the name the runtime knows it by). */
export function refuseIfMade(step: EntryStep, existing: readonly ContainerFacts[]): void {
  if (existing.some((e) => e.name === step.container)) throw new StepError(409, `${step.container} exists already: this step has been run`);
}

/** A probe step: its fixed argv in its running container, through the runtime's exec. */
export async function runProbeStep(
  step: EntryStep,
  existing: readonly ContainerFacts[],
  exec: (containerId: string, argv: string[], opts: { timeoutMs: number; maxBytes: number }) => Promise<ExecResult>,
): Promise<StepRun> {
  const target = existing.find((e) => e.name === step.container && !e.pod?.isSandbox);
  if (!target || target.state !== "running") throw new StepError(409, `${step.container} is not running: run the steps before this one first`);
  const argv = step.kind === "probe-ps" ? probeArgv({ probe: "ps", container: step.container }) : probeArgv({ probe: "fetch", container: step.container, port: step.port ?? 80 });
  const r = await exec(target.id, argv, { timeoutMs: EXEC_TIMEOUT_MS, maxBytes: 16 * 1024 });
  return { step, containerId: null, output: r.stdout + r.stderr, exitCode: r.exitCode };
}

// ---------------------------------------------------------------------------------------
// Docker
// ---------------------------------------------------------------------------------------

async function planned(docker: DockerClient, entryId: CatalogueEntryId, { suffix, hostPort }: StepInstance) {
  const entry = catalogueEntry(entryId);
  const resolved = new Map<CatalogueImageRole, ResolvedImageRef>();
  for (const role of entry.roles) resolved.set(role, await resolveImage(docker, role));
  const specs = entry.pods({ suffix, uid: stepUid(suffix), hostPort, image: (role) => resolved.get(role)! });
  const choices = await imageChoices(docker);
  const sourceOf = (ref: string): ImageSource => choices.find((i) => i.ref === ref)?.source ?? "other";
  const plans = specs.map((spec) => planPod(spec, { sample: entry.id, sourceOf, extraLabels: stepwiseLabels() }));
  return { plans, steps: planEntrySteps(plans), choices };
}

export async function dockerEntrySteps(docker: DockerClient, entryId: CatalogueEntryId, instance: StepInstance): Promise<EntryStep[]> {
  return (await planned(docker, entryId, instance)).steps;
}

/** Run step `index` on Docker: refused when its container exists already, or a probe's container is not running. */
export async function dockerRunStep(docker: DockerClient, entryId: CatalogueEntryId, instance: StepInstance, index: number): Promise<StepRun> {
  const { plans, steps, choices } = await planned(docker, entryId, instance);
  const step = pickStep(entryId, steps, index);
  const existing = await listPodContainers(docker, step.pod);
  if (step.kind !== "container") return runProbeStep(step, existing, (id, argv, opts) => docker.exec(id, argv, opts));
  refuseIfMade(step, existing);
  const c = plans.flat().find((p) => p.name === step.container)!;
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
