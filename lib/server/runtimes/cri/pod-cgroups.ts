import "server-only";
import { removeEmptyCgroup } from "@/lib/server/cgroup-cleanup";

/**
 * The pod cgroup is the kubelet's, not the runtime's: with the cgroupfs driver runc creates
 * `/kubepods/burstable/pod<uid>` as the parent of the sandbox's and containers' cgroups, and
 * removes only those; the kubelet removes the pod cgroup once the pod is gone. Pod Anatomy,
 * standing in for the kubelet, does the same after RemovePodSandbox: an rmdir of the pod's
 * cgroup parent in every hierarchy (v1 controllers, the v2 / unified one). rmdir removes
 * only an empty cgroup, so a cgroup still in use is never touched. The systemd driver's
 * slices are systemd's to remove.
 */
export function removePodCgroup(cgroupParent: string, cgroupRoot = "/sys/fs/cgroup"): string[] {
  return removeEmptyCgroup(cgroupParent, { cgroupRoot });
}
