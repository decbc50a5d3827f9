import type { Container, Snapshot } from "@/lib/model/types";
import { podRuntimeLabel, sandboxWord } from "@/lib/view/runtimes";

interface Props {
  snapshot: Snapshot;
  busy: string | null;
  onDelete: (podName: string) => void;
  onSelect: (containerId: string) => void;
}

/** The pods on this host: name, where it was recognised from, its containers and images; Delete for ours. */
export default function PodList({ snapshot, busy, onDelete, onSelect }: Props) {
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  if (snapshot.pods.length === 0) {
    return (
      <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600" aria-label="Pods">
        No pods on this host yet. <strong>Create demo pod</strong> starts the classic one: a pause container, nginx and ghost.
      </section>
    );
  }
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label="Pods">
      <h2 className="mb-2 text-lg font-semibold">Pods</h2>
      <ul className="flex flex-col gap-3">
        {snapshot.pods.map((pod) => {
          const containers = [pod.sandboxId, ...pod.memberIds].map((id) => byId.get(id)).filter((c): c is Container => !!c);
          return (
            <li key={pod.id} data-pod={pod.name} data-runtime={pod.runtime} className="rounded border border-slate-200 p-2">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-semibold">{pod.name}</span>
                <span className="rounded bg-indigo-100 px-1.5 text-xs text-indigo-900" data-testid="pod-runtime">
                  {podRuntimeLabel(pod, byId.get(pod.sandboxId))}
                </span>
                {pod.node && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">node {pod.node}</span>}
                {pod.k8sNamespace && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">namespace {pod.k8sNamespace}</span>}
                {pod.state && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{pod.state}</span>}
                <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{sourceLabel(pod.source)}</span>
                {pod.managed && (
                  <button
                    type="button"
                    onClick={() => onDelete(pod.name)}
                    disabled={busy !== null}
                    className="ml-auto rounded border border-red-300 px-2 py-0.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
                  >
                    {busy === `delete:${pod.name}` ? "Deleting…" : "Delete"}
                  </button>
                )}
              </div>
              <ul className="mt-1 text-sm">
                {containers.map((c) => (
                  <li key={c.id}>
                    <button type="button" className="text-left hover:underline" onClick={() => onSelect(c.id)}>
                      {c.role === "sandbox" ? "⬢" : "○"} {c.name}
                    </button>{" "}
                    {c.role === "sandbox" && <span className="text-xs text-slate-600">({sandboxWord(pod.runtime)})</span>}{" "}
                    {c.state !== "running" && <span className="text-xs text-slate-600">{c.exitCode !== null ? `${c.state}, exit ${c.exitCode}` : c.state}</span>}{" "}
                    <span className="text-slate-500">{c.image}</span>{" "}
                    {c.imageSource !== "other" && (
                      <span className={`rounded px-1 text-xs ${c.imageSource === "real" ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-900"}`}>
                        {c.imageSource === "real" ? "real image" : "stand-in image"}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function sourceLabel(source: Snapshot["pods"][number]["source"]): string {
  return source === "pod-anatomy" ? "made here" : source === "kubernetes" ? "Kubernetes" : source === "runtime" ? "the runtime's pod" : "inferred from namespaces";
}
