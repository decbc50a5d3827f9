/**
 * One tile of the overview: a pod (or a container in no pod) in a few legible lines — its
 * name, runtime, state and namespace; its containers, each with its state; what the members
 * share with the sandbox (and the host), in the namespace colours.
 */
import type { NamespaceType } from "@/lib/model/types";
import type { Tile, TileContainer } from "@/lib/view/overview";
import { NAMESPACE_COLORS } from "@/lib/view/namespace-colors";

const RUNTIME_SHORT: Record<Tile["runtime"], string> = {
  docker: "Docker",
  containerd: "containerd",
  "cri-o": "CRI-O",
  podman: "Podman",
  unknown: "/proc",
};

export interface PodTileProps {
  tile: Tile;
  /** The pod in focus, or the container selected. */
  current: boolean;
  onChoose: (tile: Tile) => void;
}

export default function PodTile({ tile, current, onChoose }: PodTileProps) {
  const total = tile.containers.length;
  const allRunning = tile.running === total;
  // The namespace (and the node) head the tile's group: not repeated here.
  const meta = [RUNTIME_SHORT[tile.runtime], tile.kind === "pod" ? tile.state : "standalone"].filter((part): part is string => !!part).join(" · ");
  return (
    <button
      type="button"
      data-testid="pod-tile"
      data-kind={tile.kind}
      data-tile-name={tile.name}
      data-tile-id={tile.id}
      data-runtime={tile.runtime}
      aria-pressed={current}
      aria-label={describe(tile)}
      title={tile.kind === "pod" ? `Show pod ${tile.name} alone, with its details` : `Details of container ${tile.name}`}
      onClick={() => onChoose(tile)}
      className={`flex min-w-0 flex-col gap-1 rounded-lg border bg-white p-2.5 text-left shadow-sm hover:border-sky-500 hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 ${
        current ? "border-sky-600 ring-2 ring-sky-600" : tile.kind === "standalone" ? "border-dashed border-slate-400" : "border-slate-300"
      }`}
    >
      <span className="flex min-w-0 items-baseline gap-2">
        {/* Wrapped, not cut: the end of a name (a replica's hash, a number) is what tells pods apart. */}
        <span className="min-w-0 text-base font-bold [overflow-wrap:anywhere] text-slate-900" data-testid="tile-name">
          {tile.name}
        </span>
        <span className={`ml-auto shrink-0 rounded px-1.5 text-sm font-semibold ${allRunning ? "bg-emerald-100 text-emerald-900" : "bg-amber-100 text-amber-900"}`}>
          {tile.running}/{total}
        </span>
      </span>
      <span className="flex flex-wrap gap-x-2.5 gap-y-0.5 text-sm">
        {tile.containers.map((c) => (
          <ContainerChip key={c.id} container={c} podName={tile.kind === "pod" ? tile.name : null} showShared={tile.kind === "pod" && tile.sharingDiffers} />
        ))}
      </span>
      <span className="flex min-w-0 flex-wrap items-baseline gap-x-1.5 text-sm">
        {tile.kind === "pod" && (
          <span className="inline-flex items-baseline gap-x-1.5" data-testid="tile-shared">
            {tile.containers.length <= 1 ? (
              <span className="text-slate-600">no members</span>
            ) : tile.sharingDiffers ? (
              <span className="text-slate-600">members differ</span>
            ) : tile.sharedByAll.length === 0 ? (
              <span className="text-slate-600">share nothing</span>
            ) : (
              <>
                <span className="text-slate-600">share</span>
                <Types types={tile.sharedByAll} />
              </>
            )}
          </span>
        )}
        {tile.host.length > 0 && <HostTypes types={tile.host} />}
        <span className="ml-auto truncate text-slate-600" data-testid="tile-meta">
          {meta}
        </span>
      </span>
    </button>
  );
}

function ContainerChip({ container, podName, showShared }: { container: TileContainer; podName: string | null; showShared: boolean }) {
  const running = container.state === "running";
  const name = podName && container.name.startsWith(`${podName}-`) && container.name.length > podName.length + 1 ? container.name.slice(podName.length + 1) : container.name;
  return (
    <span className="inline-flex min-w-0 items-baseline gap-1" data-container-state={container.state}>
      <span aria-hidden="true" className={running ? "text-emerald-600" : container.state === "exited" || container.state === "dead" ? "text-rose-600" : "text-amber-600"}>
        {container.role === "sandbox" ? "⬢" : "●"}
      </span>
      <span className="max-w-[11rem] truncate text-slate-800">{name}</span>
      {!running && <span className="text-slate-600">{container.exitCode !== null ? `${container.state} ${container.exitCode}` : container.state}</span>}
      {showShared && container.role === "member" && <Types types={container.shared} />}
    </span>
  );
}

function Types({ types }: { types: NamespaceType[] }) {
  if (types.length === 0) return <span className="text-slate-600">nothing</span>;
  return (
    <span className="inline-flex gap-0.5 font-semibold">
      {/* Text on its tint, as the legend's chips: legible in the dark theme too. */}
      {types.map((t) => (
        <span key={t} className="rounded px-0.5" style={{ color: NAMESPACE_COLORS[t].text, backgroundColor: NAMESPACE_COLORS[t].tint }}>
          {t}
        </span>
      ))}
    </span>
  );
}

function HostTypes({ types }: { types: NamespaceType[] }) {
  return (
    <span className="rounded border border-dashed border-slate-500 px-1 text-slate-800">
      host <Types types={types} />
    </span>
  );
}

function describe(tile: Tile): string {
  const containers = tile.containers.map((c) => `${c.name} ${c.state}`).join(", ");
  if (tile.kind === "standalone") return `container ${tile.name}, in no pod, ${RUNTIME_SHORT[tile.runtime]}: ${containers}`;
  const sharing = tile.sharingDiffers ? "members share different namespaces" : `members share ${tile.sharedByAll.join(" ") || "nothing"} with the sandbox`;
  return `pod ${tile.name}${tile.k8sNamespace ? ` in namespace ${tile.k8sNamespace}` : ""}, ${RUNTIME_SHORT[tile.runtime]}: ${containers}; ${sharing}`;
}
