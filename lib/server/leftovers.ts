import "server-only";
import { findHalfMadePods } from "@/lib/model/half-made-pods";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, LABEL_RUN } from "@/lib/model/types";
import { runId } from "./config";
import type { DockerClient } from "./docker";
import { explainEngineError } from "./engine-errors";
import { removePodContainers } from "./pods";
import type { RuntimeAdapter } from "./runtimes/runtime";
import { processSingleton } from "./singleton";

/**
 * Half-made pods are found by label and removed:
 *   - at start-up (instrumentation.ts): what a daemon crash or a killed server left behind;
 *   - after a creation that failed and whose own clean-up failed too (the engine went away
 *     half-way): retried with backoff until the engine answers again and the sweep succeeds.
 * With POD_ANATOMY_RUN_ID set (tests), only that run's containers are looked at, so test
 * servers sharing one engine never remove each other's pods while they are being made.
 */

interface LeftoverState {
  /** Pods this server is creating right now: not half-made, merely unfinished. */
  creating: Set<string>;
  /** A retry loop is scheduled or running. */
  retrying: boolean;
  /** A sweep was asked for since the running attempt started. */
  requested: boolean;
}

/** Kept on globalThis: instrumentation and every route bundle share one state. */
function state(): LeftoverState {
  return processSingleton<LeftoverState>("__podAnatomyLeftovers", () => ({ creating: new Set(), retrying: false, requested: false }));
}

/** Run `make` while `pod` counts as being created, so no sweep takes it for a leftover. */
export async function whileCreating<T>(pod: string, make: () => Promise<T>): Promise<T> {
  const { creating } = state();
  creating.add(pod);
  try {
    return await make();
  } finally {
    creating.delete(pod);
  }
}

export interface RemovedPod {
  pod: string;
  removed: string[];
}

/** Find our half-made pods by label and remove every container of each (members first). */
export async function removeHalfMadePods(docker: DockerClient): Promise<RemovedPod[]> {
  const run = runId();
  const containers = await docker.listContainers({
    labels: [`${LABEL_APP}=${LABEL_APP_VALUE}`, ...(run ? [`${LABEL_RUN}=${run}`] : [])],
  });
  const removed: RemovedPod[] = [];
  for (const pod of findHalfMadePods(containers, state().creating)) {
    const names = await removePodContainers(docker, containers.filter((c) => c.labels[LABEL_POD] === pod));
    removed.push({ pod, removed: names });
    console.info(`[pod-anatomy] removed half-made pod ${pod}: ${names.join(", ")}`);
  }
  return removed;
}

/** Waits between attempts while the engine does not answer: quick at first, then every 30 s. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/** Sweep soon, and again with backoff until a sweep succeeds. One loop at a time; asking again while it runs is remembered. */
export function retryLeftoverSweep(docker: DockerClient): void {
  const s = state();
  s.requested = true;
  if (s.retrying) return;
  s.retrying = true;
  const attempt = (n: number) => {
    setTimeout(() => {
      s.requested = false;
      removeHalfMadePods(docker).then(
        () => {
          if (s.requested) attempt(0);
          else s.retrying = false;
        },
        (err) => {
          if (n === 0) {
            console.warn(`[pod-anatomy] half-made pods not removed yet: ${explainEngineError(err, docker.endpoint).message} Retrying with backoff.`);
          }
          attempt(n + 1);
        },
      );
    }, BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]).unref();
  };
  attempt(0);
}

/**
 * The same sweep on a runtime with pods of its own (the CRI, Podman): its sandboxes and
 * containers carry the same labels, and a half-made pod is removed with its sandbox, its
 * network namespace and its cgroups (PodOperations.deletePod).
 */
export async function removeHalfMadeRuntimePods(runtime: RuntimeAdapter): Promise<RemovedPod[]> {
  if (!runtime.pods || runtime.node !== null) return [];
  const run = runId();
  const ours = (await runtime.containers()).filter((c) => c.labels[LABEL_APP] === LABEL_APP_VALUE && (!run || c.labels[LABEL_RUN] === run));
  const removed: RemovedPod[] = [];
  for (const pod of findHalfMadePods(ours, state().creating)) {
    const names = await runtime.pods.deletePod(pod);
    removed.push({ pod, removed: names });
    console.info(`[pod-anatomy] removed half-made ${runtime.id} pod ${pod}: ${names.join(", ")}`);
  }
  return removed;
}

/**
 * At server start-up: remove what an earlier crash left, on Docker (when the engine does
 * not answer yet, keep trying) and on every other runtime found that answers.
 */
export async function removeLeftoversAtStartup(docker: DockerClient, others: readonly RuntimeAdapter[] = []): Promise<void> {
  try {
    await removeHalfMadePods(docker);
  } catch (err) {
    console.warn(
      `[pod-anatomy] could not look for half-made pods at start-up: ${explainEngineError(err, docker.endpoint).message} Retrying with backoff.`,
    );
    retryLeftoverSweep(docker);
  }
  for (const runtime of others) {
    if (runtime.kind === "docker") continue;
    await removeHalfMadeRuntimePods(runtime).catch((err: unknown) =>
      console.warn(`[pod-anatomy] could not look for half-made pods on ${runtime.id} at start-up: ${runtime.explain(err).message}`),
    );
  }
}
