/**
 * Snapshot deltas: what changed from one snapshot to the next, as a list of operations a
 * page applies to the snapshot it holds (GET /api/events `event: delta`). Pure: no I/O.
 *
 * The diff is generic over the snapshot's top-level fields:
 *   - a field named in SNAPSHOT_COLLECTIONS is an array of items with a stable id (containers
 *     by id, processes by pid, cgroups by path, …): the delta removes the ids gone, inserts
 *     the new items at their place, and patches the items that changed field by field (a
 *     container whose memory usage changed costs its id and one number, not the container);
 *   - any other field (takenAt, host, engine, warnings, a field added later) is replaced
 *     whole when it changed, or dropped when it is gone.
 * A new collection costs one line in SNAPSHOT_COLLECTIONS; without that line it is still
 * carried, as a replaced field.
 *
 * applyDelta(a, diffSnapshots(a, b)) deep-equals b, key order of objects aside (JSON.stringify
 * of both can differ only in key order). Items and fields that did not change are kept by
 * reference: React sees what did not change as unchanged.
 */
import type { Snapshot } from "./types";

export type ItemId = string | number;
/** Keys into nested objects, from an item (or a field) down; arrays are never entered (replaced whole). */
export type Path = string[];

/** The changes to one item: values set at paths, paths deleted, and long arrays spliced (path, start, how many removed, what is put there). */
export interface ItemPatch {
  id: ItemId;
  set?: [Path, unknown][];
  del?: Path[];
  splice?: [Path, number, number, unknown[]][];
}

/**
 * Arrays at least this long are spliced rather than set whole when they changed in one place
 * (a namespace's containerIds at 330 containers is 22 KB; one container more is one id).
 */
const SPLICE_FROM = 8;

export type DeltaOp =
  /** A top-level field, replaced whole (value absent: the field is gone). */
  | { op: "replace"; key: string; value?: unknown }
  /**
   * A collection: ids removed, items patched in place, new items inserted at their index in
   * the new array (ascending). `order` (every id, in the new order) only when the items kept
   * changed their order; `replace` when the ids are not unique (then the whole array).
   */
  | { op: "collection"; key: string; remove?: ItemId[]; patch?: ItemPatch[]; insert?: { at: number; item: unknown }[]; order?: ItemId[] };

/** The response header of GET /api/snapshot that carries the snapshot's version. */
export const SNAPSHOT_VERSION_HEADER = "X-Snapshot-Version";

/** From the snapshot of version `from` to that of version `to`. */
export interface SnapshotDelta {
  from: number;
  to: number;
  ops: DeltaOp[];
}

/** The snapshot's collections and the stable id of their items. A field not listed is replaced whole when it changes. */
export const SNAPSHOT_COLLECTIONS: { [K in keyof Snapshot]?: Snapshot[K] extends readonly (infer T)[] ? (item: T) => ItemId : never } = {
  runtimes: (r) => r.id,
  pods: (p) => p.id,
  containers: (c) => c.id,
  processes: (p) => p.pid,
  namespaces: (n) => n.id,
  links: (l) => `${l.podId} ${l.memberId}`,
  cgroups: (c) => c.path,
  networks: (n) => n.inode,
  hostnames: (h) => h.inode,
};

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep equality of JSON values (what the wire carries: no undefined inside arrays, no dates). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let n = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    n++;
    if (!(k in bo) || !jsonEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) n--;
  return n === 0;
}

/** The changes from object a to object b, field by field (objects entered, everything else set whole). */
function diffObject(a: JsonObject, b: JsonObject, path: Path, out: Required<Omit<ItemPatch, "id">>): void {
  for (const k in b) {
    const bv = b[k];
    if (bv === undefined) continue;
    const av = a[k];
    if (av === bv) continue;
    if (isObject(av) && isObject(bv)) diffObject(av, bv, [...path, k], out);
    else if (Array.isArray(av) && Array.isArray(bv) && av.length >= SPLICE_FROM && bv.length >= SPLICE_FROM) {
      // One splice: what lies between the common start and the common end.
      let start = 0;
      while (start < av.length && start < bv.length && jsonEqual(av[start], bv[start])) start++;
      if (start === av.length && start === bv.length) continue;
      let end = 0;
      while (end < av.length - start && end < bv.length - start && jsonEqual(av[av.length - 1 - end], bv[bv.length - 1 - end])) end++;
      out.splice.push([[...path, k], start, av.length - start - end, bv.slice(start, bv.length - end)]);
    } else if (!jsonEqual(av, bv)) out.set.push([[...path, k], bv]);
  }
  for (const k in a) if (a[k] !== undefined && b[k] === undefined) out.del.push([...path, k]);
}

