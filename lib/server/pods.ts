import "server-only";
import { removalOrder } from "@/lib/model/half-made-pods";
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, type ContainerFacts } from "@/lib/model/types";
import { removeEmptyCgroupSettled } from "./cgroup-cleanup";
import type { DockerClient } from "./docker";

/** The pods Pod Anatomy made: found by its labels, and only those are ever touched. */

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Host port ${port} is already in use, so the pod's sandbox cannot publish it. ` +
        `Delete the pod that holds it (the demo pod uses ${port}), or stop whatever listens on ${port}.`,
    );
    this.name = "PortInUseError";
  }
}

/** The containers of one of our pods. */
export function listPodContainers(docker: DockerClient, pod: string): Promise<ContainerFacts[]> {
  return docker.listContainers({ labels: [`${LABEL_APP}=${LABEL_APP_VALUE}`, `${LABEL_POD}=${pod}`] });
}

/**
 * Remove containers of one pod, members first, sandbox last; their names, in that order.
 * Then the pod's cgroup parent (`--cgroup-parent /pod-…`), which Docker leaves behind: removed
 * when empty, in every hierarchy.
 */
export async function removePodContainers(docker: DockerClient, containers: ContainerFacts[]): Promise<string[]> {
  const order = removalOrder(containers);
  for (const c of order) await docker.removeContainer(c.id);
  for (const parent of new Set(containers.map((c) => c.cgroupParent).filter(Boolean))) await removeEmptyCgroupSettled(parent);
  return order.map((c) => c.name);
}

/** Remove every container of one of our pods. */
export async function deletePod(docker: DockerClient, pod: string): Promise<string[]> {
  return removePodContainers(docker, await listPodContainers(docker, pod));
}
