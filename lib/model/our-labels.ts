/**
 * The labels on everything Pod Anatomy creates, on every runtime: what finds our pods (and
 * only ours), their size (half-made-pod detection), each container's role, its image's
 * source and the catalogue entry it came from. One home, for the Docker, CRI and Podman
 * planners. Pure.
 */
import type { PlannedKind } from "./pod-plan";
import {
  K8S_CONTAINER_NAME,
  K8S_DOCKER_TYPE,
  K8S_POD_NAME,
  K8S_POD_NAMESPACE,
  K8S_POD_UID,
  LABEL_APP,
  LABEL_APP_VALUE,
  LABEL_IMAGE_SOURCE,
  LABEL_POD,
  LABEL_POD_SIZE,
  LABEL_ROLE,
  LABEL_SAMPLE,
  type ImageSource,
} from "./types";

export interface OurLabelsInput {
  /** The pod's name (LABEL_POD). */
  pod: string;
  /** How many containers the complete pod has, its sandbox included. */
  size: number;
  role: PlannedKind;
  imageSource: ImageSource;
  /** A catalogue entry, or "builder". */
  sample: string;
  /** More labels (the test run's). */
  extra?: Record<string, string>;
}

export function ourLabels({ pod, size, role, imageSource, sample, extra }: OurLabelsInput): Record<string, string> {
  return {
    [LABEL_APP]: LABEL_APP_VALUE,
    [LABEL_POD]: pod,
    [LABEL_POD_SIZE]: String(size),
    [LABEL_ROLE]: role,
    [LABEL_IMAGE_SOURCE]: imageSource,
    [LABEL_SAMPLE]: sample,
    ...extra,
  };
}

/**
 * The kubelet's labels on a container of a pod that says it is Kubernetes' (PodSpec
 * `kubernetes`): pod name, namespace, uid, and the container's name in the pod ("POD" for the
 * sandbox). `dockershim`: also io.kubernetes.docker.type, as dockershim set it on Docker.
 */
export function kubernetesLabels(
  pod: { name: string; namespace: string; uid: string },
  role: PlannedKind,
  containerName: string,
  opts: { dockershim: boolean },
): Record<string, string> {
  return {
    [K8S_POD_NAME]: pod.name,
    [K8S_POD_NAMESPACE]: pod.namespace,
    [K8S_POD_UID]: pod.uid,
    [K8S_CONTAINER_NAME]: role === "sandbox" ? "POD" : containerName,
    ...(opts.dockershim ? { [K8S_DOCKER_TYPE]: role === "sandbox" ? "podsandbox" : "container" } : {}),
  };
}