function diffCollection(key: string, a: readonly Json[], b: readonly Json[], idOf: (item: Json) => ItemId): DeltaOp | null {
  const aById = new Map<ItemId, Json>();
  for (const item of a) aById.set(idOf(item), item);
  const bIds = b.map(idOf);
  const bIdSet = new Set(bIds);
  if (aById.size !== a.length || bIdSet.size !== b.length) {
    // Ids not unique: no item can be told from another; the array is sent whole.
    return jsonEqual(a, b) ? null : { op: "replace", key, value: b };
  }
  const remove: ItemId[] = [];
  for (const id of aById.keys()) if (!bIdSet.has(id)) remove.push(id);
  const patch: ItemPatch[] = [];
  const insert: { at: number; item: Json }[] = [];
  const keptInB: ItemId[] = [];
  b.forEach((item, at) => {
    const id = bIds[at]!;
    const before = aById.get(id);
    if (before === undefined) {
      insert.push({ at, item });
      return;
    }
    keptInB.push(id);
    if (before === item) return;
    if (isObject(before) && isObject(item)) {
      const out: Required<Omit<ItemPatch, "id">> = { set: [], del: [], splice: [] };
      diffObject(before, item, [], out);
      const { set, del, splice } = out;
      if (set.length > 0 || del.length > 0 || splice.length > 0)
        patch.push({ id, ...(set.length ? { set } : {}), ...(del.length ? { del } : {}), ...(splice.length ? { splice } : {}) });
    } else if (!jsonEqual(before, item)) {
      // Not an object (never in a Snapshot): the item goes out and in again.
      remove.push(id);
      insert.push({ at, item });
      keptInB.pop();
    }
  });
  const keptInA = a.map(idOf).filter((id) => bIdSet.has(id) && !remove.includes(id));
  const reordered = keptInA.length !== keptInB.length || keptInA.some((id, i) => id !== keptInB[i]);
  if (remove.length === 0 && patch.length === 0 && insert.length === 0 && !reordered) return null;
  return {
    op: "collection",
    key,
    ...(remove.length ? { remove } : {}),
    ...(patch.length ? { patch } : {}),
    ...(insert.length ? { insert } : {}),
    ...(reordered ? { order: bIds } : {}),
  };
}

/** What changed from a to b (versions `from` → `to`). */
export function diffSnapshots(a: Snapshot, b: Snapshot, from: number, to: number): SnapshotDelta {
  const ops: DeltaOp[] = [];
  const ao = a as unknown as JsonObject;
  const bo = b as unknown as JsonObject;
  const collections = SNAPSHOT_COLLECTIONS as Record<string, ((item: Json) => ItemId) | undefined>;
  for (const key in bo) {
    const av = ao[key];
    const bv = bo[key];
    if (bv === undefined || av === bv) continue;
    const idOf = collections[key];
    if (idOf && Array.isArray(av) && Array.isArray(bv)) {
      const op = diffCollection(key, av, bv, idOf);
      if (op) ops.push(op);
    } else if (!jsonEqual(av, bv)) {
      ops.push({ op: "replace", key, value: bv });
    }
  }
  for (const key in ao) if (ao[key] !== undefined && bo[key] === undefined) ops.push({ op: "replace", key });
  return { from, to, ops };
}

/** A copy of obj with value at path (objects along the path copied, the rest shared). */
function setIn(obj: JsonObject, path: Path, value: Json, at = 0): JsonObject {
  const k = path[at]!;
  if (at === path.length - 1) return { ...obj, [k]: value };
  const child = obj[k];
  return { ...obj, [k]: setIn(isObject(child) ? child : {}, path, value, at + 1) };
}

