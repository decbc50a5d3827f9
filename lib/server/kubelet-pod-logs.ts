import "server-only";
import { kubeletPodNames, type KubeletPodName } from "@/lib/model/kubelet-pod-logs";
import { fs } from "./host-fs";

/**
 * Pod names by uid from the kubelet's log directories (`/var/log/pods/<namespace>_<name>_<uid>`):
 * how a pod that only its cgroup revealed gets its name on a Kubernetes node. Empty where
 * there is no kubelet (no such directory) or it cannot be read.
 */
export function readKubeletPodNames(root = "/var/log/pods"): Map<string, KubeletPodName> {
  try {
    return kubeletPodNames(fs.readdirSync(root));
  } catch {
    return new Map();
  }
}
