"use client";
/**
 * The challenges page: each exercise's goal, its hints one at a time, and its live status
 * (GET /api/challenges, revalidated on every container change like the dashboard).
 * Progress — hints revealed, when each was first passed — is kept in this browser only.
 */
import { useSyncExternalStore } from "react";
import useSWR from "swr";
import type { ChallengeResult } from "@/lib/model/challenges";
import { REFRESH_MS, useLiveEvents } from "@/lib/view/use-live-snapshot";
import ConnectionIndicator from "./ConnectionIndicator";

export const CHALLENGES_KEY = "/api/challenges";
const STORAGE_KEY = "pod-anatomy.challenges.v1";

interface Progress {
  /** How many hints are revealed, per challenge id. */
  hints: Record<string, number>;
  /** ISO time each challenge was first seen passed. */
  passedAt: Record<string, string>;
}
const EMPTY: Progress = { hints: {}, passedAt: {} };

function parseProgress(raw: string | null): Progress {
  try {
    const parsed = raw ? (JSON.parse(raw) as Partial<Progress>) : {};
    return { hints: parsed.hints ?? {}, passedAt: parsed.passedAt ?? {} };
  } catch {
    return EMPTY;
  }
}

/** The progress kept in localStorage, as an external store (other tabs' changes included). */
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: Progress } | null = null;
function readProgress(): Progress {
  const raw = window.localStorage.getItem(STORAGE_KEY);
  if (cached?.raw !== raw) cached = { raw, value: parseProgress(raw) };
  return cached.value;
}
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}
function updateProgress(next: (p: Progress) => Progress) {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next(readProgress())));
  for (const l of listeners) l();
}
/** Remember the first time each challenge is seen passed. */
function recordPassed(data: { takenAt: string; challenges: ChallengeResult[] }) {
  const known = readProgress().passedAt;
  const newly = data.challenges.filter((c) => c.status.passed && !known[c.id]);
  if (newly.length > 0) updateProgress((p) => ({ ...p, passedAt: { ...p.passedAt, ...Object.fromEntries(newly.map((c) => [c.id, data.takenAt])) } }));
}

const isChallengesKey = (key: unknown) => typeof key === "string" && (key === CHALLENGES_KEY || key.startsWith(`${CHALLENGES_KEY}?`));

async function fetchChallenges(url: string): Promise<{ takenAt: string; challenges: ChallengeResult[] }> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as { takenAt: string; challenges: ChallengeResult[] };
}

/** `label` (key=value): check only the containers carrying it — one learner's in a shared room (`docker run -l student=ana …`). */
export default function Challenges({ label }: { label: string | null }) {
  const { data, error } = useSWR(label ? `${CHALLENGES_KEY}?label=${encodeURIComponent(label)}` : CHALLENGES_KEY, fetchChallenges, { refreshInterval: REFRESH_MS, onSuccess: recordPassed });
  const connection = useLiveEvents(isChallengesKey);
  const progress = useSyncExternalStore(subscribe, readProgress, () => EMPTY);
  const save = updateProgress;

  const done = data ? data.challenges.filter((c) => progress.passedAt[c.id]).length : 0;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <ConnectionIndicator connection={connection} />
        {label ? <p className="rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700">Only containers labelled <code>{label}</code></p> : null}
        <p className="text-sm text-slate-700" data-testid="challenges-progress">
          {data ? `${done} of ${data.challenges.length} done` : "Checking…"}
        </p>
        <button
          type="button"
          data-control
          onClick={() => save(() => EMPTY)}
          className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          Reset progress
        </button>
      </div>
      {error ? <p role="alert" className="text-red-700">The challenges could not be checked: {String(error)}</p> : null}
      <ol className="grid gap-4 lg:grid-cols-2">
        {data?.challenges.map((c, i) => {
          const shown = progress.hints[c.id] ?? 0;
          const passedAt = progress.passedAt[c.id];
          return (
            <li key={c.id} data-challenge={c.id} data-passed={c.status.passed ? "true" : "false"} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex items-start gap-2">
                <h2 className="mr-auto text-lg font-semibold">
                  {i + 1}. {c.title}
                </h2>
                <span
                  data-testid="challenge-status"
                  className={`rounded-full px-2 py-0.5 text-sm font-semibold ${c.status.passed ? "bg-emerald-100 text-emerald-800" : passedAt ? "bg-sky-100 text-sky-800" : "bg-amber-100 text-amber-900"}`}
                >
                  {c.status.passed ? "Passed" : passedAt ? "Done before" : "Not yet"}
                </span>
              </div>
              <p className="mt-1 text-slate-800">{c.goal}</p>
              <p className="mt-2 text-sm" data-testid="challenge-reason">
                {c.status.passed ? <span className="text-emerald-800">✓ {c.status.evidence}</span> : <span className="text-amber-900">Not yet: {c.status.why}</span>}
              </p>
              {passedAt ? <p className="mt-1 text-xs text-slate-500">First passed {new Date(passedAt).toLocaleString()}</p> : null}
              <ol className="mt-2 list-inside list-disc space-y-1 text-sm text-slate-700" aria-label="Hints">
                {c.hints.slice(0, shown).map((h) => (
                  <li key={h}>
                    <code className="whitespace-pre-wrap break-words">{h}</code>
                  </li>
                ))}
              </ol>
              <div className="mt-2 flex items-center gap-3">
                {shown < c.hints.length ? (
                  <button
                    type="button"
                    data-control
                    onClick={() => save((p) => ({ ...p, hints: { ...p.hints, [c.id]: shown + 1 } }))}
                    className="rounded-md border border-indigo-300 px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50"
                  >
                    Show a hint ({shown + 1} of {c.hints.length})
                  </button>
                ) : (
                  <span className="text-xs text-slate-500">All hints shown.</span>
                )}
                <details className="text-xs text-slate-500">
                  <summary>What the check looks at</summary>
                  {c.looksAt}
                </details>
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
