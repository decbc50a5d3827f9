import type { RuntimeStatus, Warning } from "./types";

/**
 * When Pod Anatomy runs in a container, what it can see of the host depends on the run
 * options it was given. These are the facts the adapters read about its own process
 * (lib/server/self.ts), and the one rule that turns a missing privilege into a warning
 * naming the option to add — instead of an empty host.
 */
export interface PrivilegeFacts {
  /** It runs in a container (the image sets POD_ANATOMY_IN_CONTAINER; /.dockerenv, /run/.containerenv). */
  inContainer: boolean;
  /** Its /proc is the host's: PID 2 is kthreadd (`--pid host`, Kubernetes `hostPID: true`). */
  hostPidNamespace: boolean;
  /** The host's namespace links (of PID 1 or 2) could be read: needs CAP_SYS_PTRACE, and no AppArmor profile forbidding ptrace reads. */
  hostNamespacesReadable: boolean;
  /** Its own cgroup path (/proc/self/cgroup) is the host's, not "/" (`--cgroupns host`). */
  hostCgroupNamespace: boolean;
  /** Its own cgroup directory exists under the mounted cgroup root: the mount is the host's tree (`-v /sys/fs/cgroup:/sys/fs/cgroup:ro`). */
  hostCgroupTree: boolean;
  /** Its uts namespace is the host's (`--uts host`): the hostname shown is the host's. null: not known. */
  hostUts: boolean | null;
  /** Every runtime looked for, as the registry reports it (a missing socket is reason "socket-missing"). */
  runtimes: Pick<RuntimeStatus, "kind" | "name" | "endpoint" | "reason" | "state">[];
}

/** The volume option that hands a runtime's socket to the container. */
function socketOption(endpoint: string): string {
  const path = endpoint.replace(/^unix:\/\//, "");
  return `-v ${path}:${path}`;
}

/** One warning per missing privilege, each naming what to add to the run line; none outside a container. */
export function privilegeWarnings(f: PrivilegeFacts): Warning[] {
  if (!f.inContainer) return [];
  const w: Warning[] = [];
  if (!f.hostPidNamespace) {
    w.push({
      code: "container-no-host-pid",
      message:
        "Pod Anatomy runs in a container with its own pid namespace: it sees only its own processes, not the host's. Add --pid host (Kubernetes: hostPID: true).",
    });
  } else if (!f.hostNamespacesReadable) {
    w.push({
      code: "container-no-ptrace",
      message:
        "The host's namespaces (/proc/1/ns, /proc/2/ns) cannot be read: reading another process's /proc/PID/ns needs CAP_SYS_PTRACE. Add --cap-add SYS_PTRACE (and --security-opt apparmor=unconfined where AppArmor is on; Kubernetes: securityContext.capabilities.add: [SYS_PTRACE]).",
    });
  }
  if (!f.hostCgroupNamespace) {
    w.push({
      code: "container-no-host-cgroupns",
      message:
        "Pod Anatomy runs in its own cgroup namespace: cgroup paths in /proc are relative to its own cgroup, not the host's. Add --cgroupns host and -v /sys/fs/cgroup:/sys/fs/cgroup:ro.",
    });
  } else if (!f.hostCgroupTree) {
    w.push({
      code: "container-no-host-cgroup-tree",
      message:
        "The cgroup tree mounted at /sys/fs/cgroup is not the host's (its own cgroup is not in it): limits and usage cannot be read. Add -v /sys/fs/cgroup:/sys/fs/cgroup:ro.",
    });
  }
  if (f.hostUts === false) {
    w.push({
      code: "container-own-uts",
      message: "Pod Anatomy runs with its own uts namespace: the hostname shown is read from the host's /etc/hostname (through /proc/1/root). Add --uts host to show the host's own.",
    });
  }
  const missing = f.runtimes.filter((r) => r.state === "unreachable" && r.reason === "socket-missing");
  for (const r of missing) {
    w.push({
      code: "container-no-socket",
      message: `${r.name}'s socket ${r.endpoint} is not in the container: to show ${r.name}'s containers, add ${socketOption(r.endpoint)} to the run line.`,
    });
  }
  return w;
}
