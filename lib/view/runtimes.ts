/**
 * Which runtimes the page offers, and how it names them. Pure: snapshot in, choices out.
 */
import { runtimeDisplayName, SANDBOX_WORD } from "@/lib/model/runtime-status";
import type { Container, ContainerRuntime, Pod, RuntimeKind, RuntimeStatus, Snapshot } from "@/lib/model/types";

/** The runtimes pods can be made on: answering, on this host (a nested node's runtime is only read). */
export function creatableRuntimes(snapshot: Pick<Snapshot, "runtimes"> | undefined): RuntimeStatus[] {
  const seen = new Set<RuntimeKind>();
  return (snapshot?.runtimes ?? []).filter((r) => r.state === "ok" && r.node === null && !seen.has(r.kind) && seen.add(r.kind));
}

/** The runtime chosen unless the user picks another: the one asked for if it can make pods, else Docker, else the first that can. */
export function chosenRuntime(choices: readonly RuntimeStatus[], wanted: RuntimeKind | null): RuntimeKind | null {
  if (wanted && choices.some((r) => r.kind === wanted)) return wanted;
  return choices.find((r) => r.kind === "docker")?.kind ?? choices[0]?.kind ?? null;
}

/** A pod's runtime in its own words: "Docker", "containerd (CRI)", "CRI-O", "Podman", "found in /proc". */
export function podRuntimeLabel(pod: Pick<Pod, "runtime">, sandbox: Pick<Container, "discoveredBy"> | undefined): string {
  if (sandbox?.discoveredBy === "procfs") return pod.runtime === "unknown" ? "found in /proc" : `${pod.runtime}, found in /proc`;
  return runtimeDisplayName(kindOf(pod.runtime), pod.runtime);
}

/** What the runtime calls the pod's sandbox: Podman's "infra container", the CRI's "pod sandbox (pause)". */
export function sandboxWord(runtime: ContainerRuntime): string {
  return SANDBOX_WORD[runtime];
}

function kindOf(runtime: ContainerRuntime): RuntimeKind {
  return runtime === "docker" || runtime === "unknown" ? "docker" : runtime === "podman" ? "podman" : "cri";
}
