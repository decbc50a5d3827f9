import "server-only";
import type { ContainerFacts, RuntimeKind } from "@/lib/model/types";
import { getRuntimeRegistry } from "./registry";
import type { PodOperations, RuntimeAdapter } from "./runtime";

/** A runtime that makes pods: with its PodOperations. */
export type PodMaker = RuntimeAdapter & { pods: PodOperations };

const START_HINTS: Record<RuntimeKind, string> = {
  docker: "Start a Docker engine (apt-get install -y docker.io, then dockerd), or point DOCKER_HOST at one.",
  cri: "Start containerd with its CRI plugin (npm run up does), or point CONTAINER_RUNTIME_ENDPOINT at a CRI socket.",
  podman: "Start Podman's API service: podman system service --time=0 unix:///run/podman/podman.sock (npm run up does).",
};

export class RuntimeUnavailableError extends Error {
  readonly hint: string;
  constructor(readonly kind: RuntimeKind) {
    super(`No ${kind === "cri" ? "CRI runtime" : kind === "podman" ? "Podman" : "Docker engine"} that can make pods is found on this host.`);
    this.name = "RuntimeUnavailableError";
    this.hint = START_HINTS[kind];
  }
}

/** The runtime of this kind that pods are made on; throws RuntimeUnavailableError when there is none. */
export function podMaker(kind: RuntimeKind): PodMaker {
  const runtime = getRuntimeRegistry().creator(kind);
  if (!runtime?.pods) throw new RuntimeUnavailableError(kind);
  return runtime as PodMaker;
}

/**
 * One of Pod Anatomy's pods, on whichever runtime made it: the first runtime whose labelled
 * containers include that pod. A runtime that does not answer is passed over; when no
 * runtime has the pod and one of them failed, that failure is thrown (it may hold the pod).
 */
export async function findOurPod(name: string): Promise<{ runtime: PodMaker; containers: ContainerFacts[] } | null> {
  const failures: { runtime: PodMaker; err: unknown }[] = [];
  for (const runtime of getRuntimeRegistry().list()) {
    if (!runtime.pods || runtime.node !== null) continue;
    const maker = runtime as PodMaker;
    try {
      const containers = await maker.pods.podContainers(name);
      if (containers.length > 0) return { runtime: maker, containers };
    } catch (err) {
      failures.push({ runtime: maker, err });
    }
  }
  if (failures[0]) throw new PodLookupError(failures[0].runtime, failures[0].err);
  return null;
}

/** Looking for a pod failed on a runtime that may hold it: `cause` is that runtime's error. */
export class PodLookupError extends Error {
  constructor(
    readonly runtime: PodMaker,
    override readonly cause: unknown,
  ) {
    super(runtime.explain(cause).message);
    this.name = "PodLookupError";
  }
}
