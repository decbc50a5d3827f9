"use client";

import Link from "next/link";
import { useState } from "react";
import type { RuntimeKind, Snapshot } from "@/lib/model/types";
import { ApiError, createDemoPod, deletePod } from "@/lib/view/api-client";
import { chosenRuntime, creatableRuntimes } from "@/lib/view/runtimes";
import { isRuntimeFault } from "@/lib/model/runtime-status";
import { useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import ConnectionIndicator from "./ConnectionIndicator";
import ContainerDetails from "./ContainerDetails";
import Timeline from "./Timeline";
import EngineBanner from "./EngineBanner";
import RuntimeFaults from "./RuntimeFaults";
import RuntimePicker from "./RuntimePicker";
import HostPanel from "./HostPanel";
import NamespaceLegend from "./NamespaceLegend";
import CgroupTree from "./CgroupTree";
import NamespaceMatrix from "./NamespaceMatrix";
import PodGraph from "./PodGraph";
import PodList from "./PodList";
import CgroupLegend from "./CgroupLegend";
import ExportMenu from "./ExportMenu";
import PresentationToggle from "./PresentationToggle";
import RecordingBanner, { RecordingMark } from "./RecordingBanner";
import SampleOffer from "./SampleOffer";
import SnapshotFile from "./SnapshotFile";
import type { LoadedSnapshot } from "@/lib/model/snapshot-schema";
import { captionOf } from "@/lib/view/export";
import ProcessTree from "./ProcessTree";
import PullProgress from "./PullProgress";
import ViewTabs, { panelId, tabId, type View } from "./ViewTabs";

type Notice = { kind: "info" | "error"; text: string; detail?: string } | null;

function describe(err: unknown): Notice {
  if (err instanceof ApiError) return { kind: "error", text: err.message, detail: err.detail };
  return { kind: "error", text: String(err) };
}

export default function Dashboard({ token }: { token: string }) {
  // Container changes arrive as deltas of the snapshot at once; usage with a delta every 2 s.
  const { data, error, mutate, connection, version } = useLiveSnapshot();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  /** A snapshot file or the built-in sample: shown instead of the live snapshot until "Back to live". */
  const [recording, setRecording] = useState<{ loaded: LoadedSnapshot; source: string } | null>(null);
  const shown = recording?.loaded.snapshot ?? data;
  const [view, setView] = useState<View>("graph");

  const selected = shown && selectedId && shown.containers.some((c) => c.id === selectedId) ? selectedId : null;
  /** The selected container's pod, for its timeline: live only (a recording's pods have no history on this server). */
  const timelinePod = !recording && data && selected ? data.pods.find((p) => p.id === data.containers.find((c) => c.id === selected)?.podId) : undefined;
  const creatable = creatableRuntimes(data);
  const [wantedRuntime, setWantedRuntime] = useState<RuntimeKind | null>(null);
  const runtime = chosenRuntime(creatable, wantedRuntime);
  const anyRuntimeOk = (data?.runtimes ?? []).some((r) => r.state === "ok");

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
      const { pod } = await createDemoPod(token, runtime ?? "docker");
      const on = creatable.find((r) => r.kind === runtime)?.name ?? "Docker";
      return `Created demo pod ${pod.name} on ${on}. The blog answers through the proxy at http://localhost:8880/`;
    });
  const onDelete = (name: string) =>
    act(`delete:${name}`, async () => {
      const { removed } = await deletePod(token, name);
      return `Deleted pod ${name}: removed ${removed.join(", ")}.`;
    });

  return (
    // data-snapshot-version: the version shown (the bench times from its arrival to the frame showing it).
    <div className="flex min-h-screen flex-col" data-snapshot-version={recording ? undefined : version}>
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <div className="mr-auto">
          <h1 className="text-2xl font-bold tracking-tight">Pod Anatomy</h1>
          <p className="text-sm text-slate-600">
            A pod is a pause container holding namespaces, app containers that join them, and cgroups that limit them all.
          </p>
        </div>
        {data && <HostSummary snapshot={data} />}
        <ConnectionIndicator connection={connection} />
        <RuntimePicker choices={creatable} value={runtime} onChange={setWantedRuntime} />
        <button
          type="button"
          data-control
          onClick={onCreate}
          disabled={runtime === null || busy !== null}
          title={runtime !== null ? "pause + nginx + ghost, sharing the pod's namespaces" : "No runtime answers: see the message below"}
          className="rounded-md bg-indigo-600 px-4 py-2 text-base font-semibold text-white shadow hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-slate-400"
        >
          {busy === "create" ? "Creating…" : "Create demo pod"}
        </button>
        <Link href="/catalogue" className="rounded-md border border-indigo-300 px-3 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50">
          Catalogue &amp; builder
        </Link>
        <Link href="/challenges" className="rounded-md border border-indigo-300 px-3 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50">
          Challenges
        </Link>
        <SnapshotFile
          current={recording?.loaded ?? (data ? { snapshot: data, sample: null } : null)}
          onLoad={(loaded, fileName) => setRecording({ loaded, source: fileName })}
          onError={(text, detail) => setNotice({ kind: "error", text, detail })}
        />
        <ExportMenu caption={captionOf(data, recording?.loaded ?? null)} />
        <PresentationToggle />
      </header>

      {busy === "create" && (
        <div data-control className="px-6">
          <PullProgress />
        </div>
      )}
      {notice && (
        <div
          role={notice.kind === "error" ? "alert" : "status"}
          data-testid="notice"
          data-control
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
      {data?.engine.state === "unreachable" && !anyRuntimeOk && <EngineBanner engine={data.engine} />}
      {data && <RuntimeFaults runtimes={data.runtimes} />}
      {data?.engine.state === "unreachable" && !anyRuntimeOk && !recording && <SampleOffer onShow={(loaded) => setRecording({ loaded, source: "built-in sample" })} />}
      {recording && <RecordingBanner loaded={recording.loaded} source={recording.source} onBackToLive={() => setRecording(null)} />}

      {/* The graph keeps the details beside it; the wide views (matrix, tree, processes) take the full width, the side panels go below. */}
      <main className={`flex flex-1 flex-col gap-4 p-6 ${view === "graph" ? "lg:flex-row lg:items-start" : ""}`}>
        <div className={`flex min-w-0 flex-1 flex-col ${view === "graph" ? "lg:sticky lg:top-4" : ""}`}>
          <ViewTabs view={view} onChange={setView} />
          {view === "graph" ? (
            <section
              id={panelId("graph")}
              role="tabpanel"
              data-canvas
              className="relative h-[70vh] min-h-[480px] rounded-b-lg border border-t-0 border-slate-200 bg-white lg:h-[calc(100vh-10rem)]"
              aria-label="Pod graph"
            >
              {recording && <RecordingMark kind={recording.loaded.sample ? "sample" : "recording"} className="absolute top-3 left-3 z-10" />}
              {shown ? (
                <PodGraph snapshot={shown} selectedId={selected} onSelect={setSelectedId} />
              ) : (
                <p className="p-6 text-slate-500">Reading the kernel and the engine…</p>
              )}
            </section>
          ) : (
            <section id={panelId(view)} role="tabpanel" aria-labelledby={tabId(view)} className="rounded-b-lg border border-t-0 border-slate-200 bg-white p-5">
              {!shown ? (
                <p className="text-slate-500">Reading the kernel and the engine…</p>
              ) : view === "namespaces" ? (
                <NamespaceMatrix snapshot={shown} />
              ) : view === "cgroups" ? (
                <CgroupTree snapshot={shown} />
              ) : (
                <ProcessTree snapshot={shown} />
              )}
            </section>
          )}
        </div>
        <aside className={view === "graph" ? "flex w-full flex-col gap-4 lg:w-[440px]" : "grid w-full items-start gap-4 lg:grid-cols-2 2xl:grid-cols-3"}>
          {shown && selected && <ContainerDetails snapshot={shown} containerId={selected} onClose={() => setSelectedId(null)} />}
          {timelinePod && <Timeline key={timelinePod.id} podId={timelinePod.id} podName={timelinePod.name} />}
          {shown && (
            <div data-control className="contents">
              {/* A recording's pods are not this engine's: their Delete buttons stay disabled. */}
              <PodList snapshot={shown} busy={recording ? "recording" : busy} onDelete={onDelete} onSelect={setSelectedId} />
            </div>
          )}
          {data && !anyRuntimeOk && <HostPanel snapshot={data} />}
          <NamespaceLegend />
          <CgroupLegend />
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
      {host.self && (
        <div data-testid="host-self">
          <dt className="text-slate-500">Pod Anatomy runs in</dt>
          <dd className="font-medium">container {host.self.containerId ? host.self.containerId.slice(0, 12) : "(id not found)"}</dd>
        </div>
      )}
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
      {snapshot.runtimes
        .filter((r) => r.kind !== "docker" && (r.state === "ok" || isRuntimeFault(r)))
        .map((r) => (
          <div key={r.id} data-testid={`runtime-${r.kind}`} data-state={r.state}>
            <dt className="text-slate-500">
              {r.name}
              {r.node ? ` (node ${r.node})` : ""}
            </dt>
            <dd className="font-medium">{r.state === "ok" ? r.version : "unreachable"}</dd>
          </div>
        ))}
    </dl>
  );
}
