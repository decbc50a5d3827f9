/**
 * What each namespace type isolates, in its graph colour. No hooks, no "use client": it
 * renders on the server or inside client components alike.
 */
import { NAMESPACE_EXPLANATIONS, type NamespaceType } from "@/lib/model/types";
import { NAMESPACE_COLORS, NAMESPACE_ORDER } from "@/lib/view/namespace-colors";
import { LegendList } from "./LegendList";

export function NamespaceLegend() {
  const entries = NAMESPACE_ORDER.map((type) => ({ key: type, term: <NamespaceChip type={type} />, meaning: NAMESPACE_EXPLANATIONS[type] }));
  return <LegendList title="Namespace types" entries={entries} />;
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
