/**
 * The pod in focus (`?pod=NAME`): its name and what it is, above the views, with the way back
 * to all pods; and what the views say when the name given names no pod (or several).
 */
import type { Pod, Snapshot } from "@/lib/model/types";
import { podRef, type PodLookup } from "@/lib/view/overview";
import { podRuntimeLabel } from "@/lib/view/runtimes";

const BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";

export interface FocusBarProps {
  /** The `?pod=` value. */
  podRef: string;
  /** The pod it names, or null (not found, several, or the snapshot not read yet). */
  pod: Pod | null;
  snapshot: Snapshot | undefined;
  recording: boolean;
  onAllPods: () => void;
}

export default function FocusBar({ podRef: ref, pod, snapshot, recording, onAllPods }: FocusBarProps) {
  const sandbox = pod ? snapshot?.containers.find((c) => c.id === pod.sandboxId) : undefined;
  const facts = pod
    ? [
        pod.k8sNamespace ? `namespace ${pod.k8sNamespace}` : null,
        podRuntimeLabel(pod, sandbox),
        pod.node ? `node ${pod.node}` : null,
        `${1 + pod.memberIds.length} containers`,
        pod.state,
      ].filter((f): f is string => !!f)
    : [];
  return (
    <div data-testid="focus-bar" data-focus={pod ? pod.name : ref} className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-sky-300 bg-sky-50 px-4 py-2">
      <button type="button" data-control onClick={onAllPods} className={BUTTON}>
        <span aria-hidden="true">← </span>All pods
      </button>
      <p className="text-lg text-slate-900">
        <span className="text-slate-600">Pod </span>
        <strong data-testid="focus-name">{pod ? pod.name : ref}</strong>
        {facts.length > 0 && <span className="ml-3 text-base text-slate-700">{facts.join(" · ")}</span>}
        {!pod && snapshot && <span className="ml-3 text-base text-rose-800">not found {recording ? "in this recording" : "on this host"}</span>}
      </p>
    </div>
  );
}

export interface FocusMissingProps {
  podRef: string;
  lookup: Exclude<PodLookup<Pod>, { kind: "found" }>;
  /** Every pod shown: the links to the choices name each one alone among them. */
  pods: readonly Pod[];
  recording: boolean;
  onFocus: (ref: string | null) => void;
}

/** In place of a view: no pod of that name (with names alike, if any), or several (choose one). */
export function FocusMissing({ podRef: ref, lookup, pods, recording, onFocus }: FocusMissingProps) {
  const where = recording ? "in this recording" : "on this host";
  const choices = lookup.kind === "ambiguous" ? lookup.pods : lookup.similar;
  return (
    <div role="alert" data-testid="focus-missing" className="flex flex-col items-start gap-3 p-6 text-base text-slate-800">
      <p className="text-lg font-semibold">
        {lookup.kind === "ambiguous" ? `${lookup.pods.length} pods are named “${ref}” ${where}: choose one.` : `No pod named “${ref}” ${where}.`}
      </p>
      {lookup.kind === "missing" && (
        <p className="text-slate-700">It may have been deleted, or the link names a pod of another machine. The overview lists every pod there is.</p>
      )}
      {choices.length > 0 && (
        <div className="flex flex-wrap items-center gap-2">
          {lookup.kind === "missing" && <span className="text-slate-700">Pods with a name like it:</span>}
          {choices.map((p) => (
            <button key={p.id} type="button" onClick={() => onFocus(podRef(p, pods))} className={BUTTON}>
              {p.k8sNamespace ? `${p.k8sNamespace}/${p.name}` : p.name}
            </button>
          ))}
        </div>
      )}
      <button type="button" onClick={() => onFocus(null)} className={`${BUTTON} border-sky-600 text-sky-800`}>
        <span aria-hidden="true">← </span>Back to all pods
      </button>
    </div>
  );
}
