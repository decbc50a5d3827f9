import { isRuntimeFault } from "@/lib/model/runtime-status";
import type { RuntimeStatus } from "@/lib/model/types";

/**
 * The runtimes that are there but do not answer (a socket nobody listens on, permission
 * denied, no answer, another API), each on its own line with what to do. A runtime merely
 * absent from this machine is not a fault and is not listed. Docker's own state, when no
 * runtime at all answers, is EngineBanner's.
 */
export default function RuntimeFaults({ runtimes }: { runtimes: readonly RuntimeStatus[] }) {
  const faults = runtimes.filter((r) => isRuntimeFault(r) && (r.kind !== "docker" || runtimes.some((o) => o.state === "ok")));
  if (faults.length === 0) return null;
  return (
    <ul data-control aria-label="Runtimes not answering" className="mx-6 mt-3 flex flex-col gap-1">
      {faults.map((r) => (
        <li
          key={r.id}
          data-testid="runtime-fault"
          data-runtime={r.id}
          data-reason={r.reason ?? undefined}
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm text-amber-950"
        >
          <strong>
            {r.name}
            {r.node ? ` in node ${r.node}` : ""} ({r.endpoint}):
          </strong>{" "}
          {r.message} <span className="text-amber-900">What to do: {r.hint}</span>
        </li>
      ))}
    </ul>
  );
}
