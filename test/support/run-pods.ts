/**
 * Removing what a test run made on the CRI and on Podman, by the run's label
 * (io.pod-anatomy.run=$POD_ANATOMY_RUN_ID): also what a failed test left.
 */
import { execFileSync } from "node:child_process";
import { verboseInfo } from "@/lib/model/cri-facts";
import { LABEL_RUN } from "@/lib/model/types";
import type { CriClient } from "@/lib/server/runtimes/cri/client";
import { removePodCgroup } from "@/lib/server/runtimes/cri/pod-cgroups";

export const PODMAN_SOCKET = "/run/podman/podman.sock";

/** The podman CLI against Podman's API service (the one the server asks), output trimmed. */
export const podman = (...args: string[]): string =>
  execFileSync("podman", ["--url", `unix://${PODMAN_SOCKET}`, ...args], { encoding: "utf8", timeout: 60_000 }).trim();

/** Every sandbox of the run with its containers, and the pod cgroup each sandbox had. */
export async function removeCriRun(client: CriClient, runId: string): Promise<void> {
  const sel = { label_selector: { [LABEL_RUN]: runId } };
  for (const c of await client.listContainers(sel)) {
    await client.stopContainer(c.id, 1).catch(() => undefined);
    await client.removeContainer(c.id).catch(() => undefined);
  }
  for (const s of await client.listPodSandbox(sel)) {
    const info = verboseInfo((await client.podSandboxStatus(s.id).catch(() => null))?.info);
    const parent = (info.config as { linux?: { cgroup_parent?: string } } | undefined)?.linux?.cgroup_parent;
    await client.stopPodSandbox(s.id).catch(() => undefined);
    await client.removePodSandbox(s.id).catch(() => undefined);
    if (parent) removePodCgroup(parent);
  }
}

/** Every Podman pod of the run, with its containers. */
export function removePodmanRun(runId: string): void {
  const pods = podman("pod", "ps", "-q", "--filter", `label=${LABEL_RUN}=${runId}`).split("\n").filter(Boolean);
  if (pods.length > 0) podman("pod", "rm", "-f", "-t", "0", ...pods);
}
