"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState, type CSSProperties } from "react";
import type { RuntimeKind, Snapshot } from "@/lib/model/types";
import { ApiError, createDemoPod, deletePod } from "@/lib/view/api-client";
import { chosenRuntime, creatableRuntimes } from "@/lib/view/runtimes";
import { isRuntimeFault } from "@/lib/model/runtime-status";
import { useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import { useFillViewport } from "@/lib/view/use-fill-viewport";
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
import PodOverview from "./PodOverview";
import FocusBar, { FocusMissing } from "./FocusBar";
import { snapshotOfPod } from "@/lib/model/snapshot-subset";
import { dashboardSearch, parseDashboardSearch, viewOf, type DashboardLocation } from "@/lib/view/focus-url";
import { findPod, NO_FILTER, podRef, type OverviewFilter, type Tile } from "@/lib/view/overview";

type Notice = { kind: "info" | "error"; text: string; detail?: string } | null;

function describe(err: unknown): Notice {
  if (err instanceof ApiError) return { kind: "error", text: err.message, detail: err.detail };
  return { kind: "error", text: String(err) };
}

export default function Dashboard({ token }: { token: string }) {
  // Container changes arrive as deltas of the snapshot at once; usage with a delta every 2 s.
  const { data, error, mutate, connection, version } = useLiveSnapshot();
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  /** A snapshot file or the built-in sample: shown instead of the live snapshot until "Back to live". */
  const [recording, setRecording] = useState<{ loaded: LoadedSnapshot; source: string } | null>(null);
  const shown = recording?.loaded.snapshot ?? data;

  // The URL holds the pod in focus (?pod=NAME: a link for a slide) and the view (?view=); the
  // history API keeps it (Next's router follows pushState), so Back leaves the focus.
  const location = parseDashboardSearch(useSearchParams());
  const hasPods = (shown?.pods.length ?? 0) > 0;
  const view: View = viewOf(location, hasPods);
  const lookup = shown && location.pod !== null ? findPod(shown.pods, location.pod) : null;
  const focusedPod = lookup?.kind === "found" ? lookup.pod : null;
  /** What the views draw: the pod in focus alone (null while it is not found), else everything. */
  const focusSnapshot = useMemo(() => (shown && focusedPod ? snapshotOfPod(shown, focusedPod.id) : null), [shown, focusedPod]);
  const viewSnapshot = location.pod === null ? shown : focusSnapshot;
  const navigate = (next: DashboardLocation, mode: "push" | "replace") => {
    const url = `${window.location.pathname}${dashboardSearch(next, window.location.search, hasPods)}${window.location.hash}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  };
  const focus = (ref: string | null) => navigate({ pod: ref, view: null }, "push");
  const setView = (next: View) => navigate({ pod: location.pod, view: next }, "replace");

  // The container whose details are open. undefined: the default — the sandbox of the pod in focus.
  const [selectedId, setSelectedId] = useState<string | null | undefined>(undefined);
  const [selectionFor, setSelectionFor] = useState(location.pod);
  if (selectionFor !== location.pod) {
    setSelectionFor(location.pod);
    setSelectedId(undefined);
  }
  const wanted = selectedId === undefined ? (focusedPod?.sandboxId ?? null) : selectedId;
  const selected = shown && wanted && shown.containers.some((c) => c.id === wanted) ? wanted : null;
  /**
   * The details beside the main panel: for the overview once a container's are open (from
   * 1024 px), and for the graph from 1536 px — narrower, the graph takes the full width (at
   * 1280×720 a focused pod's smallest text is then 14.8 px instead of 10.8) and they go below.
   */
  const layout =
    view === "graph"
      ? { main: "2xl:flex-row 2xl:items-start", panel: "2xl:sticky 2xl:top-4", aside: "grid w-full items-start gap-4 lg:grid-cols-2 2xl:flex 2xl:w-[440px] 2xl:flex-col 2xl:items-stretch" }
      : view === "overview" && selected !== null
        ? { main: "lg:flex-row lg:items-start", panel: "", aside: "flex w-full flex-col gap-4 lg:w-[440px]" }
        : { main: "", panel: "", aside: "grid w-full items-start gap-4 lg:grid-cols-2 2xl:grid-cols-3" };
  const { ref: graphPanel, height: graphHeight } = useFillViewport();
  /** "Show the sample pod": the sample, its pod in focus. */
  const showSample = (loaded: LoadedSnapshot) => {
    setRecording({ loaded, source: "built-in sample" });
    const [only, ...more] = loaded.snapshot.pods;
    if (only && more.length === 0) focus(podRef(only, loaded.snapshot.pods));
  };
  /** Back to live: a recording's pod in focus is not on this host, so the focus goes with it. */
  const backToLive = () => {
    setRecording(null);
    if (location.pod !== null && data && findPod(data.pods, location.pod).kind !== "found") navigate({ pod: null, view: null }, "replace");
  };
  const [overviewFilter, setOverviewFilter] = useState<OverviewFilter>(NO_FILTER);
  const onChooseTile = (tile: Tile) => {
    if (tile.kind === "pod") focus(tile.ref);
    else setSelectedId(tile.id);
  };
  /** The selected container's pod, for its timeline: live only (a recording's pods have no history on this server). */
  const timelinePod = !recording && data && selected ? data.pods.find((p) => p.id === data.containers.find((c) => c.id === selected)?.podId) : undefined;
  const creatable = creatableRuntimes(data);
  const [wantedRuntime, setWantedRuntime] = useState<RuntimeKind | null>(null);
  const runtime = chosenRuntime(creatable, wantedRuntime);
  const anyRuntimeOk = (data?.runtimes ?? []).some((r) => r.state === "ok");

  /** Run an action, say how it went, refetch the snapshot; then `after` (when it succeeded). */
  async function act(label: string, fn: () => Promise<string>, after?: () => void) {
    setBusy(label);
    setNotice(null);
    let ok = false;
    try {
      setNotice({ kind: "info", text: await fn() });
      ok = true;
    } catch (err) {
      setNotice(describe(err));
    } finally {
      setBusy(null);
      await mutate();
    }
    if (ok) after?.();
  }

  const onCreate = () => {
    let made: string | null = null;
    return act(
      "create",
      async () => {
        const { pod } = await createDemoPod(token, runtime ?? "docker");
        made = pod.name;
        const on = creatable.find((r) => r.kind === runtime)?.name ?? "Docker";
        return `Created demo pod ${pod.name} on ${on}. The blog answers through the proxy at http://localhost:8880/`;
      },
      // The new pod, in focus: what a trainer wants to show next. Back returns to where they were.
      () => {
        if (made !== null && !recording) focus(made);
      },
    );
  };
  const onDelete = (name: string) =>
    act(
      `delete:${name}`,
      async () => {
        const { removed } = await deletePod(token, name);
        return `Deleted pod ${name}: removed ${removed.join(", ")}.`;
      },
      // The pod in focus is gone: back to all of them, in place of the focus (Back would only lead to its absence).
      () => {
        if (focusedPod?.name === name && !recording) navigate({ pod: null, view: null }, "replace");
      },
    );

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
      {data?.engine.state === "unreachable" && !anyRuntimeOk && !recording && <SampleOffer onShow={showSample} />}
      {recording && <RecordingBanner loaded={recording.loaded} source={recording.source} onBackToLive={backToLive} />}

      {/* The side panels beside the main one or below it: see `layout`. */}
      <main className={`flex flex-1 flex-col gap-4 p-6 ${layout.main}`}>
        <div className={`flex min-w-0 flex-1 flex-col ${layout.panel}`}>
          {location.pod !== null && (
            <FocusBar
              podRef={location.pod}
              pod={focusedPod}
              snapshot={shown}
              recording={recording !== null}
              onAllPods={() => focus(null)}
            />
          )}
          <ViewTabs view={view} onChange={setView} />
          {view === "graph" ? (
            <section
              ref={graphPanel}
              id={panelId("graph")}
              role="tabpanel"
              data-canvas
              // The first screen's height below the header (measured; presentation mode sizes it in theme.css), on one-column screens 70vh.
              style={graphHeight !== null ? ({ "--fill-height": `${graphHeight}px` } as CSSProperties) : undefined}
              className={`relative h-[70vh] min-h-[480px] rounded-b-lg border border-t-0 border-slate-200 bg-white ${graphHeight !== null ? "lg:h-(--fill-height)" : ""}`}
              aria-label={focusedPod ? `Pod graph of pod ${focusedPod.name}` : "Pod graph"}
            >
              {recording && <RecordingMark kind={recording.loaded.sample ? "sample" : "recording"} className="absolute top-3 left-3 z-10" />}
              {!shown ? (
                <p className="p-6 text-slate-500">Reading the kernel and the engine…</p>
              ) : viewSnapshot ? (
                <PodGraph
                  key={focusedPod?.id ?? "all"}
                  snapshot={viewSnapshot}
                  selectedId={selected}
                  onSelect={setSelectedId}
                  compact={focusedPod !== null}
                  title={focusedPod ? `Pod ${focusedPod.name}` : "Pod graph"}
                />
              ) : (
                lookup && lookup.kind !== "found" && <FocusMissing podRef={location.pod!} lookup={lookup} pods={shown.pods} recording={recording !== null} onFocus={focus} />
              )}
            </section>
          ) : (
            <section id={panelId(view)} role="tabpanel" aria-labelledby={tabId(view)} className="rounded-b-lg border border-t-0 border-slate-200 bg-white p-5">
              {!shown ? (
                <p className="text-slate-500">Reading the kernel and the engine…</p>
              ) : view === "overview" ? (
                <div data-export-view="Pod overview" className="relative">
                  {recording && (
                    <div className="mb-3">
                      <RecordingMark kind={recording.loaded.sample ? "sample" : "recording"} />
                    </div>
                  )}
                  <PodOverview snapshot={shown} focusedId={focusedPod?.id ?? null} selectedId={selected} onChoose={onChooseTile} filter={overviewFilter} onFilter={setOverviewFilter} />
                </div>
              ) : !viewSnapshot ? (
                lookup && lookup.kind !== "found" && <FocusMissing podRef={location.pod!} lookup={lookup} pods={shown.pods} recording={recording !== null} onFocus={focus} />
              ) : view === "namespaces" ? (
                <NamespaceMatrix snapshot={viewSnapshot} />
              ) : view === "cgroups" ? (
                <CgroupTree snapshot={viewSnapshot} />
              ) : (
                <ProcessTree snapshot={viewSnapshot} />
              )}
            </section>
          )}
        </div>
        <aside className={layout.aside}>
          {shown && selected && <ContainerDetails snapshot={shown} containerId={selected} onClose={() => setSelectedId(null)} />}
          {timelinePod && <Timeline key={timelinePod.id} podId={timelinePod.id} podName={timelinePod.name} />}
          {viewSnapshot && (
            <div data-control className="contents">
              {/* A recording's pods are not this engine's: their Delete buttons stay disabled. In focus: that pod only. */}
              <PodList snapshot={viewSnapshot} busy={recording ? "recording" : busy} onDelete={onDelete} onSelect={setSelectedId} />
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
