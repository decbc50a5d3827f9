"use client";

import { useState } from "react";
import useSWR from "swr";
import type { Snapshot } from "@/lib/model/types";
import { ApiError, createDemoPod, deletePod, fetchSnapshot } from "@/lib/view/api-client";
import ContainerDetails from "./ContainerDetails";
import EngineBanner from "./EngineBanner";
import HostPanel from "./HostPanel";
import NamespaceLegend from "./NamespaceLegend";
import PodGraph from "./PodGraph";
import PodList from "./PodList";

/** How often the snapshot is refreshed: pods appearing or vanishing show up without a reload. */
const REFRESH_MS = 2000;

type Notice = { kind: "info" | "error"; text: string; detail?: string } | null;

function describe(err: unknown): Notice {
  if (err instanceof ApiError) return { kind: "error", text: err.message, detail: err.detail };
  return { kind: "error", text: String(err) };
}

export default function Dashboard({ token }: { token: string }) {
  const { data, error, mutate } = useSWR<Snapshot>("/api/snapshot", fetchSnapshot, { refreshInterval: REFRESH_MS });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  const selected = data && selectedId && data.containers.some((c) => c.id === selectedId) ? selectedId : null;
  const engineOk = data?.engine.state === "ok";

  async function act(label: string, fn: () => Promise<string>) {
    setBusy(label);
    setNotice(null);
    try {
      setNotice({ kind: "info", text: await fn() });
    } catch (err) {
      setNotice(describe(err));
    } finally {
      setBusy(null);
      await mutate();
    }
  }

  const onCreate = () =>
    act("create", async () => {
      const { pod } = await createDemoPod(token);
      return `Created demo pod ${pod.name}. The blog answers through the proxy at http://localhost:8880/`;
    });
  const onDelete = (name: string) =>
    act(`delete:${name}`, async () => {
      const { removed } = await deletePod(token, name);
      return `Deleted pod ${name}: removed ${removed.join(", ")}.`;
    });

  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <div className="mr-auto">
          <h1 className="text-2xl font-bold tracking-tight">Pod Anatomy</h1>
          <p className="text-sm text-slate-600">
            A pod is a pause container holding namespaces, app containers that join them, and cgroups that limit them all.
          </p>
        </div>
        {data && <HostSummary snapshot={data} />}
        <button
          type="button"
          onClick={onCreate}
          disabled={!engineOk || busy !== null}
          title={engineOk ? "pause + nginx + ghost, sharing net, ipc and pid" : "No Docker engine: see the message below"}
          className="rounded-md bg-indigo-600 px-4 py-2 text-base font-semibold text-white shadow hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-slate-400"
        >
          {busy === "create" ? "Creating…" : "Create demo pod"}
        </button>
      </header>

      {notice && (
        <div
          role={notice.kind === "error" ? "alert" : "status"}
          data-testid="notice"
          className={`mx-6 mt-3 rounded-md border px-4 py-2 text-sm ${
            notice.kind === "error" ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"
          }`}
        >
          <strong>{notice.text}</strong>
          {notice.detail && <span className="ml-2">{notice.detail}</span>}
        </div>
      )}
      {error && (
        <div role="alert" className="mx-6 mt-3 rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
          Cannot load the snapshot from this server: {String((error as Error).message ?? error)}. Is the server still running?
        </div>
      )}
      {data?.engine.state === "unreachable" && <EngineBanner engine={data.engine} />}

      <main className="flex flex-1 flex-col gap-4 p-6 lg:flex-row lg:items-start">
        <section className="h-[70vh] min-h-[480px] flex-1 rounded-lg border border-slate-200 bg-white lg:sticky lg:top-4 lg:h-[calc(100vh-7rem)]" aria-label="Pod graph">
          {data ? (
            <PodGraph snapshot={data} selectedId={selected} onSelect={setSelectedId} />
          ) : (
            <p className="p-6 text-slate-500">Reading the kernel and the engine…</p>
          )}
        </section>
        <aside className="flex w-full flex-col gap-4 lg:w-[440px]">
          {data && selected && <ContainerDetails snapshot={data} containerId={selected} onClose={() => setSelectedId(null)} />}
          {data && <PodList snapshot={data} busy={busy} onDelete={onDelete} onSelect={setSelectedId} />}
          {data && !engineOk && <HostPanel snapshot={data} />}
          <NamespaceLegend />
          {data && data.warnings.length > 0 && (
            <ul className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" aria-label="Warnings">
              {data.warnings.map((w) => (
                <li key={w.code}>{w.message}</li>
              ))}
            </ul>
          )}
        </aside>
      </main>
    </div>
  );
}

function HostSummary({ snapshot }: { snapshot: Snapshot }) {
  const { host, engine } = snapshot;
  return (
    <dl className="flex gap-4 text-sm" aria-label="Host">
      <div>
        <dt className="text-slate-500">host</dt>
        <dd className="font-medium">{host.hostname}</dd>
      </div>
      <div>
        <dt className="text-slate-500">kernel</dt>
        <dd className="font-medium">{host.kernel}</dd>
      </div>
      <div>
        <dt className="text-slate-500">cgroup</dt>
        <dd className="font-medium">{host.cgroupVersion}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Docker</dt>
        <dd className="font-medium" data-testid="engine-state">
          {engine.state === "ok" ? engine.version : "unreachable"}
        </dd>
      </div>
    </dl>
  );
}
