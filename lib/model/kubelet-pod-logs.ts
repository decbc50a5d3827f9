/**
 * The kubelet's pod log directories: `/var/log/pods/<namespace>_<name>_<uid>`. On a
 * Kubernetes node they name a pod that only its cgroup revealed (kubepods…/pod<uid>), when
 * no runtime could be asked. Pure: directory names in, names by uid out.
 */

/** A pod's Kubernetes name and namespace, by its uid. */
export interface KubeletPodName {
  namespace: string;
  name: string;
}

/** Kubernetes names and namespaces are DNS labels/subdomains: no `_`, so the three parts split cleanly. */
const POD_LOG_DIR = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)_([a-z0-9]([-.a-z0-9]*[a-z0-9])?)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `<namespace>_<name>_<uid>` → its parts; null for anything else. */
export function parsePodLogDir(dir: string): (KubeletPodName & { uid: string }) | null {
  const m = POD_LOG_DIR.exec(dir);
  return m ? { namespace: m[1]!, name: m[3]!, uid: m[5]! } : null;
}

/** The pods the kubelet keeps logs of, by uid (as parseKubepodsPath gives it: with dashes, whichever cgroup driver). */
export function kubeletPodNames(dirs: readonly string[]): Map<string, KubeletPodName> {
  const byUid = new Map<string, KubeletPodName>();
  for (const d of dirs) {
    const p = parsePodLogDir(d);
    if (p) byUid.set(p.uid, { namespace: p.namespace, name: p.name });
  }
  return byUid;
}
