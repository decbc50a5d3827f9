"use client";

import { useState } from "react";
import useSWR from "swr";
import type { TrackedPull } from "@/lib/model/pull-progress";
import { fetchPulls } from "@/lib/view/api-client";
import { formatBytes } from "@/lib/view/format";

/** Polled only while this is shown: mount it while a create request is pending. */
const POLL_MS = 500;

/** One line per pull: what the engine is doing, in bytes when it has said the sizes. */
function pullLabel(p: TrackedPull): string {
  switch (p.phase) {
    case "resolving":
      return `Pulling ${p.ref} — asking the registry`;
    case "downloading":
      return p.bytesTotal === null
        ? `Pulling ${p.ref} — ${formatBytes(p.bytesDone)} so far (layer sizes not known yet)`
        : `Pulling ${p.ref} — ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`;
    case "extracting":
      return `Pulling ${p.ref} — downloaded ${formatBytes(p.bytesDone)}, extracting`;
    case "done":
      return `Pulled ${p.ref} (${formatBytes(p.bytesDone)} downloaded)`;
    case "failed":
      return `Could not pull ${p.ref}${p.remembered ? " (an earlier attempt, not retried yet)" : ""}: ${
        p.onFailure === "stand-in" ? "no registry, using the stand-in" : "the pod is not created"
      }. The engine said: ${p.message}`;
  }
}

/**
 * The image pulls a create request started (those begun since this was mounted), each with
 * a progress bar: its share of bytes downloaded, indeterminate while the engine has not said
 * every layer's size, none when it failed.
 */
export default function PullProgress() {
  const [since] = useState(() => Date.now());
  const { data } = useSWR("/api/pulls", fetchPulls, { refreshInterval: POLL_MS, dedupingInterval: 0 });
  const pulls = (data?.pulls ?? []).filter((p) => Date.parse(p.startedAt) >= since);
  if (pulls.length === 0) return null;
  return (
    <ul data-testid="pull-progress" aria-label="Image pulls" className="mt-2 flex flex-col gap-1 text-sm">
      {pulls.map((p) => {
        const label = pullLabel(p);
        return (
          <li key={p.id} data-ref={p.ref} data-phase={p.phase} className={p.phase === "failed" ? "text-amber-900" : "text-slate-700"}>
            <span>{label}</span>
            {p.phase !== "failed" && (
              <progress aria-label={label} max={1} value={p.fraction ?? undefined} className="block h-2 w-full max-w-md" />
            )}
          </li>
        );
      })}
    </ul>
  );
}
