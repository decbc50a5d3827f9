"use client";
import Link from "next/link";

import { useState } from "react";
import {
  CATALOGUE,
  catalogueInstances,
  podContainers,
  podStatus,
  podZombies,
  sharingOf,
  type CatalogueEntry,
} from "@/lib/model/catalogue";
import type { OrphanResult } from "@/lib/model/pod-probes";
import { SPEC_NAMESPACES } from "@/lib/model/pod-spec";
import { K8S_CONTAINER_NAME, LABEL_ROLE, type Container, type Pod, type RuntimeKind, type Snapshot } from "@/lib/model/types";
import { ApiError, createCatalogueEntry, deletePod, makeOrphan } from "@/lib/view/api-client";
import { formatBytes, formatLimit } from "@/lib/view/format";
import { chosenRuntime, creatableRuntimes } from "@/lib/view/runtimes";
import { useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import Probes from "./Probes";
import RuntimeFaults from "./RuntimeFaults";
import RuntimePicker from "./RuntimePicker";
import PullProgress from "./PullProgress";

type Notice = { kind: "info" | "error"; text: string } | null;

function describe(err: unknown): string {
  return err instanceof ApiError ? `${err.message}${err.detail ? `: ${err.detail}` : ""}` : String(err);
}

/**
 * The catalogue of classic experiments: each entry one click away, with what to look at,
 * and for each pod it made the facts that prove it (namespaces shared, PID 1, limits,
 * phase, zombies) read live from the kernel and the engine, probes, and Delete.
 */
export default function Catalogue({ token }: { token: string }) {
  const { data, mutate } = useLiveSnapshot();
  const [busy, setBusy] = useState<string | null>(null);
  const [notices, setNotices] = useState<Record<string, Notice>>({});
  const creatable = creatableRuntimes(data);
  const [wantedRuntime, setWantedRuntime] = useState<RuntimeKind | null>(null);
  const runtime = chosenRuntime(creatable, wantedRuntime);

  async function act(key: string, entry: string, fn: () => Promise<string>) {
    setBusy(key);
    setNotices((n) => ({ ...n, [entry]: null }));
    try {
      const text = await fn();
      setNotices((n) => ({ ...n, [entry]: { kind: "info", text } }));
    } catch (err) {
      setNotices((n) => ({ ...n, [entry]: { kind: "error", text: describe(err) } }));
    } finally {
      setBusy(null);
      await mutate();
    }
  }

  return (
    <div className="flex flex-col gap-4">
      {data && runtime === null && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
          No runtime answers, so no pod can be made.{" "}
          {data.engine.state === "unreachable" && `${data.engine.message} ${data.engine.hint}`}
        </p>
      )}
      {data && <RuntimeFaults runtimes={data.runtimes} />}
      <RuntimePicker choices={creatable} value={runtime} onChange={setWantedRuntime} />
      {CATALOGUE.map((entry) => (
        <EntryCard
          key={entry.id}
          entry={entry}
          snapshot={data ?? null}
          token={token}
          busy={busy}
          canCreate={runtime !== null}
          runtime={runtime}
          notice={notices[entry.id] ?? null}
          onCreate={() =>
            act(`create:${entry.id}`, entry.id, async () => {
              const { pods } = await createCatalogueEntry(token, entry.id, runtime ?? "docker");
              return `Created ${pods.map((p) => p.name).join(" and ")} on ${creatable.find((r) => r.kind === runtime)?.name ?? "Docker"}.`;
            })
          }
          onDelete={(pods) =>
            act(`delete:${pods.join(",")}`, entry.id, async () => {
              for (const pod of pods) await deletePod(token, pod);
              return `Deleted ${pods.join(" and ")}.`;
            })
          }
        />
      ))}
    </div>
  );
}

interface CardProps {
  entry: CatalogueEntry;
  snapshot: Snapshot | null;
  token: string;
  busy: string | null;
  canCreate: boolean;
  /** The runtime picked: Step by step builds on it too. */
  runtime: RuntimeKind | null;
  notice: Notice;
  onCreate: () => void;
  onDelete: (pods: string[]) => void;
}

