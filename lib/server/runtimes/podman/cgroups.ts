import "server-only";
import { fs, joinPath } from "@/lib/server/host-fs";

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
  if (!/^[0-9a-f]{64}$/.test(podId) || !/^(\/[a-zA-Z0-9][a-zA-Z0-9_.-]*){1,6}$/.test(cgroupParent)) return;
  const hierarchies: string[] = [];
  if (fs.existsSync(joinPath(cgroupRoot, "cgroup.controllers"))) hierarchies.push(cgroupRoot); // v2 alone
  else {
    for (const name of safeReaddir(cgroupRoot)) {
      const h = joinPath(cgroupRoot, name);
      if (isDir(h)) hierarchies.push(h);
    }
  }
  for (const h of hierarchies) {
    rmdirTree(`${h}${cgroupParent}/${podId}`);
    // A parent of the pod's own goes when empty; Podman's shared default stays.
    if (cgroupParent !== "/libpod_parent") tryRmdir(`${h}${cgroupParent}`);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function tryRmdir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    /* gone already, or still in use */
  }
}

function rmdirTree(dir: string, depth = 0): void {
  if (depth > 8 || !isDir(dir)) return;
  for (const name of safeReaddir(dir)) {
    const child = joinPath(dir, name);
    if (isDir(child)) rmdirTree(child, depth + 1);
  }
  tryRmdir(dir);
}
