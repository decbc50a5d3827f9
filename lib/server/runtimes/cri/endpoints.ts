import "server-only";
import { criEndpointSetting } from "@/lib/server/config";
import { fs, joinPath } from "@/lib/server/host-fs";

/**
 * The CRI endpoints of this host, found by themselves:
 *   - CONTAINER_RUNTIME_ENDPOINT when set (as for crictl): that one only;
 *   - else the well-known sockets that exist: containerd, k3s' containerd, microk8s'
 *     containerd, CRI-O. Never dockerd's own containerd (/var/run/docker/containerd/…): it
 *     has no CRI plugin;
 *   - and the nested runtimes: a containerd or CRI-O process whose mount namespace is not
 *     the host's (a kind or minikube node runs one inside a container), reached through
 *     /proc/PID/root/… — the caller names the node (the node container's name) from the pid.
 */

export const WELL_KNOWN_CRI_SOCKETS = [
  "/run/containerd/containerd.sock",
  "/run/k3s/containerd/containerd.sock",
  "/var/snap/microk8s/common/run/containerd.sock",
  "/run/crio/crio.sock",
] as const;

/** Never a CRI endpoint: dockerd's own containerd (namespace moby, CRI plugin disabled). */
export const DOCKER_CONTAINERD_SOCKETS = ["/var/run/docker/containerd/containerd.sock", "/run/docker/containerd/containerd.sock"];

export interface FoundCriEndpoint {
  /** `unix://` + socketPath. */
  endpoint: string;
  socketPath: string;
  source: "env" | "well-known" | "nested";
  /** For a nested runtime: the host PID of its containerd / crio process. */
  pid: number | null;
  /** The runtime process's name (containerd, crio) for a nested one. */
  process: string | null;
}

export interface FindOptions {
  procRoot?: string;
  env?: Record<string, string | undefined>;
  /** Where well-known sockets are looked for (a fake root in tests); "" is the host's /. */
  hostRoot?: string;
  /** The PIDs to look at for nested runtimes; none: every PID in procRoot. */
  pids?: readonly number[];
}

const isSocket = (p: string): boolean => {
  try {
    return fs.statSync(p).isSocket();
  } catch {
    return false;
  }
};

const readlink = (p: string): string | null => {
  try {
    return fs.readlinkSync(p);
  } catch {
    return null;
  }
};

const readText = (p: string): string | null => {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return null;
  }
};

/** The socket a runtime process serves, from its command line (`--address X`, `-a X`, `--listen X`), else its default. */
function socketOfProcess(name: string, argv: string[]): string[] {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = /^--(address|listen)=(.+)$/.exec(a);
    if (eq) return [eq[2]!];
    if ((a === "--address" || a === "-a" || a === "--listen") && argv[i + 1]) return [argv[i + 1]!];
  }
  return name === "crio" ? ["/run/crio/crio.sock", "/var/run/crio/crio.sock"] : ["/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock"];
}

export function findCriEndpoints(opts: FindOptions = {}): FoundCriEndpoint[] {
  const procRoot = opts.procRoot ?? "/proc";
  const env = opts.env ?? process.env;
  const hostRoot = opts.hostRoot ?? "";
  const fromEnv = criEndpointSetting(env);
  if (fromEnv) {
    const socketPath = fromEnv.startsWith("unix://") ? fromEnv.slice("unix://".length) : fromEnv;
    return [{ endpoint: `unix://${socketPath}`, socketPath, source: "env", pid: null, process: null }];
  }
  const found: FoundCriEndpoint[] = [];
  for (const s of WELL_KNOWN_CRI_SOCKETS) {
    if (isSocket(hostRoot + s)) found.push({ endpoint: `unix://${hostRoot}${s}`, socketPath: hostRoot + s, source: "well-known", pid: null, process: null });
  }
  found.push(...findNestedCriEndpoints(procRoot, opts.pids));
  return found;
}

/**
 * containerd / crio processes in a mount namespace other than the host's: PID 1's, else
 * kthreadd's (PID 2, always in the initial namespaces, where PID 1's links are unreadable even
 * to root, as in some VMs), else ours.
 */
export function findNestedCriEndpoints(procRoot = "/proc", pids?: readonly number[]): FoundCriEndpoint[] {
  const hostMnt =
    readlink(joinPath(procRoot, "1", "ns", "mnt")) ?? readlink(joinPath(procRoot, "2", "ns", "mnt")) ?? readlink(joinPath(procRoot, "self", "ns", "mnt"));
  if (!hostMnt) return [];
  let entries: readonly string[];
  try {
    entries = pids ? pids.map(String) : fs.readdirSync(procRoot);
  } catch {
    return [];
  }
  const found: FoundCriEndpoint[] = [];
  const seenMnt = new Set<string>();
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const comm = readText(joinPath(procRoot, e, "comm"))?.trim();
    if (comm !== "containerd" && comm !== "crio") continue;
    const mnt = readlink(joinPath(procRoot, e, "ns", "mnt"));
    if (!mnt || mnt === hostMnt || seenMnt.has(mnt)) continue;
    const argv = (readText(joinPath(procRoot, e, "cmdline")) ?? "").split("\0").filter(Boolean);
    for (const s of socketOfProcess(comm, argv)) {
      if (!s.startsWith("/")) continue;
      const socketPath = joinPath(procRoot, e, "root") + s;
      if (isSocket(socketPath)) {
        seenMnt.add(mnt);
        found.push({ endpoint: `unix://${socketPath}`, socketPath, source: "nested", pid: Number(e), process: comm });
        break;
      }
    }
  }
  return found.sort((a, b) => (a.pid ?? 0) - (b.pid ?? 0));
}
