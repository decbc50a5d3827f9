import "server-only";
import { fs, joinPath } from "./host-fs";

/**
 * Removing the empty cgroups a pod leaves behind: its cgroup parent (`--cgroup-parent /pod-…`,
 * the kubelet's `/kubepods/…/pod<uid>`), which no runtime removes, and what Podman leaves of a
 * pod's own cgroup. Only rmdir: the kernel refuses to remove a cgroup that still has processes
 * or children, so nothing in use can go; every failure (gone already, busy) is ignored.
 */

/** A cgroup path Pod Anatomy may remove: absolute, plain segments, no `..`; never a systemd slice (systemd's to remove). */
const REMOVABLE = /^(\/[a-zA-Z0-9][a-zA-Z0-9_.-]*){1,8}$/;

/** The hierarchies to look in: the unified one alone on cgroup v2, every mounted one on v1 and hybrid. */
function hierarchies(cgroupRoot: string): string[] {
  if (fs.existsSync(joinPath(cgroupRoot, "cgroup.controllers"))) return [cgroupRoot];
  try {
    return fs.readdirSync(cgroupRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => joinPath(cgroupRoot, e.name));
  } catch {
    return [];
  }
}

function tryRmdir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // gone already, or still in use
  }
}

function rmdirTree(dir: string, depth = 0): void {
  if (depth > 8) return;
  let children: string[] = [];
  try {
    children = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => joinPath(dir, e.name));
  } catch {
    return;
  }
  for (const child of children) rmdirTree(child, depth + 1);
  tryRmdir(dir);
}

/** rmdir `path` in every hierarchy (its empty children first when `tree`); the directories removed. */
export function removeEmptyCgroup(path: string, opts: { tree?: boolean; cgroupRoot?: string } = {}): string[] {
  if (!REMOVABLE.test(path) || path.endsWith(".slice")) return [];
  const removed: string[] = [];
  for (const h of hierarchies(opts.cgroupRoot ?? "/sys/fs/cgroup")) {
    const dir = h + path;
    if (!fs.existsSync(dir)) continue;
    if (opts.tree) rmdirTree(dir);
    else tryRmdir(dir);
    if (!fs.existsSync(dir)) removed.push(dir);
  }
  return removed;
}

/**
 * removeEmptyCgroup, tried again for a second while some hierarchy still holds `path`: a
 * container's own cgroups (name=systemd, the unified one on a hybrid host) are removed by the
 * runtime a moment after the container, and until then its parent is not empty.
 */
export async function removeEmptyCgroupSettled(path: string, opts: { cgroupRoot?: string } = {}): Promise<void> {
  const root = opts.cgroupRoot ?? "/sys/fs/cgroup";
  for (let attempt = 0; attempt < 10; attempt++) {
    removeEmptyCgroup(path, { cgroupRoot: root });
    if (!REMOVABLE.test(path) || !hierarchies(root).some((h) => fs.existsSync(h + path))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
