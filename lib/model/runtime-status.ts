/**
 * Runtime statuses: how each kind of runtime is named, and the conversions between the
 * Docker engine's status (Snapshot.engine, kept for the views and recordings made before
 * runtimes) and a RuntimeStatus. Pure.
 */
import type { ContainerRuntime, EngineStatus, RuntimeFailure, RuntimeKind, RuntimeStatus } from "./types";

/** The runtime's own name for the pod's sandbox: the words each runtime's documentation uses. */
export const SANDBOX_WORD: Record<ContainerRuntime, string> = {
  docker: "sandbox (pause) container",
  containerd: "pod sandbox (pause)",
  "cri-o": "pod sandbox (pause)",
  podman: "infra container",
  unknown: "sandbox (pause) container",
};

/** Display names: "Docker", "containerd (CRI)", "CRI-O", "Podman". */
export function runtimeDisplayName(kind: RuntimeKind, runtime: ContainerRuntime): string {
  if (kind === "docker") return "Docker";
  if (kind === "podman") return "Podman";
  if (runtime === "cri-o") return "CRI-O";
  if (runtime === "containerd") return "containerd (CRI)";
  return "CRI runtime";
}

/** A reachable runtime's status. */
export function runtimeOk(
  base: Pick<RuntimeStatus, "id" | "kind" | "runtime" | "endpoint" | "node">,
  version: string,
  apiVersion: string,
): RuntimeStatus {
  return { ...base, name: runtimeDisplayName(base.kind, base.runtime), state: "ok", version, apiVersion, reason: null, message: null, hint: null };
}

/** An unreachable runtime's status: why, and what to do. */
export function runtimeUnreachable(
  base: Pick<RuntimeStatus, "id" | "kind" | "runtime" | "endpoint" | "node">,
  failure: { reason: RuntimeFailure; message: string; hint: string },
): RuntimeStatus {
  return { ...base, name: runtimeDisplayName(base.kind, base.runtime), state: "unreachable", version: null, apiVersion: null, ...failure };
}

/** The Docker engine's status as Snapshot.engine says it. */
export function engineStatusOf(docker: RuntimeStatus): EngineStatus {
  if (docker.state === "ok") return { state: "ok", version: docker.version ?? "", apiVersion: docker.apiVersion ?? "", endpoint: docker.endpoint };
  const reason = docker.reason === null || docker.reason === "wrong-api" ? "error" : docker.reason;
  return { state: "unreachable", reason, endpoint: docker.endpoint, message: docker.message ?? "", hint: docker.hint ?? "" };
}

/**
 * Whether an unreachable runtime is worth a warning. The CRI and Podman are looked at only
 * where they are installed, asked for (CONTAINER_RUNTIME_ENDPOINT, CONTAINER_HOST) or have a
 * socket, so every failure of theirs is one — Podman installed with its API service not
 * running included. Docker is always looked at: its socket missing is a machine without
 * Docker, not a fault (EngineBanner speaks when no runtime answers at all).
 */
export function isRuntimeFault(status: RuntimeStatus): boolean {
  return status.state === "unreachable" && !(status.kind === "docker" && status.reason === "socket-missing");
}
