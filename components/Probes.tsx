"use client";

import { useState } from "react";
import { PROBE_KINDS, PROBE_LABELS, type ProbeKind, type ProbeResult } from "@/lib/model/pod-probes";
import type { Container } from "@/lib/model/types";
import { ApiError, runProbe } from "@/lib/view/api-client";

interface Props {
  token: string;
  pod: string;
  /** The pod's running containers: where a probe can run. */
  containers: Container[];
  /** The port fetch tries first (the pod's web server). */
  defaultPort: number;
}

/**
 * The allow-listed probes: in one of the pod's containers, fetch 127.0.0.1:PORT, ps (who
 * is PID 1), or hostname — the output as the container printed it.
 */
export default function Probes({ token, pod, containers, defaultPort }: Props) {
  // What the user picked; until then the last container (the sandbox is first, and may lack the probes' tools).
  const [picked, setPicked] = useState<string | null>(null);
  const [probe, setProbe] = useState<ProbeKind>("fetch");
  const [port, setPort] = useState(defaultPort);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ProbeResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const target = containers.some((c) => c.name === picked) ? picked! : (containers.at(-1)?.name ?? "");

  async function run() {
    setBusy(true);
    setError(null);
    try {
      setResult(await runProbe(token, pod, probe === "fetch" ? { probe, container: target, port } : { probe, container: target }));
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError ? `${err.message}${err.detail ? `: ${err.detail}` : ""}` : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (containers.length === 0) return null;
  return (
    <div className="mt-2 rounded border border-slate-200 bg-slate-50 p-2 text-sm" data-testid="probes" data-pod={pod}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">Probe</span>
        <label className="flex items-center gap-1">
          in
          <select aria-label="Container" value={target} onChange={(e) => setPicked(e.target.value)} className="rounded border border-slate-300 bg-white px-1">
            {containers.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <select aria-label="Probe" value={probe} onChange={(e) => setProbe(e.target.value as ProbeKind)} className="rounded border border-slate-300 bg-white px-1">
          {PROBE_KINDS.map((k) => (
            <option key={k} value={k}>
              {PROBE_LABELS[k]}
            </option>
          ))}
        </select>
        {probe === "fetch" && (
          <label className="flex items-center gap-1">
            port
            <input
              aria-label="Port"
              type="number"
              min={1}
              max={65535}
              value={port}
              onChange={(e) => setPort(Number(e.target.value))}
              className="w-20 rounded border border-slate-300 px-1"
            />
          </label>
        )}
        <button
          type="button"
          onClick={run}
          disabled={busy || !target}
          className="rounded bg-slate-700 px-2 py-0.5 font-medium text-white hover:bg-slate-800 disabled:opacity-50"
        >
          {busy ? "Running…" : "Run"}
        </button>
      </div>
      {error && (
        <p role="alert" className="mt-1 text-red-800">
          {error}
        </p>
      )}
      {result && (
        <div className="mt-1" data-testid="probe-result">
          <div className="font-mono text-xs text-slate-600">
            $ docker exec {result.container} {result.argv.join(" ")}
            <span className="ml-2">
              → exit {result.exitCode ?? "?"}
              {result.timedOut && ", timed out"}
              {result.truncated && ", output cut"}
            </span>
          </div>
          <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded bg-slate-900 p-2 font-mono text-xs text-slate-100" data-testid="probe-output">
            {result.output || "(no output)"}
          </pre>
        </div>
      )}
    </div>
  );
}