function deleteIn(obj: JsonObject, path: Path, at = 0): JsonObject {
  const k = path[at]!;
  if (!(k in obj)) return obj;
  if (at === path.length - 1) {
    const rest = { ...obj };
    delete rest[k];
    return rest;
  }
  const child = obj[k];
  return isObject(child) ? { ...obj, [k]: deleteIn(child, path, at + 1) } : obj;
}

function getIn(obj: JsonObject, path: Path): Json {
  let v: Json = obj;
  for (const k of path) v = isObject(v) ? v[k] : undefined;
  return v;
}

/** Thrown when a delta does not fit the snapshot it is applied to: the page refetches. */
export class DeltaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeltaMismatchError";
  }
}

function applyCollection(key: string, items: readonly Json[], op: Extract<DeltaOp, { op: "collection" }>, idOf: (item: Json) => ItemId): Json[] {
  const removed = new Set(op.remove ?? []);
  const patches = new Map((op.patch ?? []).map((p) => [p.id, p]));
  let out: Json[] = [];
  for (const item of items) {
    const id = idOf(item);
    if (removed.has(id)) continue;
    const p = patches.get(id);
    if (!p) {
      out.push(item);
      continue;
    }
    patches.delete(id);
    if (!isObject(item)) throw new DeltaMismatchError(`${key}: item ${id} is not an object`);
    let next: JsonObject = item;
    for (const [path, value] of p.set ?? []) next = setIn(next, path, value);
    for (const path of p.del ?? []) next = deleteIn(next, path);
    for (const [path, start, removed, items] of p.splice ?? []) {
      const array = getIn(next, path);
      if (!Array.isArray(array) || start + removed > array.length) throw new DeltaMismatchError(`${key}: item ${id} has no array at ${path.join(".")} to splice`);
      next = setIn(next, path, [...array.slice(0, start), ...items, ...array.slice(start + removed)]);
    }
    out.push(next);
  }
  if (patches.size > 0) throw new DeltaMismatchError(`${key}: no item ${[...patches.keys()][0]} to patch`);
  for (const { at, item } of op.insert ?? []) {
    if (at > out.length) throw new DeltaMismatchError(`${key}: insert at ${at} beyond ${out.length} items`);
    out.splice(at, 0, item);
  }
  if (op.order) {
    const byId = new Map(out.map((item) => [idOf(item), item]));
    if (byId.size !== op.order.length) throw new DeltaMismatchError(`${key}: order names ${op.order.length} items, there are ${byId.size}`);
    out = op.order.map((id) => {
      const item = byId.get(id);
      if (item === undefined) throw new DeltaMismatchError(`${key}: order names ${id}, which is not there`);
      return item;
    });
  }
  return out;
}

/** The snapshot a delta makes of `snapshot` (not changed itself). Throws DeltaMismatchError when the delta does not fit it. */
export function applyDelta(snapshot: Snapshot, delta: Pick<SnapshotDelta, "ops">): Snapshot {
  const out: JsonObject = { ...(snapshot as unknown as JsonObject) };
  const collections = SNAPSHOT_COLLECTIONS as Record<string, ((item: Json) => ItemId) | undefined>;
  for (const op of delta.ops) {
    if (op.op === "replace") {
      if (op.value === undefined) delete out[op.key];
      else out[op.key] = op.value;
      continue;
    }
    const idOf = collections[op.key];
    const items = out[op.key];
    if (!idOf) throw new DeltaMismatchError(`${op.key} is not a collection this page knows`);
    if (!Array.isArray(items)) throw new DeltaMismatchError(`${op.key} is not an array here`);
    out[op.key] = applyCollection(op.key, items, op, idOf);
  }
  return out as unknown as Snapshot;
}

/** What a page at version `held` (undefined: none yet, or one on its way) does with a delta. */
export type DeltaDecision = "apply" | "hold" | "ignore" | "refetch";

/**
 * - apply: it starts where the page is;
 * - hold: the page has no snapshot yet (its request is on its way): kept, tried once it arrives;
 * - ignore: it ends at or before where the page is (the page's snapshot already holds it);
 * - refetch: the page missed one (or the server restarted): GET /api/snapshot again.
 */
export function decideDelta(held: number | undefined, delta: Pick<SnapshotDelta, "from" | "to">): DeltaDecision {
  if (held === undefined) return "hold";
  if (delta.from === held) return "apply";
  if (delta.to <= held) return "ignore";
  return "refetch";
}
