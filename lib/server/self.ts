import "server-only";
import { hostname as osHostname } from "node:os";
import type { PrivilegeFacts } from "@/lib/model/container-privileges";
import { containerIdFromCgroups, parseCgroupFile } from "@/lib/model/parse-proc";
import type { CgroupEntry, CgroupVersion, HostFacts } from "@/lib/model/types";
import { inContainerSetting } from "./config";
import { fs, joinPath } from "./host-fs";
import { readNamespaces } from "./procfs";

/**
 * Pod Anatomy's own process, for when it runs in a container (the image, a Kubernetes pod):
 * which container it is (its cgroup path names it, with --cgroupns host), and what of the
 * host it can see — the facts privilegeWarnings (lib/model/container-privileges.ts) turns
 * into "add --cap-add SYS_PTRACE" and the like.
 */
export interface SelfReading {
  /** HostFacts.self: null when not in a container. */
  self: HostFacts["self"];
  /** The host's hostname when ours is not the host's (own uts namespace): /proc/1/root/etc/hostname (or PID 2's). */
  hostHostname: string | null;
  privileges: Omit<PrivilegeFacts, "runtimes">;
}

function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Is this process in a container: the image says so, or a runtime's marker file is there. */
function inContainer(): boolean {
  return inContainerSetting() || fs.existsSync("/.dockerenv") || fs.existsSync("/run/.containerenv");
}

/** The directory of our own cgroup in the mounted tree (memory hierarchy on v1/hybrid, the unified one on v2). */
function ownCgroupDir(entries: CgroupEntry[], cgroupRoot: string, version: CgroupVersion): string | null {
  if (version === "v2") {
    const e = entries.find((x) => x.hierarchyId === 0);
    return e ? joinPath(cgroupRoot, e.path) : null;
  }
  const e = entries.find((x) => x.controllers.includes("memory"));
  return e ? joinPath(cgroupRoot, e.controllers.join(","), e.path) : null;
}

export function readSelf(opts: { procRoot: string; cgroupRoot: string; host: HostFacts }): SelfReading {
  const { procRoot, cgroupRoot, host } = opts;
  const contained = inContainer();
  const own = readText(joinPath(procRoot, "self", "cgroup"));
  const entries = own === null ? [] : parseCgroupFile(own);
  const ownNs = readNamespaces(process.pid, procRoot);
  const kthreadd = readText(joinPath(procRoot, "2", "status"));
  const hostPidNamespace = kthreadd !== null && /^Name:\s*kthreadd$/m.test(kthreadd);
  const hostNamespacesReadable = Object.keys(host.namespaces).length > 0;
  const hostUts = host.namespaces.uts !== undefined && ownNs.uts !== undefined ? host.namespaces.uts === ownNs.uts : null;
  const hostCgroupNamespace = entries.length > 0 && entries.some((e) => e.path !== "/");
  const dir = ownCgroupDir(entries, cgroupRoot, host.cgroupVersion);
  const hostCgroupTree = dir !== null && fs.existsSync(dir);
  let hostHostname: string | null = null;
  if (contained && hostUts !== true) {
    // Needs the same ptrace access as the ns links; else the container's own name stays.
    // From PID 1's root, or kthreadd's (PID 2) where PID 1 is unreadable (host.namespacesFrom).
    hostHostname = readText(joinPath(procRoot, String(host.namespacesFrom), "root", "etc", "hostname"))?.trim() || null;
  }
  return {
    self: contained ? { containerId: containerIdFromCgroups(entries), hostname: osHostname() } : null,
    hostHostname,
    privileges: { inContainer: contained, hostPidNamespace, hostNamespacesReadable, hostCgroupNamespace, hostCgroupTree, hostUts },
  };
}
