/**
 * A legend: a titled list of terms, each with what it means on one line, and an optional note
 * below. No hooks: renders on the server or inside client components alike.
 */
import type { ReactNode } from "react";

export interface LegendEntry {
  key: string;
  term: ReactNode;
  meaning: string;
}

export function LegendList({ title, entries, children }: { title: string; entries: readonly LegendEntry[]; children?: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4 text-slate-900">
      <h2 className="mb-2 text-base font-bold">{title}</h2>
      <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-3 gap-y-1.5 text-sm">
        {entries.map(({ key, term, meaning }) => (
          <div key={key} className="contents">
            <dt>{term}</dt>
            <dd className="text-slate-700">{meaning}</dd>
          </div>
        ))}
      </dl>
      {children}
    </section>
  );
}
