/**
 * The overview of a node's pods: one entry (a tile) per pod and per standalone container,
 * searched, filtered, sorted naturally ("app2" before "app10") and grouped by node (when
 * there are several) and by Kubernetes namespace. Pure: snapshot in, groups out.
 *
 * What each tile says of sharing is the snapshot's own word (the `links`, i.e. equal inodes
 * in /proc/PID/ns, and `sharedWithHost`), never re-derived here.
 */
import type { Container, ContainerRuntime, NamespaceType, Pod, Snapshot } from "@/lib/model/types";
import { HOST_EDGE_TYPES } from "@/lib/view/pod-graph-layout";
import { sortNamespaceTypes } from "@/lib/view/namespace-colors";

// ---------------------------------------------------------------------------------------
// Natural sort
// ---------------------------------------------------------------------------------------

const CHUNK = /(\d+)|(\D+)/g;

/**
 * Compare two names as a person reads them: runs of digits by their value ("app2" < "app10"),
 * the rest case-insensitively, then exactly (so the order is total and stable everywhere:
 * no locale involved).
 */
export function naturalCompare(a: string, b: string): number {
  const as = a.match(CHUNK) ?? [];
  const bs = b.match(CHUNK) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const [x, y] = [as[i]!, bs[i]!];
    const [xd, yd] = [/^\d/.test(x), /^\d/.test(y)];
    if (xd && yd) {
      // By value without parsing (no overflow on long digit runs): fewer significant digits first.
      const [xs, ys] = [x.replace(/^0+(?=\d)/, ""), y.replace(/^0+(?=\d)/, "")];
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      continue;
    }
    if (xd !== yd) return xd ? -1 : 1;
    const [xl, yl] = [x.toLowerCase(), y.toLowerCase()];
    if (xl !== yl) return xl < yl ? -1 : 1;
  }
  if (as.length !== bs.length) return as.length - bs.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Tiles
// ---------------------------------------------------------------------------------------

/** A container as a tile lists it. */
export interface TileContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  exitCode: number | null;
  role: Container["role"];
  /** Members: the namespace types shared with the sandbox (the snapshot's link); else empty. */
  shared: NamespaceType[];
}

export interface PodTile {
  kind: "pod";
  /** The pod's id (its sandbox's id). */
  id: string;
  name: string;
  k8sNamespace: string | null;
  runtime: ContainerRuntime;
  node: string | null;
  /** The runtime's word for the pod's state, or null. */
  state: string | null;
  /** Sandbox first, then members by name (natural order). */
  containers: TileContainer[];
  /** Types every member shares with the sandbox (empty when there is no member). */
  sharedByAll: NamespaceType[];
  /** True when members share different sets: each member row then says its own. */
  sharingDiffers: boolean;
  /** Types of HOST_EDGE_TYPES the sandbox shares with the host (hostNetwork, hostPID, hostIPC). */
  host: NamespaceType[];
  /** How many of its containers run. */
  running: number;
  /** The `?pod=` value that names this pod alone among the snapshot's pods. */
  ref: string;
}

export interface StandaloneTile {
  kind: "standalone";
  /** The container's id. */
  id: string;
  name: string;
  runtime: ContainerRuntime;
  node: string | null;
  containers: [TileContainer];
  host: NamespaceType[];
  running: number;
}

export type Tile = PodTile | StandaloneTile;

function tileContainer(c: Container, shared: NamespaceType[]): TileContainer {
  return { id: c.id, name: c.name, image: c.image, state: c.state, exitCode: c.exitCode, role: c.role, shared: sortNamespaceTypes(shared) };
}

const hostTypes = (c: Container | undefined) => sortNamespaceTypes((c?.sharedWithHost ?? []).filter((t) => HOST_EDGE_TYPES.includes(t)));

