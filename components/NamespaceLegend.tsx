/**
 * What each namespace type isolates, in its graph colour. No hooks, no "use client": it
 * renders on the server or inside client components alike.
 */
import { NAMESPACE_EXPLANATIONS, type NamespaceType } from "@/lib/model/types";
import { NAMESPACE_COLORS, NAMESPACE_ORDER } from "@/lib/view/namespace-colors";

export function NamespaceLegend() {
  return (
    <section aria-label="Namespace types" className="rounded-lg border border-slate-200 bg-white p-4 text-slate-900">
      <h2 className="mb-2 text-base font-bold">Namespace types</h2>
      <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-3 gap-y-1.5 text-sm">
        {NAMESPACE_ORDER.map((type) => (
          <div key={type} className="contents">
            <dt>
              <NamespaceChip type={type} />
            </dt>
            <dd className="text-slate-700">{NAMESPACE_EXPLANATIONS[type]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** A namespace type's name on its tint, in its colour. */
export function NamespaceChip({ type }: { type: NamespaceType }) {
  const { text, tint } = NAMESPACE_COLORS[type];
  return (
    <span className="inline-block rounded px-1.5 py-0.5 font-mono text-sm font-bold" style={{ color: text, backgroundColor: tint }}>
      {type}
    </span>
  );
}

export default NamespaceLegend;
