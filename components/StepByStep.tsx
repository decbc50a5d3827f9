"use client";
/**
 * A catalogue entry built one command at a time, on the runtime picked (Docker, the CRI,
 * Podman): each step's command is shown before it runs, with what it will change. "Next
 * step" runs it here; "I'll type it" waits until the live snapshot shows its effect, whoever
 * ran it. After each step the page says what changed and the graph highlights it (new
 * namespaces, the spokes gained, a new PID 1, the phase, a port published; what a probe
 * showed), from the snapshots before and after; "Export before/after" saves both graphs side
 * by side as one PNG. Beside the graph, the pod's timeline gains the step: what its runtime
 * said happened (Docker's or Podman's events, the CRI's poll), fetched again after each step.
 */
import { useRef, useState } from "react";
import useSWR from "swr";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import { probeChanges, stepChanges, type StepChanges } from "@/lib/model/step-changes";
import { diffSnapshots, effectSeen, stepScript, type EntryStep, type StepDiff } from "@/lib/model/steps";
import type { RuntimeKind, Snapshot } from "@/lib/model/types";
import { ApiError, deletePod, fetchSnapshot, runStepRequest } from "@/lib/view/api-client";
import { captureView, downloadBlob, emptyPicture, exportFileName, renderPng, sideBySideSvg, type ViewPicture } from "@/lib/view/export";
import { chosenRuntime, creatableRuntimes } from "@/lib/view/runtimes";
import { graphHighlight } from "@/lib/view/step-highlight";
import { SNAPSHOT_KEY, useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import { snapshotOfPod } from "@/lib/model/snapshot-subset";
import ConnectionIndicator from "./ConnectionIndicator";
import PodGraph from "./PodGraph";
import RuntimePicker from "./RuntimePicker";
import Timeline from "./Timeline";

async function fetchSteps(url: string): Promise<{ steps: EntryStep[] }> {
  const res = await fetch(url, { cache: "no-store" });
  const body = (await res.json()) as { steps: EntryStep[]; error?: string; detail?: string };
  if (!res.ok) throw new Error([body.error, body.detail].filter(Boolean).join(": ") || `HTTP ${res.status}`);
  return body;
}

function narrate(diff: StepDiff, snapshot: Snapshot): string[] {
  const name = (id: string) => snapshot.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
  const lines: string[] = [];
  for (const id of diff.newContainers) lines.push(`New container: ${name(id)}.`);
  if (diff.newNamespaces.length > 0) lines.push(`New namespaces: ${diff.newNamespaces.join(", ")}.`);
  for (const j of diff.joined) lines.push(`${name(j.containerId)} joined ${name(j.hubId)}'s ${j.shares.join(", ")} namespaces.`);
  for (const pid of diff.newPid1) {
    const p = snapshot.processes.find((x) => x.pid === pid);
    lines.push(`New PID 1 of a pid namespace: ${p?.cmdline[0] ?? p?.name ?? "?"} (host PID ${pid}).`);
  }
  return lines.length > 0 ? lines : ["No container, namespace or PID 1 changed."];
}

/** One pod of the snapshot alone (the graph and the highlight show it only), or nothing when it is not there. */
function podOnly(s: Snapshot, podId: string | undefined): Snapshot {
  if (podId && s.pods.some((p) => p.id === podId)) return snapshotOfPod(s, podId);
  return { ...s, pods: [], containers: [], processes: [], namespaces: [], links: [], cgroups: [] };
}

interface Done {
  how: "here" | "typed";
  lines: string[];
  output: string | null;
  changes: StepChanges;
  /** The graph just before the step ran (or was typed), for the before/after export. */
  before: ViewPicture;
}

export default function StepByStep({
  token,
  entry,
  suffix: initialSuffix,
  hostPort,
  runtime: askedRuntime,
}: {
  token: string;
  entry: CatalogueEntryId;
  suffix: string;
  hostPort: number | null;
  runtime: RuntimeKind | null;
}) {
  const [suffix, setSuffix] = useState(initialSuffix);
  const { data: snapshot, connection, mutate } = useLiveSnapshot();
  const creatable = creatableRuntimes(snapshot);
  const [wantedRuntime] = useState<RuntimeKind | null>(askedRuntime);
  // Chosen once (the URL's, else Docker, else the first that makes pods) and kept: a runtime
  // slow to answer one status check must not switch the steps under the trainer's feet.
  const [runtime, setRuntime] = useState<RuntimeKind | null>(null);
  if (runtime === null && snapshot) {
    const first = chosenRuntime(creatable, wantedRuntime);
    if (first) setRuntime(first);
  }
  const { data: steps, error: stepsError } = useSWR(
    runtime ? `/api/steps?entry=${entry}&runtime=${runtime}&pod=${suffix}${hostPort ? `&hostPort=${hostPort}` : ""}` : null,
    fetchSteps,
  );
  const [done, setDone] = useState<Record<number, Done>>({});
  const [clicked, setClicked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [typing, setTyping] = useState<{ index: number; before: Snapshot; picture: ViewPicture } | null>(null);
  const graphRef = useRef<HTMLDivElement>(null);

  const list = steps?.steps ?? [];
  // The graph of this instance's pods only (the first pod that exists).
  const podNames = new Set(list.map((x) => x.pod));
  const shownPod = snapshot?.pods.find((p) => podNames.has(p.name));
  const graph = snapshot && shownPod ? snapshotOfPod(snapshot, shownPod.id) : null;
  const current = list.find((s) => !done[s.index]) ?? null;
  /** The step done last: its changes are highlighted; presenting, it stays on screen beside the current one. */
  const lastDone = Math.max(-1, ...Object.keys(done).map(Number));
  const last = done[lastDone];
  const highlight = last ? graphHighlight(last.changes) : null;
  const changed = last?.changes.changes.find((c) => c.kind !== "probe")?.containerId ?? null;

  /** The graph as it is drawn now (without the last step's highlight: `withHighlight` false), or a picture saying there is none yet. */
  const pictureNow = (withHighlight = true): ViewPicture => {
    const svg = graphRef.current?.querySelector("svg[data-export-view]");
    if (!svg) return emptyPicture("no pod yet");
    const layer = withHighlight ? null : svg.querySelector<SVGGElement>('[data-testid="step-highlight"]');
    // A hidden element is left out of the capture (export.ts).
    if (layer) layer.style.display = "none";
    try {
      return captureView(svg);
    } finally {
      if (layer) layer.style.display = "";
    }
  };

  // "I'll type it": the step is done once the live snapshot shows its effect (checked on each new snapshot).
  if (typing && snapshot && current && typing.index === current.index && current.effect.type !== "observation") {
    const seen = effectSeen(current.effect, snapshot, typing.before);
    if (seen) {
      setTyping(null);
      const podId = snapshot.pods.find((p) => p.sandboxId === seen.id || p.memberIds.includes(seen.id))?.id;
      const changes = stepChanges(podOnly(typing.before, podId), podOnly(snapshot, podId));
      setDone((d) => ({
        ...d,
        [current.index]: { how: "typed", lines: [`Seen: ${seen.name}.`, ...narrate(diffSnapshots(typing.before, snapshot), snapshot)], output: null, changes, before: typing.picture },
      }));
    }
  }

  async function next() {
    if (!current || !snapshot || !runtime) return;
    setBusy(true);
    setError(null);
    setExported(null);
    const before = snapshot;
    const picture = pictureNow(false);
    try {
      const r = await runStepRequest(token, { entry, runtime, pod: suffix, step: current.index, ...(hostPort ? { hostPort } : {}) });
      let after = await fetchSnapshot(SNAPSHOT_KEY);
      // The CRI is polled (every second), Podman's and Docker's events come at once, and a container's
      // namespaces are read once its process is there: wait (10 s at most) until the snapshot shows the step's effect.
      const arrived = (s: Snapshot) => current.effect.type === "observation" || effectSeen(current.effect, s, before) !== null;
      for (let i = 0; r.containerId && !arrived(after) && i < 40; i++) {
        await new Promise((res) => setTimeout(res, 250));
        after = await fetchSnapshot(SNAPSHOT_KEY);
      }
      await mutate(after, { revalidate: false });
      const podId = after.pods.find((p) => p.name === current.pod)?.id;
      const ranIn = current.kind === "container" ? null : (after.containers.find((c) => c.name === current.container && podId && (c.podId === podId || c.id === podId))?.id ?? null);
      const changes =
        current.kind === "container" ? stepChanges(podOnly(before, podId), podOnly(after, podId)) : probeChanges(current, ranIn, r.output, podOnly(after, podId));
      setDone((d) => ({
        ...d,
        [current.index]: { how: "here", lines: current.kind === "container" ? narrate(diffSnapshots(before, after), after) : [], output: r.output, changes, before: picture },
      }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function startOver(then?: () => void) {
    setBusy(true);
    setError(null);
    try {
      // Each pod removed (a pod never made answers 404: nothing to remove); tried three times, on a busy machine a runtime may be slow.
      const failed: string[] = [];
      for (const pod of new Set(list.map((s) => s.pod))) {
        for (let attempt = 1; ; attempt++) {
          const err = await deletePod(token, pod).then(
            () => null,
            (e: unknown) => (e instanceof ApiError && e.status === 404 ? null : e),
          );
          if (!err) break;
          if (attempt === 3) {
            failed.push(`${pod}: ${err instanceof Error ? err.message : String(err)}`);
            break;
          }
          await new Promise((res) => setTimeout(res, 1000));
        }
      }
      if (failed.length > 0) {
        setError(`Start over could not remove ${failed.join("; ")}. Try again.`);
        return;
      }
      setDone({});
      setTyping(null);
      setClicked(null);
      setExported(null);
      then?.();
      setSuffix(Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, "0"));
    } finally {
      setBusy(false);
    }
  }

  /** One PNG: the graph before the last step and after it, side by side, each captioned. */
  async function exportBeforeAfter() {
    const step = list[lastDone];
    if (!last || !step || !snapshot) return;
    setError(null);
    try {
      const n = step.index + 1;
      const doc = sideBySideSvg(
        { picture: last.before, label: `before step ${n}: ${step.title}` },
        { picture: pictureNow(), label: `after step ${n}: ${step.title}` },
        { title: `step by step, ${entry} on ${runtime}`, host: snapshot.host.hostname, time: snapshot.takenAt, mark: null },
        "short",
      );
      const blob = await renderPng(doc.svg, doc.width, doc.height, 1);
      const name = exportFileName(snapshot.host.hostname, snapshot.takenAt, "png").replace(/\.png$/, `-step${n}-before-after.png`);
      downloadBlob(blob, name);
      setExported(`Saved ${name} (${doc.width}×${doc.height} px)`);
    } catch (err) {
      setError(`Export failed: ${(err as Error).message}`);
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <ConnectionIndicator connection={connection} />
        <RuntimePicker
          choices={creatable}
          value={runtime}
          onChange={(kind) => (Object.keys(done).length > 0 ? void startOver(() => setRuntime(kind)) : setRuntime(kind))}
        />
        <span className="text-sm text-slate-600" data-testid="steps-runtime">
          {runtime === "cri" ? "the CRI (crictl)" : runtime === "podman" ? "Podman" : runtime === "docker" ? "Docker" : "…"} · pods named …-{suffix}
        </span>
        {last ? (
          <button type="button" data-control onClick={() => void exportBeforeAfter()} className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Export before/after
          </button>
        ) : null}
        <button type="button" data-control onClick={() => void startOver()} disabled={busy} className={`${last ? "" : "ml-auto "}rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50`}>
          Start over
        </button>
      </div>
      {exported ? <p role="status" data-testid="step-exported" className="text-sm text-emerald-800">{exported}</p> : null}
      {stepsError ? <p role="alert" className="text-red-700">The steps could not be planned: {String(stepsError.message ?? stepsError)}</p> : null}
      {error ? <p role="alert" data-testid="step-error" className="rounded border border-red-300 bg-red-50 px-3 py-1 text-red-900">{error}</p> : null}
      <div className="grid items-start gap-4 lg:grid-cols-2">
      <ol className="space-y-3">
        {list.map((s) => {
          const d = done[s.index];
          const isCurrent = current?.index === s.index;
          return (
            <li key={s.index} data-step={s.index} data-done={d ? "true" : "false"} data-current={isCurrent ? "true" : "false"}
              data-last={s.index === lastDone ? "true" : "false"} className={`rounded-lg border p-4 ${isCurrent ? "border-indigo-400 bg-indigo-50" : "border-slate-200 bg-white"}`}>
              <div className="flex items-center gap-2">
                <h2 className="mr-auto font-semibold">
                  {s.index + 1}. {s.title}
                </h2>
                {d ? <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-sm font-semibold text-emerald-800">{d.how === "typed" ? "Done (typed)" : "Done"}</span> : null}
              </div>
              <p className="mt-1 text-sm text-slate-700" data-testid="step-change">{s.change}</p>
              {isCurrent || d ? <pre className="mt-2 overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100" data-testid="step-command">{s.command}</pre> : null}
              {(isCurrent || d) && s.files && s.files.length > 0 ? (
                <details className="mt-1 text-sm" data-testid="step-files">
                  <summary className="cursor-pointer text-slate-700">The files it reads: {s.files.map((f) => f.name).join(", ")}</summary>
                  {s.files.map((f) => (
                    <pre key={f.name} className="mt-1 max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs">{`# ${f.name}\n${f.content}`}</pre>
                  ))}
                </details>
              ) : null}
              {d ? (
                <div data-testid="step-narration" className="mt-2 text-sm text-indigo-900">
                  {d.lines.map((l) => (
                    <p key={l}>{l}</p>
                  ))}
                  {d.output !== null ? <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs" data-testid="step-output">{d.output}</pre> : null}
                </div>
              ) : null}
              {isCurrent ? (
                <div className="mt-2 flex flex-wrap items-center gap-2">
                  <button type="button" onClick={() => void next()} disabled={busy || !snapshot || !runtime} className="rounded-md bg-indigo-600 px-3 py-1.5 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-400">
                    {busy ? "Running…" : "Next step"}
                  </button>
                  {s.effect.type === "observation" ? (
                    <button type="button" data-control onClick={() => setDone((x) => ({ ...x, [s.index]: { how: "typed", lines: ["You ran it yourself."], output: null, changes: { changes: [], edges: [] }, before: pictureNow(false) } }))} className="rounded-md border border-indigo-300 px-3 py-1.5 text-sm text-indigo-700">
                      I ran it myself
                    </button>
                  ) : typing?.index === s.index ? (
                    <div className="w-full text-sm text-slate-700" data-testid="step-waiting">
                      Paste this into a terminal{runtime === "cri" ? " on the node (crictl talks to the runtime's socket)" : ""}: waiting until the snapshot shows its effect…
                      {s.files && s.files.length > 0 ? <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100" data-testid="step-script">{stepScript(s)}</pre> : null}
                    </div>
                  ) : (
                    <button type="button" data-control onClick={() => snapshot && setTyping({ index: s.index, before: snapshot, picture: pictureNow(false) })} disabled={!snapshot} className="rounded-md border border-indigo-300 px-3 py-1.5 text-sm text-indigo-700">
                      I&apos;ll type it
                    </button>
                  )}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {graph && shownPod ? (
        <div className="space-y-4 lg:sticky lg:top-4">
          <section aria-label="The pod now" className="rounded-lg border border-slate-200 bg-white">
            <h2 className="px-4 pt-3 font-semibold">The pod now{last ? ` — what step ${lastDone + 1} changed, highlighted` : ""}</h2>
            <div ref={graphRef} className="relative h-[520px]" data-testid="step-graph">
              <PodGraph snapshot={graph} selectedId={clicked ?? changed} onSelect={setClicked} highlight={highlight} />
            </div>
          </section>
          {/* Scrolls by itself: the graph beside the steps stays in view. Focusable, so a keyboard can scroll it. */}
          <div tabIndex={0} role="region" aria-label="The pod's timeline (scrolls)" className="max-h-[45vh] overflow-y-auto rounded-lg" data-testid="step-timeline">
            <Timeline key={shownPod.id} podId={shownPod.id} podName={shownPod.name} refresh={Object.keys(done).length} follow />
          </div>
        </div>
      ) : null}
      </div>
      {list.length > 0 && !current ? <p className="font-semibold text-emerald-800" data-testid="steps-finished">All steps done.</p> : null}
    </div>
  );
}
