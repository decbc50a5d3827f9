/**
 * Which of Pod Anatomy's pods were left half-made, and in which order a pod's containers
 * are removed. Pure: container facts in, pod names out.
 *
 * Creating a pod is several engine calls (create + start of each container). When the
 * daemon or this server dies between them, some containers exist and others do not. Every
 * container of a pod carries the pod's size (LABEL_POD_SIZE), so what is missing shows:
 *   - fewer containers carry the pod's label than its size says, or
 *   - a container was created but never started (Docker state "created"; a container that
 *     ran and stopped, e.g. across a daemon restart, is "exited", not "created").
 * A pod built step by step (LABEL_STEPWISE) is incomplete between its steps by design, for as
 * long as the trainer talks or the learner types: it is never taken for a leftover.
 */
import { LABEL_APP, LABEL_APP_VALUE, LABEL_POD, LABEL_POD_SIZE, LABEL_ROLE, LABEL_STEPWISE, type ContainerFacts } from "./types";

/** On every container of a pod: how many containers the whole pod has when complete. */
export { LABEL_POD_SIZE };

/**
 * Names of Pod Anatomy's pods that are incomplete. Pods named in `creating` are being made
 * right now by this server and are left alone. Containers without our app label are never
 * considered. A pod made before the size label existed is judged by the "created" rule only.
 */
export function findHalfMadePods(containers: readonly ContainerFacts[], creating: ReadonlySet<string>): string[] {
  const byPod = new Map<string, ContainerFacts[]>();
  for (const c of containers) {
    if (c.labels[LABEL_APP] !== LABEL_APP_VALUE) continue;
    const pod = c.labels[LABEL_POD];
    if (!pod || creating.has(pod)) continue;
    byPod.set(pod, [...(byPod.get(pod) ?? []), c]);
  }
  const halfMade: string[] = [];
  for (const [pod, members] of byPod) {
    if (members.some((c) => c.labels[LABEL_STEPWISE] === "true")) continue;
    const sizes = members.map((c) => Number(c.labels[LABEL_POD_SIZE])).filter((n) => Number.isInteger(n) && n > 0);
    const expected = sizes.length > 0 ? Math.max(...sizes) : 0;
    if (members.length < expected || members.some((c) => c.state === "created")) halfMade.push(pod);
  }
  return halfMade.sort();
}

/** The order to remove a pod's containers in: members first, the sandbox (which holds their namespaces) last. */
export function removalOrder(containers: readonly ContainerFacts[]): ContainerFacts[] {
  return [...containers].sort((a, b) => Number(a.labels[LABEL_ROLE] === "sandbox") - Number(b.labels[LABEL_ROLE] === "sandbox"));
}