/** Every pod and standalone container of the snapshot as a tile, unsorted. */
export function overviewTiles(snapshot: Pick<Snapshot, "pods" | "containers" | "links">): Tile[] {
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  const sharedOf = new Map(snapshot.links.map((l) => [l.memberId, l.shared]));
  const podIds = new Set(snapshot.pods.map((p) => p.id));
  const tiles: Tile[] = snapshot.pods.map((pod) => {
    const sandbox = byId.get(pod.sandboxId);
    const members = pod.memberIds
      .map((id) => byId.get(id))
      .filter((c): c is Container => c !== undefined)
      .sort((a, b) => naturalCompare(a.name, b.name));
    const memberRows = members.map((m) => tileContainer(m, sharedOf.get(m.id) ?? m.sharedWithSandbox));
    const sets = memberRows.map((m) => m.shared.join(","));
    const sharedByAll = memberRows.length === 0 ? [] : memberRows[0]!.shared.filter((t) => memberRows.every((m) => m.shared.includes(t)));
    const containers = [...(sandbox ? [tileContainer(sandbox, [])] : []), ...memberRows];
    return {
      kind: "pod",
      id: pod.id,
      name: pod.name,
      k8sNamespace: pod.k8sNamespace,
      runtime: pod.runtime,
      node: pod.node,
      state: pod.state,
      containers,
      sharedByAll,
      sharingDiffers: new Set(sets).size > 1,
      host: hostTypes(sandbox),
      running: containers.filter((c) => c.state === "running").length,
      ref: podRef(pod, snapshot.pods),
    };
  });
  for (const c of snapshot.containers) {
    if (c.podId !== null && podIds.has(c.podId)) continue;
    tiles.push({
      kind: "standalone",
      id: c.id,
      name: c.name,
      runtime: c.runtime,
      node: c.node,
      containers: [tileContainer(c, [])],
      host: hostTypes(c),
      running: c.state === "running" ? 1 : 0,
    });
  }
  return tiles;
}

// ---------------------------------------------------------------------------------------
// Search and filters
// ---------------------------------------------------------------------------------------

/** "(none)": the filter value of pods with no Kubernetes namespace. */
export const NO_NAMESPACE = "";

export interface OverviewFilter {
  /** Words, each to be found (case-insensitive) in the pod's or a container's name, an image or the namespace. */
  query: string;
  /** A Kubernetes namespace (NO_NAMESPACE: pods without one), or null: all. */
  namespace: string | null;
  runtime: ContainerRuntime | null;
  hideStandalone: boolean;
}

export const NO_FILTER: OverviewFilter = { query: "", namespace: null, runtime: null, hideStandalone: false };

/** What the search looks in: the pod's name and namespace, its containers' names and images. */
function haystack(tile: Tile): string {
  const parts = [tile.name, ...(tile.kind === "pod" && tile.k8sNamespace ? [tile.k8sNamespace] : [])];
  for (const c of tile.containers) parts.push(c.name, c.image);
  return parts.join("\n").toLowerCase();
}

export function matchesFilter(tile: Tile, filter: OverviewFilter): boolean {
  if (filter.hideStandalone && tile.kind === "standalone") return false;
  if (filter.runtime !== null && tile.runtime !== filter.runtime) return false;
  if (filter.namespace !== null) {
    if (tile.kind === "standalone") return false;
    if ((tile.k8sNamespace ?? NO_NAMESPACE) !== filter.namespace) return false;
  }
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(tile);
  return words.every((w) => text.includes(w));
}

// ---------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------

export interface TileGroup {
  /** Stable key: `node|namespace` (kinds of group: a namespace, "no namespace", standalone). */
  key: string;
  /** The node, when the snapshot holds several (null: this host); undefined: one node, not shown. */
  node?: string | null;
  /** The heading: "kube-system", "no Kubernetes namespace", "standalone containers". */
  title: string;
  kind: "namespace" | "no-namespace" | "standalone";
  tiles: Tile[];
}

export interface Overview {
  groups: TileGroup[];
  /** Tiles shown / in all. */
  shown: number;
  total: number;
  /** The choices of the filters, from every tile (not only those shown). */
  namespaces: string[];
  runtimes: ContainerRuntime[];
  /** True when the tiles run on more than one node: then groups are per node too. */
  severalNodes: boolean;
}

const KIND_ORDER = { namespace: 0, "no-namespace": 1, standalone: 2 } as const;

