"use client";

/**
 * The tabs above the main panel: the overview of every pod, the pod graph, the namespace
 * matrix, the cgroup tree, the processes. A WAI-ARIA tab list: one tab in the tab order, the arrow keys (and Home, End)
 * move between tabs and select them.
 */
import { useRef, type KeyboardEvent } from "react";

export const VIEWS = [
  { id: "overview", label: "Overview" },
  { id: "graph", label: "Graph" },
  { id: "namespaces", label: "Namespaces" },
  { id: "cgroups", label: "Cgroups" },
  { id: "processes", label: "Processes" },
] as const;

export type View = (typeof VIEWS)[number]["id"];

/** The id of a view's tab, and of its panel (aria-controls / aria-labelledby). */
export const tabId = (view: View) => `view-tab-${view}`;
export const panelId = (view: View) => `view-panel-${view}`;

export function ViewTabs({ view, onChange }: { view: View; onChange: (view: View) => void }) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = VIEWS.findIndex((v) => v.id === view);

  const onKeyDown = (event: KeyboardEvent) => {
    const last = VIEWS.length - 1;
    const next =
      event.key === "ArrowRight" ? (current + 1) % VIEWS.length : event.key === "ArrowLeft" ? (current + last) % VIEWS.length : event.key === "Home" ? 0 : event.key === "End" ? last : null;
    if (next === null) return;
    event.preventDefault();
    onChange(VIEWS[next]!.id);
    tabs.current[next]?.focus();
  };

  return (
    <div role="tablist" aria-label="Views" onKeyDown={onKeyDown} className="flex flex-wrap gap-1 border-b border-slate-300">
      {VIEWS.map((v, i) => {
        const selected = v.id === view;
        return (
          <button
            key={v.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            id={tabId(v.id)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={panelId(v.id)}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(v.id)}
            className={`-mb-px rounded-t-md border px-4 py-2 text-base font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 ${
              selected ? "border-slate-300 border-b-white bg-white text-slate-900" : "border-transparent text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            }`}
          >
            {v.label}
          </button>
        );
      })}
    </div>
  );
}

export default ViewTabs;