function EntryCard({ entry, snapshot, token, busy, canCreate, runtime, notice, onCreate, onDelete }: CardProps) {
  const instances = snapshot ? catalogueInstances(snapshot, entry.id) : [];
  return (
    <section data-entry={entry.id} aria-label={entry.title} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h2 className="text-lg font-semibold">
            {entry.number}. {entry.title}
          </h2>
          <p className="mt-1 max-w-4xl text-sm text-slate-700">{entry.caption}</p>
          {entry.hostPort !== null && <p className="mt-1 text-xs text-slate-500">Publishes 127.0.0.1:{entry.hostPort}: one at a time.</p>}
        </div>
        <button
          type="button"
          onClick={onCreate}
          disabled={!canCreate || busy !== null}
          className="rounded-md bg-indigo-600 px-3 py-1.5 font-semibold text-white shadow hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-slate-400"
        >
          {busy === `create:${entry.id}` ? "Creating…" : "Create"}
        </button>
        <Link href={`/steps?entry=${entry.id}${runtime ? `&runtime=${runtime}` : ""}`} className="rounded-md border border-indigo-300 px-3 py-1.5 font-semibold text-indigo-700 hover:bg-indigo-50">
          Step by step
        </Link>
      </div>
      {busy === `create:${entry.id}` && <PullProgress />}
      {notice && (
        <p
          role={notice.kind === "error" ? "alert" : "status"}
          data-testid="entry-notice"
          className={`mt-2 rounded border px-3 py-1 text-sm ${notice.kind === "error" ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
        >
          {notice.text}
        </p>
      )}
      {snapshot &&
        instances.map((instance) => (
          <div key={instance.suffix} data-instance={instance.suffix} className="mt-3 rounded-md border border-slate-200 p-3">
            <div className="flex items-center gap-2">
              <span className="text-sm text-slate-500">{instance.pods.length > 1 ? "pods" : "pod"}</span>
              <span className="font-semibold">{instance.pods.map((p) => p.name).join(" · ")}</span>
              <button
                type="button"
                onClick={() => onDelete(instance.pods.map((p) => p.name))}
                disabled={busy !== null}
                className="ml-auto rounded border border-red-300 px-2 py-0.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
              >
                {busy === `delete:${instance.pods.map((p) => p.name).join(",")}` ? "Deleting…" : "Delete"}
              </button>
            </div>
            <div className={`mt-2 grid gap-3 ${instance.pods.length > 1 ? "xl:grid-cols-2" : ""}`}>
              {instance.pods.map((pod) => (
                <PodFacts key={pod.id} entry={entry} pod={pod} snapshot={snapshot} token={token} />
              ))}
            </div>
          </div>
        ))}
    </section>
  );
}

/** PID 1 of the pid namespace a container's init process is in: its command name. */
function pidOneOf(snapshot: Snapshot, c: Container): string | null {
  const pidNs = snapshot.processes.find((p) => p.pid === c.pid)?.pidNs;
  if (pidNs === undefined || pidNs === null) return null;
  return snapshot.processes.find((p) => p.pidNs === pidNs && p.nspid.at(-1) === 1)?.name ?? null;
}

const SHARING_STYLE = {
  sandbox: "bg-indigo-100 text-indigo-900",
  host: "bg-amber-100 text-amber-900",
  own: "bg-slate-100 text-slate-600",
  holds: "bg-indigo-50 text-indigo-700",
} as const;

function PodFacts({ entry, pod, snapshot, token }: { entry: CatalogueEntry; pod: Pod; snapshot: Snapshot; token: string }) {
  const containers = podContainers(snapshot, pod);
  const status = podStatus(containers);
  const running = containers.filter((c) => c.state === "running");
  // The sandbox holds what its members share with it; the rest is its own.
  const held = new Set(containers.flatMap((c) => c.sharedWithSandbox));
  return (
    <div data-pod-facts={pod.name} className="min-w-0">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-mono font-semibold">{pod.name}</span>
        <span className="rounded bg-slate-800 px-1.5 font-mono text-xs text-white" data-testid="pod-phase">
          {status.phase}
        </span>
        <span className="font-mono text-xs text-slate-600" data-testid="pod-ready">
          READY {status.ready}
        </span>
        {pod.k8sNamespace && <span className="text-xs text-slate-600">Kubernetes namespace {pod.k8sNamespace}</span>}
      </div>
      <div className="mt-1 overflow-x-auto">
        <table className="w-full text-left text-xs" data-testid="pod-containers">
          <thead className="text-slate-500">
            <tr>
              <th className="pr-2 font-medium">container</th>
              <th className="pr-2 font-medium">state</th>
              <th className="pr-2 font-medium">PID 1</th>
              {SPEC_NAMESPACES.map((t) => (
                <th key={t} className="pr-1 font-medium">
                  {t}
                </th>
              ))}
              <th className="pr-2 font-medium">memory limit</th>
              <th className="font-medium">cgroup</th>
            </tr>
          </thead>
          <tbody>
            {containers.map((c) => {
              const sharing = sharingOf(c);
              const isSandbox = c.id === pod.sandboxId;
              return (
                <tr key={c.id} data-container={c.name} className="border-t border-slate-100 align-top">
                  <td className="pr-2 font-mono">
                    {isSandbox ? "⬢ " : "○ "}
                    {c.name}
                    <span className="ml-1 text-slate-400">{c.labels[LABEL_ROLE] === "init" ? "(init)" : ""}</span>
                    <div className="text-[10px] text-slate-500">
                      {c.image} · {c.imageSource === "real" ? "real image" : c.imageSource === "stand-in" ? "stand-in image" : "image"}
                    </div>
                  </td>
                  <td className="pr-2">{c.state}</td>
                  <td className="pr-2 font-mono" data-testid="pid-one">
                    {c.state === "running" ? (pidOneOf(snapshot, c) ?? "—") : ""}
                  </td>
                  {SPEC_NAMESPACES.map((t) => {
                    const kind = isSandbox && sharing[t] !== "host" && held.has(t) ? "holds" : sharing[t];
                    return (
                      <td key={t} className="pr-1" data-ns={t}>
                        {c.state === "running" && <span className={`rounded px-1 ${SHARING_STYLE[kind]}`}>{kind === "sandbox" ? "shared" : kind}</span>}
                      </td>
                    );
                  })}
                  <td className="pr-2" data-testid="memory-limit">
                    {c.limits ? formatLimit(c.limits.memoryLimit, formatBytes) ?? "not read" : ""}
                  </td>
                  <td className="break-all font-mono text-[10px] text-slate-600">{c.cgroupPath ?? ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {entry.id === "node-look-alike" && <KubernetesLabels containers={containers} />}
      {entry.id === "reaping" && <Reaping pod={pod} snapshot={snapshot} containers={containers} token={token} />}
      <Probes token={token} pod={pod.name} containers={running} defaultPort={80} />
    </div>
  );
}

function KubernetesLabels({ containers }: { containers: Container[] }) {
  return (
    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 text-xs" aria-label="Kubernetes labels">
      {containers.flatMap((c) =>
        Object.entries(c.labels)
          .filter(([k]) => k.startsWith("io.kubernetes."))
          .map(([k, v]) => (
            <div key={`${c.id}:${k}`} className="contents">
              <dt className="font-mono text-slate-500">{c.labels[K8S_CONTAINER_NAME]}</dt>
              <dd className="font-mono">
                {k}={v}
              </dd>
            </div>
          )),
      )}
    </dl>
  );
}

/** Entry 4: make an orphan in the pod's shell; count the zombies (state Z) in the pod. */
function Reaping({ pod, snapshot, containers, token }: { pod: Pod; snapshot: Snapshot; containers: Container[]; token: string }) {
  const [made, setMade] = useState<OrphanResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shell = containers.find((c) => c.labels[LABEL_ROLE] === "app" && c.state === "running");
  const zombies = podZombies(snapshot, containers);
  const sandbox = containers.find((c) => c.id === pod.sandboxId);

  async function orphan() {
    if (!shell) return;
    setBusy(true);
    setError(null);
    try {
      const result = await makeOrphan(token, pod.name, shell.name);
      setMade((m) => [...m, result]);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 rounded border border-slate-200 p-2 text-sm">
      <span>
        PID 1: <span className="font-mono font-semibold">{sandbox ? pidOneOf(snapshot, sandbox) : "—"}</span>
      </span>
      <span>
        zombies:{" "}
        <span data-testid="zombies" className={`font-mono text-lg font-bold ${zombies.length > 0 ? "text-red-700" : "text-emerald-700"}`}>
          {zombies.length}
        </span>
      </span>
      {zombies.length > 0 && (
        <span className="font-mono text-xs text-slate-600">
          {zombies.map((z) => `PID ${z.pid} (${z.nspid.at(-1)} in the pod) ${z.name} <defunct>, parent ${z.ppid}`).join("; ")}
        </span>
      )}
      <button
        type="button"
        onClick={orphan}
        disabled={busy || !shell}
        className="ml-auto rounded bg-slate-700 px-2 py-0.5 font-medium text-white hover:bg-slate-800 disabled:opacity-50"
      >
        {busy ? "Making…" : "Make an orphan"}
      </button>
      {made.length > 0 && (
        <span className="w-full text-xs text-slate-600" data-testid="orphans-made">
          Orphans made: {made.map((o) => `sleep 1 as PID ${o.pid}`).join(", ")} — its parent shell exited at once, so the kernel made PID 1 its parent.
        </span>
      )}
      {error && (
        <p role="alert" className="w-full text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
