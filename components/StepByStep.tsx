"use client";
/**
 * A catalogue entry built one command at a time: each step's command is shown before it
 * runs, with what it will change. "Next step" runs it here; "I'll type it" waits until the
 * live snapshot shows its effect, whoever ran it. After each step the page says what
 * changed (new containers and namespaces, who joined whom, a new PID 1), from the snapshots
 * before and after.
 */
import { useState } from "react";
import useSWR from "swr";
import type { CatalogueEntryId } from "@/lib/model/catalogue";
import { diffSnapshots, effectSeen, type Step, type StepDiff } from "@/lib/model/steps";
import type { Snapshot } from "@/lib/model/types";
import { deletePod, fetchSnapshot, runStepRequest } from "@/lib/view/api-client";
import { SNAPSHOT_KEY, useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import { snapshotOfPod } from "@/lib/model/snapshot-subset";
import ConnectionIndicator from "./ConnectionIndicator";
import PodGraph from "./PodGraph";

type EntryStep = Step & { pod: string };

async function fetchSteps(url: string): Promise<{ steps: EntryStep[] }> {
  const res = await fetch(url, { cache: "no-store" });
  const body = (await res.json()) as { steps: EntryStep[]; error?: string; detail?: string };
  if (!res.ok) throw new Error(body.detail ?? body.error ?? `HTTP ${res.status}`);
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

export default function StepByStep({ token, entry, suffix: initialSuffix, hostPort }: { token: string; entry: CatalogueEntryId; suffix: string; hostPort: number | null }) {
  const [suffix, setSuffix] = useState(initialSuffix);
  const { data: steps, error: stepsError } = useSWR(`/api/steps?entry=${entry}&pod=${suffix}${hostPort ? `&hostPort=${hostPort}` : ""}`, fetchSteps);
  const { data: snapshot, connection, mutate } = useLiveSnapshot();
  const [done, setDone] = useState<Record<number, { how: "here" | "typed"; lines: string[]; output: string | null }>>({});
  /** The container the last step made (highlighted in the graph), and the one the user clicked. */
  const [changed, setChanged] = useState<string | null>(null);
  const [clicked, setClicked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [typing, setTyping] = useState<{ index: number; before: Snapshot } | null>(null);

  const list = steps?.steps ?? [];
  // The graph of this instance's pods only (the first pod that exists), the last change selected.
  const podNames = new Set(list.map((x) => x.pod));
  const shownPod = snapshot?.pods.find((p) => podNames.has(p.name));
  const graph = snapshot && shownPod ? snapshotOfPod(snapshot, shownPod.id) : null;
  const current = list.find((s) => !done[s.index]) ?? null;
  /** The step done last: presenting, it stays on screen beside the current one (what it changed). */
  const lastDone = Math.max(-1, ...Object.keys(done).map(Number));

  // "I'll type it": the step is done once the live snapshot shows its effect (checked on each new snapshot).
  if (typing && snapshot && current && typing.index === current.index && current.effect.type !== "observation") {
    const seen = effectSeen(current.effect, snapshot, typing.before);
    if (seen) {
      setTyping(null);
      setChanged(seen.id);
      setDone((d) => ({ ...d, [current.index]: { how: "typed", lines: [`Seen: ${seen.name}.`, ...narrate(diffSnapshots(typing.before, snapshot), snapshot)], output: null } }));
    }
  }

  async function next() {
    if (!current || !snapshot) return;
    setBusy(true);
    setError(null);
    const before = snapshot;
    try {
      const r = await runStepRequest(token, { entry, pod: suffix, step: current.index, ...(hostPort ? { hostPort } : {}) });
      let after = await fetchSnapshot(SNAPSHOT_KEY);
      for (let i = 0; r.containerId && !after.containers.some((c) => c.id === r.containerId) && i < 20; i++) {
        await new Promise((res) => setTimeout(res, 250));
        after = await fetchSnapshot(SNAPSHOT_KEY);
      }
      await mutate(after, { revalidate: false });
      if (r.containerId) setChanged(r.containerId);
      setDone((d) => ({ ...d, [current.index]: { how: "here", lines: current.kind === "container" ? narrate(diffSnapshots(before, after), after) : [], output: r.output } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function startOver() {
    setBusy(true);
    setError(null);
    try {
      for (const pod of new Set(list.map((s) => s.pod))) await deletePod(token, pod).catch(() => undefined);
      setDone({});
      setTyping(null);
      setChanged(null);
      setClicked(null);
      setSuffix(Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, "0"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <ConnectionIndicator connection={connection} />
        <span className="text-sm text-slate-600">Docker · pods named …-{suffix}</span>
        <button type="button" data-control onClick={() => void startOver()} disabled={busy} className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50">
          Start over
        </button>
      </div>
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
              {d ? (
                <div data-testid="step-narration" className="mt-2 text-sm text-indigo-900">
                  {d.lines.map((l) => (
                    <p key={l}>{l}</p>
                  ))}
                  {d.output !== null ? <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs" data-testid="step-output">{d.output}</pre> : null}
                </div>
              ) : null}
              {isCurrent ? (
                <div className="mt-2 flex items-center gap-2">
                  <button type="button" onClick={() => void next()} disabled={busy || !snapshot} className="rounded-md bg-indigo-600 px-3 py-1.5 font-semibold text-white hover:bg-indigo-700 disabled:bg-slate-400">
                    {busy ? "Running…" : "Next step"}
                  </button>
                  {s.effect.type === "observation" ? (
                    <button type="button" data-control onClick={() => setDone((x) => ({ ...x, [s.index]: { how: "typed", lines: ["You ran it yourself."], output: null } }))} className="rounded-md border border-indigo-300 px-3 py-1.5 text-sm text-indigo-700">
                      I ran it myself
                    </button>
                  ) : typing?.index === s.index ? (
                    <span className="text-sm text-slate-700" data-testid="step-waiting">Paste the command above into a terminal: waiting until the snapshot shows its effect…</span>
                  ) : (
                    <button type="button" data-control onClick={() => snapshot && setTyping({ index: s.index, before: snapshot })} disabled={!snapshot} className="rounded-md border border-indigo-300 px-3 py-1.5 text-sm text-indigo-700">
                      I&apos;ll type it
                    </button>
                  )}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {graph ? (
        <section aria-label="The pod now" className="rounded-lg border border-slate-200 bg-white lg:sticky lg:top-4">
          <h2 className="px-4 pt-3 font-semibold">The pod now{changed ? " — the last step's container highlighted" : ""}</h2>
          <div className="relative h-[420px]" data-testid="step-graph">
            <PodGraph snapshot={graph} selectedId={clicked ?? changed} onSelect={setClicked} />
          </div>
        </section>
      ) : null}
      </div>
      {list.length > 0 && !current ? <p className="font-semibold text-emerald-800" data-testid="steps-finished">All steps done.</p> : null}
    </div>
  );
}
