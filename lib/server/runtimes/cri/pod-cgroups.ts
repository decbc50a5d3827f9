import "server-only";
import { fs, joinPath } from "@/lib/server/host-fs";

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
  if (!/^(\/[a-zA-Z0-9][a-zA-Z0-9_.-]*)+$/.test(cgroupParent) || cgroupParent.endsWith(".slice")) return [];
  const removed: string[] = [];
  const hierarchies: string[] = [];
  try {
    if (fs.existsSync(joinPath(cgroupRoot, "cgroup.controllers"))) hierarchies.push(cgroupRoot); // v2
    else {
      for (const e of fs.readdirSync(cgroupRoot, { withFileTypes: true })) if (e.isDirectory()) hierarchies.push(joinPath(cgroupRoot, e.name));
    }
  } catch {
    return [];
  }
  for (const h of hierarchies) {
    const dir = h + cgroupParent;
    try {
      fs.rmdirSync(dir);
      removed.push(dir);
    } catch {
      // ENOENT (not in this hierarchy), EBUSY / ENOTEMPTY (still in use): left as it is.
    }
  }
  return removed;
}
