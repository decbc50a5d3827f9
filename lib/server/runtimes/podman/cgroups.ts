import "server-only";
import { removeEmptyCgroup } from "@/lib/server/cgroup-cleanup";

/**
 * What Podman leaves of a removed pod's cgroup, removed. Measured with Podman 4.3.1
 * (cgroupfs manager, cgroup v1 hybrid host): `DELETE /libpod/pods/<id>` removes the pod's
 * cgroup `<parent>/<pod id>` from the controllers' hierarchies, but not from the name=systemd
 * and the unified (v2) ones, nor a cgroup parent of the pod's own (`/pod-by-hand-…`).
 *
 * Only rmdir: the kernel refuses to remove a cgroup that still has processes or children,
 * so nothing in use can go. Depth first; every failure is ignored (gone already, busy).
 */
export function removePodCgroups(cgroupParent: string, podId: string, cgroupRoot = "/sys/fs/cgroup"): void {
  if (!/^[0-9a-f]{64}$/.test(podId)) return;
  removeEmptyCgroup(`${cgroupParent}/${podId}`, { tree: true, cgroupRoot });
  // A parent of the pod's own goes when empty; Podman's shared default stays.
  if (cgroupParent !== "/libpod_parent") removeEmptyCgroup(cgroupParent, { cgroupRoot });
}
