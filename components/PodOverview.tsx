"use client";

/**
 * The overview: every pod as a tile, legible at 1280×720 even at a node's 110 pods, grouped by
 * node (when there are several) and Kubernetes namespace, naturally sorted, with a search box
 * and filters. Choosing a pod's tile puts that pod in focus; a standalone container's opens
 * its details. The logic is lib/view/overview.ts; this only renders it.
 */
import { useId, useMemo } from "react";
import type { ContainerRuntime, Snapshot } from "@/lib/model/types";
import { buildOverview, NO_FILTER, NO_NAMESPACE, overviewTiles, type OverviewFilter, type Tile } from "@/lib/view/overview";
import PodTile from "./PodTile";

export interface PodOverviewProps {
  snapshot: Snapshot;
  /** The pod in focus (its id), or null. */
  focusedId: string | null;
  /** The container selected, or null. */
  selectedId: string | null;
  onChoose: (tile: Tile) => void;
  /** The search and filters: kept by the dashboard, so they are still there on coming back from a pod. */
  filter: OverviewFilter;
  onFilter: (filter: OverviewFilter) => void;
}

const FIELD =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-base text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";

export default function PodOverview({ snapshot, focusedId, selectedId, onChoose, filter, onFilter }: PodOverviewProps) {
  const tiles = useMemo(() => overviewTiles(snapshot), [snapshot]);
  const overview = useMemo(() => buildOverview(tiles, filter), [tiles, filter]);
  const set = (patch: Partial<OverviewFilter>) => onFilter({ ...filter, ...patch });
  const setFilter = onFilter;
  const ids = useId();
  const filtered = filter.query.trim() !== "" || filter.namespace !== null || filter.runtime !== null || filter.hideStandalone;

  return (
    <div className="flex flex-col gap-3" data-testid="pod-overview">
      <form role="search" aria-label="Find a pod" data-control className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col text-sm font-semibold text-slate-700">
          Search
          <input
            type="search"
            value={filter.query}
            onChange={(e) => set({ query: e.target.value })}
            onKeyDown={(e) => {
              // Enter on a search that found one pod puts it in focus.
              const only = overview.groups.flatMap((g) => g.tiles);
              if (e.key === "Enter" && only.length === 1) onChoose(only[0]!);
            }}
            placeholder="pod, container, image, namespace"
            aria-describedby={`${ids}-count`}
            className={`${FIELD} w-72 font-normal`}
          />
        </label>
        <label className="flex flex-col text-sm font-semibold text-slate-700">
          Namespace
          <select value={filter.namespace ?? "*"} onChange={(e) => set({ namespace: e.target.value === "*" ? null : e.target.value })} className={`${FIELD} font-normal`}>
            <option value="*">all</option>
            {overview.namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns === NO_NAMESPACE ? "(none)" : ns}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm font-semibold text-slate-700">
          Runtime
          <select value={filter.runtime ?? "*"} onChange={(e) => set({ runtime: e.target.value === "*" ? null : (e.target.value as ContainerRuntime) })} className={`${FIELD} font-normal`}>
            <option value="*">all</option>
            {overview.runtimes.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-2 text-base text-slate-800">
          <input type="checkbox" checked={filter.hideStandalone} onChange={(e) => set({ hideStandalone: e.target.checked })} className="h-4 w-4" />
          hide standalone containers
        </label>
        {filtered && (
          <button type="button" onClick={() => setFilter(NO_FILTER)} className={`${FIELD} mb-0 font-semibold hover:bg-slate-100`}>
            Clear
          </button>
        )}
        <p id={`${ids}-count`} className="ml-auto pb-2 text-sm text-slate-600" data-testid="overview-count" aria-live="polite">
          {filtered ? `${overview.shown} of ${overview.total} shown` : `${countPods(tiles)} pods, ${tiles.length - countPods(tiles)} standalone containers`}
        </p>
      </form>

      {overview.groups.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-slate-50 p-4 text-base text-slate-700" data-testid="overview-empty">
          {tiles.length === 0 ? "No pods and no containers here yet: Create demo pod starts the classic one." : "Nothing matches: change the search or the filters, or Clear them."}
        </p>
      ) : (
        <div className="flex flex-col gap-4">
          {overview.groups.map((group) => (
            <section key={group.key} aria-label={groupLabel(group.title, group.node)} data-testid="overview-group" data-group={group.title}>
              <h3 className="mb-1.5 flex items-baseline gap-2 text-base font-bold text-slate-800">
                {group.node !== undefined && <span className="rounded bg-slate-200 px-1.5 text-sm text-slate-800">{group.node === null ? "this host" : `node ${group.node}`}</span>}
                <span>{group.kind === "namespace" ? `namespace ${group.title}` : group.title}</span>
                <span className="text-sm font-normal text-slate-600">{group.tiles.length}</span>
              </h3>
              <ul className="grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-2">
                {group.tiles.map((tile) => (
                  <li key={tile.id} className="flex min-w-0 flex-col">
                    <PodTile tile={tile} current={tile.kind === "pod" ? tile.id === focusedId : tile.id === selectedId} onChoose={onChoose} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

const countPods = (tiles: Tile[]) => tiles.filter((t) => t.kind === "pod").length;

function groupLabel(title: string, node: string | null | undefined): string {
  return node === undefined ? title : `${node === null ? "this host" : `node ${node}`}, ${title}`;
}
