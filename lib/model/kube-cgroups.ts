/**
 * What a cgroup path says about the container in it: pure, path in, facts out.
 *
 * Kubernetes' kubelet nests every pod's cgroup under a QoS cgroup (its QoS class), under
 * "kubepods" — guaranteed pods directly under kubepods:
 * - cgroupfs driver: /kubepods/burstable/pod<uid>/<container-id>
 *                    /kubepods/pod<uid>/<container-id>                       (guaranteed)
 * - systemd driver:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
 *                    /kubepods.slice/kubepods-pod<uid>.slice/crio-<id>.scope  (guaranteed)
 *   where the uid's dashes are written as underscores ("-" means nesting in a slice name),
 *   and a kubelet --cgroup-root may prefix every slice name (kind: "kubelet-kubepods-…").
 * The container's scope names its runtime: docker-, cri-containerd-, crio-, libpod- (podman).
 */

import { containerIdFromCgroups } from "./parse-proc";
import type { ContainerRuntime, QosClass } from "./types";

export interface KubepodsCgroup {
  /** The QoS class, null for the kubepods cgroup itself. */
  qos: QosClass | null;
  /** The pod uid (with dashes), when the path is a pod cgroup or below one. */
  podUid: string | null;
}

const CGROUPFS_QOS = /^(burstable|besteffort)$/;
const CGROUPFS_POD = /^pod([0-9a-f][0-9a-f-]*)$/i;
const SYSTEMD_ROOT = /^(?:[\w.]+-)?kubepods\.slice$/;
const SYSTEMD_QOS = /(?:^|-)kubepods-(burstable|besteffort)\.slice$/;
const SYSTEMD_POD = /(?:^|-)kubepods(?:-(?:burstable|besteffort))?-pod([0-9a-f][0-9a-f_]*)\.slice$/i;

/**
 * Where in the kubepods hierarchy a cgroup path is (either driver), or null when it is not
 * under a kubepods cgroup at all.
 */
export function parseKubepodsPath(path: string): KubepodsCgroup | null {
  const segments = path.split("/").filter((s) => s !== "");
  const root = segments.findIndex((s) => s === "kubepods" || SYSTEMD_ROOT.test(s));
  if (root < 0) return null;
  const systemd = segments[root] !== "kubepods";
  let qos: QosClass | null = null;
  let podUid: string | null = null;
  let i = root + 1;
  const qosMatch = (systemd ? SYSTEMD_QOS : CGROUPFS_QOS).exec(segments[i] ?? "");
  if (qosMatch) {
    qos = qosMatch[1] as QosClass;
    i += 1;
  }
  const podMatch = (systemd ? SYSTEMD_POD : CGROUPFS_POD).exec(segments[i] ?? "");
  if (podMatch) {
    podUid = systemd ? podMatch[1]!.replaceAll("_", "-") : podMatch[1]!;
    qos ??= "guaranteed";
  }
  return { qos, podUid };
}

const RUNTIME_PREFIXES: [string, ContainerRuntime][] = [
  ["docker-", "docker"],
  ["cri-containerd-", "containerd"],
  ["crio-", "cri-o"],
  ["libpod-", "podman"],
];

/**
 * The runtime that made the container `containerId`, from the cgroup segment naming it: a
 * systemd scope's prefix, or a bare id under a "docker" cgroup (Docker's cgroupfs driver).
 * A bare id elsewhere (kubepods with the cgroupfs driver, a --cgroup-parent) says nothing: "unknown".
 */
export function runtimeFromCgroupPath(path: string, containerId: string): ContainerRuntime {
  const segments = path.split("/");
  const at = segments.findLastIndex((s) => s.includes(containerId));
  if (at < 0) return "unknown";
  const segment = segments[at]!;
  for (const [prefix, runtime] of RUNTIME_PREFIXES) if (segment.startsWith(prefix)) return runtime;
  return segment === containerId && segments[at - 1] === "docker" ? "docker" : "unknown";
}

export interface ContainerCgroup extends KubepodsCgroup {
  containerId: string | null;
  runtime: ContainerRuntime | null;
}

/** Everything one cgroup path says: kubepods position, and the container (id, runtime) it is the cgroup of. */
export function parseContainerCgroupPath(path: string): ContainerCgroup {
  const containerId = containerIdFromCgroups([{ hierarchyId: 0, controllers: [], path }]);
  return {
    ...(parseKubepodsPath(path) ?? { qos: null, podUid: null }),
    containerId,
    runtime: containerId === null ? null : runtimeFromCgroupPath(path, containerId),
  };
}
