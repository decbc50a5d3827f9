import type { RuntimeKind, RuntimeStatus } from "@/lib/model/types";

/** Which runtime new pods are made on: shown only when more than one can make them. */
export default function RuntimePicker({
  choices,
  value,
  onChange,
}: {
  choices: readonly RuntimeStatus[];
  value: RuntimeKind | null;
  onChange: (kind: RuntimeKind) => void;
}) {
  if (choices.length < 2) return null;
  return (
    <label data-control className="flex items-center gap-1 text-sm">
      on
      <select
        aria-label="Runtime for new pods"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value as RuntimeKind)}
        className="rounded border border-slate-300 px-1 py-1"
      >
        {choices.map((r) => (
          <option key={r.id} value={r.kind}>
            {r.name} {r.version}
          </option>
        ))}
      </select>
    </label>
  );
}
