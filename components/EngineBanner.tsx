import type { EngineStatus } from "@/lib/model/types";

const TITLES = {
  "socket-missing": "No Docker engine: the socket is missing",
  "permission-denied": "No access to the Docker engine: permission denied",
  "no-daemon": "No Docker daemon answers",
  timeout: "The Docker engine does not answer",
  error: "The Docker engine reported an error",
} as const;

/** Why pods can't be shown or created, and what to do about it. */
export default function EngineBanner({ engine }: { engine: Extract<EngineStatus, { state: "unreachable" }> }) {
  return (
    <div role="alert" data-testid="engine-banner" data-reason={engine.reason} className="mx-6 mt-3 rounded-md border border-amber-400 bg-amber-50 px-4 py-3 text-amber-950">
      <p className="font-semibold">{TITLES[engine.reason]}</p>
      <p className="text-sm">{engine.message}</p>
      <p className="text-sm">
        <strong>What to do:</strong> {engine.hint} Until then pods can&apos;t be shown or created; the host&apos;s own namespaces, read from /proc, are shown below, and a sample pod recorded on a machine with Docker can be shown instead.
      </p>
    </div>
  );
}