/** Search, filter, sort and group the tiles. */
export function buildOverview(tiles: Tile[], filter: OverviewFilter = NO_FILTER): Overview {
  const nodes = new Set(tiles.map((t) => t.node));
  const severalNodes = nodes.size > 1;
  const groups = new Map<string, TileGroup>();
  const shown = tiles.filter((t) => matchesFilter(t, filter));
  for (const tile of shown) {
    const kind: TileGroup["kind"] = tile.kind === "standalone" ? "standalone" : tile.k8sNamespace ? "namespace" : "no-namespace";
    const title = kind === "namespace" ? (tile as PodTile).k8sNamespace! : kind === "no-namespace" ? "no Kubernetes namespace" : "standalone containers";
    const node = severalNodes ? tile.node : undefined;
    const key = `${node ?? ""}|${kind}|${kind === "namespace" ? title : ""}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, title, kind, tiles: [], ...(severalNodes ? { node: tile.node } : {}) };
      groups.set(key, group);
    }
    group.tiles.push(tile);
  }
  const nodeOrder = (n: string | null | undefined) => (n === null || n === undefined ? "" : n);
  const sorted = [...groups.values()].sort(
    (a, b) =>
      // This host first, then the nodes by name; in each: namespaces by name, then pods without one, then standalone containers.
      naturalCompare(nodeOrder(a.node), nodeOrder(b.node)) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || naturalCompare(a.title, b.title),
  );
  for (const group of sorted) group.tiles.sort((a, b) => naturalCompare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const namespaces = [...new Set(tiles.flatMap((t) => (t.kind === "pod" ? [t.k8sNamespace ?? NO_NAMESPACE] : [])))].sort(naturalCompare);
  const runtimes = [...new Set(tiles.map((t) => t.runtime))].sort(naturalCompare);
  return { groups: sorted, shown: shown.length, total: tiles.length, namespaces, runtimes, severalNodes };
}

// ---------------------------------------------------------------------------------------
// Naming one pod: the `?pod=` of a link
// ---------------------------------------------------------------------------------------

/**
 * The shortest `?pod=` value naming `pod` alone: its name; `namespace/name` when another pod
 * has the same name; its sandbox id when even that is not unique.
 */
export function podRef(pod: Pick<Pod, "id" | "name" | "k8sNamespace">, pods: readonly Pick<Pod, "id" | "name" | "k8sNamespace">[]): string {
  const sameName = pods.filter((p) => p.name === pod.name);
  if (sameName.length <= 1) return pod.name;
  if (pod.k8sNamespace !== null && sameName.filter((p) => p.k8sNamespace === pod.k8sNamespace).length === 1) return `${pod.k8sNamespace}/${pod.name}`;
  return pod.id;
}

export type PodLookup<P> = { kind: "found"; pod: P } | { kind: "ambiguous"; pods: P[] } | { kind: "missing"; similar: P[] };

/**
 * The pod a `?pod=` value names: a pod's name, `namespace/name`, or its sandbox id (in full,
 * or its first 12 or more characters, as docker ps shows it).
 */
export function findPod<P extends Pick<Pod, "id" | "name" | "k8sNamespace">>(pods: readonly P[], ref: string): PodLookup<P> {
  const byName = pods.filter((p) => p.name === ref);
  if (byName.length === 1) return { kind: "found", pod: byName[0]! };
  if (byName.length > 1) return { kind: "ambiguous", pods: [...byName].sort((a, b) => naturalCompare(a.k8sNamespace ?? "", b.k8sNamespace ?? "")) };
  const slash = ref.indexOf("/");
  if (slash > 0) {
    const [ns, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
    const both = pods.filter((p) => p.name === name && p.k8sNamespace === ns);
    if (both.length === 1) return { kind: "found", pod: both[0]! };
  }
  if (/^[0-9a-f]{12,64}$/.test(ref)) {
    const byId = pods.filter((p) => p.id.startsWith(ref));
    if (byId.length === 1) return { kind: "found", pod: byId[0]! };
  }
  // Names that contain what was asked for (or are contained in it): a typo, a pod re-created with a new suffix.
  const wanted = ref.toLowerCase();
  const similar = pods
    .filter((p) => p.name.toLowerCase().includes(wanted) || (p.name.length >= 3 && wanted.includes(p.name.toLowerCase())))
    .sort((a, b) => naturalCompare(a.name, b.name))
    .slice(0, 5);
  return { kind: "missing", similar };
}
