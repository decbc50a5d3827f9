"use client";

/**
 * A pod's story, step by step: the sandbox created, its namespaces created, each member
 * created, joining, started, exited, removed — from its runtime's events (Docker's, Podman's,
 * the CRI's poll) and the kernel. A trainer walks the class through it with Previous / Next
 * (or by clicking a step); new steps arrive live (use-live-snapshot revalidates the timeline
 * on every container event), and a page that knows it changed the pod bumps `refresh`.
 */
import { useEffect, useState } from "react";
import useSWR from "swr";
import type { PodTimeline, TimelineStep } from "@/lib/model/pod-timeline";
import { ApiError, fetchTimeline } from "@/lib/view/api-client";
import { NAMESPACE_COLORS } from "@/lib/view/namespace-colors";
import { timelineKey } from "@/lib/view/use-live-snapshot";
import { NamespaceChip } from "./NamespaceLegend";

const PANEL = "flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-5 text-[15px] text-slate-900 shadow-sm";
const BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";

/** Wall-clock time with milliseconds: the steps of a pod are often milliseconds apart. */
function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function gap(ms: number): string {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(1)} s`;
}

export default function Timeline({
  podId,
  podName,
  refresh = 0,
  follow = false,
}: {
  podId: string;
  podName: string;
  /** Fetched again whenever this changes (the steps page: after each step). */
  refresh?: number;
  /** Keep the newest step current as steps arrive (the steps page), instead of where the trainer was. */
  follow?: boolean;
}) {
  const { data, error, mutate } = useSWR<PodTimeline>(timelineKey(podId), fetchTimeline);
  const [chosen, setChosen] = useState<number | null>(null);
  useEffect(() => {
    if (refresh > 0) void mutate();
  }, [refresh, mutate]);

  const heading = <h2 className="text-xl font-bold">Timeline of {podName}</h2>;
  if (error) {
    const text = error instanceof ApiError ? `${error.message}${error.detail ? `: ${error.detail}` : ""}` : String(error);
    return (
      <section data-testid="timeline" aria-label={`Timeline of ${podName}`} className={PANEL}>
        {heading}
        <p className="text-slate-700">No timeline: {text}</p>
      </section>
    );
  }
  if (!data) {
    return (
      <section data-testid="timeline" aria-label={`Timeline of ${podName}`} className={PANEL}>
        {heading}
        <p className="text-slate-600">Reading the runtime&apos;s events…</p>
      </section>
    );
  }

  const { steps } = data;
  const last = Math.max(0, steps.length - 1);
  const current = Math.min(chosen ?? (follow ? last : 0), last);
  return (
    <section data-testid="timeline" aria-label={`Timeline of ${podName}`} className={PANEL}>
      <header className="flex flex-wrap items-center gap-2">
        {heading}
        <div className="ml-auto flex items-center gap-2">
          <button type="button" className={BUTTON} onClick={() => setChosen(current - 1)} disabled={current <= 0}>
            Previous
          </button>
          <span className="text-sm text-slate-600 tabular-nums" data-testid="timeline-position" aria-live="polite">
            {steps.length === 0 ? "no steps" : `Step ${current + 1} of ${steps.length}`}
          </span>
          <button type="button" className={BUTTON} onClick={() => setChosen(current + 1)} disabled={current >= steps.length - 1}>
            Next
          </button>
        </div>
      </header>
      {!data.complete && (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Earlier steps are not known: the runtime&apos;s events from before this server followed it (or beyond its buffer) are not kept
          {data.historyFrom !== null ? `, and this server's history begins at ${clock(data.historyFrom)}` : ""}.
        </p>
      )}
      {steps.length === 0 ? (
        <p className="text-slate-600">No events of this pod have been seen yet.</p>
      ) : (
        <ol className="flex flex-col gap-1.5">
          {steps.map((s, i) => (
            <Step key={s.id} step={s} index={i} previous={steps[i - 1]} current={i === current} past={i < current} onChoose={() => setChosen(i)} />
          ))}
        </ol>
      )}
    </section>
  );
}

interface StepProps {
  step: TimelineStep;
  index: number;
  previous: TimelineStep | undefined;
  current: boolean;
  past: boolean;
  onChoose: () => void;
}

function Step({ step, index, previous, current, past, onChoose }: StepProps) {
  const tone = current ? "border-sky-600 bg-sky-50" : past ? "border-slate-200 bg-white" : "border-slate-200 bg-slate-50 text-slate-600";
  return (
    <li data-timeline-step={step.kind} data-container-id={step.containerId} aria-current={current ? "step" : undefined} className={`rounded-md border-l-4 border ${tone}`}>
      <button type="button" onClick={onChoose} className="flex w-full items-baseline gap-2 px-3 py-1.5 text-left focus-visible:outline-2 focus-visible:outline-sky-600">
        <span className="w-6 shrink-0 text-right text-sm text-slate-600 tabular-nums">{index + 1}.</span>
        <span className="flex-1 font-semibold wrap-break-word">{step.title}</span>
        <time dateTime={new Date(step.time).toISOString()} className="shrink-0 font-mono text-xs text-slate-600 tabular-nums">
          {previous ? gap(step.time - previous.time) : clock(step.time)}
        </time>
      </button>
      {current && (
        <div className="flex flex-col gap-2 px-3 pb-3 pl-11 text-sm" data-testid="timeline-current">
          <p className="text-slate-800">{step.detail}</p>
          {step.namespaces.length > 0 && (
            <ul className="flex flex-wrap gap-2" aria-label="Namespaces">
              {step.namespaces.map((ns) => (
                <li key={ns.type} className="flex items-center gap-1">
                  <NamespaceChip type={ns.type} />
                  {ns.id && (
                    <code className="font-mono text-sm" style={{ color: NAMESPACE_COLORS[ns.type].text }}>
                      {ns.id}
                    </code>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="text-xs text-slate-600">
            {clock(step.time)} · from {step.sources.join(" · ")}
          </p>
        </div>
      )}
    </li>
  );
}
