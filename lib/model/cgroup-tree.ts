/**
 * The cgroup trees of the pods: for each pod, from its parent cgroup (the common parent of
 * its containers' cgroups: a --cgroup-parent such as /pod-test, or kubepods/…/pod<uid>)
 * down to its containers' cgroups. Pure: the cgroup directories are read through a
 * CgroupDirReader (lib/server/cgroupfs.ts implements it), called once per node.
 */

import { parseKubepodsPath } from "./kube-cgroups";
import type { CgroupEntry, CgroupLimits, CgroupNode } from "./types";

/** A value that could not be read: the file (or hierarchy) and why. */
export interface CgroupProblem {
  file: string;
  reason: string;
}

/** What one cgroup directory holds. */
export interface CgroupRead {
  limits: CgroupLimits;
  /** cgroup.procs, or null when unreadable. */
  pids: number[] | null;
  /** Every value left out, and why. */
  problems: CgroupProblem[];
}

/**
 * Reads the cgroup that `entries` name: in each hierarchy, the directory of that entry's
 * path (the entries of a process, or those of an ancestor: see ancestorEntries).
 */
export type CgroupDirReader = (entries: CgroupEntry[]) => CgroupRead;

/**
 * The entry the tree is drawn by: the memory hierarchy's (v1, hybrid), else the unified
 * hierarchy's (v2), else the first; undefined without entries.
 */
export function primaryCgroupEntry(entries: CgroupEntry[]): CgroupEntry | undefined {
  return entries.find((e) => e.controllers.includes("memory")) ?? entries.find((e) => e.hierarchyId === 0) ?? entries[0];
}

/** The primary entry's path (see primaryCgroupEntry), or null. */
export function primaryCgroupPath(entries: CgroupEntry[]): string | null {
  return primaryCgroupEntry(entries)?.path ?? null;
}

function segmentsOf(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function joinSegments(segments: string[]): string {
  return `/${segments.join("/")}`;
}

/** The entries of the cgroup `levels` above: every entry's path shortened by that many segments. */
export function ancestorEntries(entries: CgroupEntry[], levels: number): CgroupEntry[] {
  return entries.map((e) => {
    const segments = segmentsOf(e.path);
    return { ...e, path: joinSegments(segments.slice(0, Math.max(0, segments.length - levels))) };
  });
}

/** A container as the tree needs it. */
export interface TreeMember {
  id: string;
  /** Its pod (sandbox id), or null for a standalone container. */
  podId: string | null;
  /** /proc/PID/cgroup of its init process; empty when not running or unreadable. */
  cgroups: CgroupEntry[];
}

export interface CgroupTree {
  /** Parents before children (a pre-order: each subtree is contiguous), siblings by path. */
  nodes: CgroupNode[];
  /** Container id → its cgroup's primary path, for the containers that have one. */
  pathOf: Map<string, string>;
  /** What was read for each node, by path. */
  reads: Map<string, CgroupRead>;
}

function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Builds the trees: each pod (and each standalone container) from the common parent of its
 * containers' cgroups down to them (a standalone container: from its parent, e.g. /docker).
 * Trees that meet share their nodes (a cgroup appears once); a node whose parent is not
 * drawn is a root (parentPath null). The root cgroup "/" is never drawn: containers spread
 * over several top-level cgroups make several roots.
 */
export function buildCgroupTree(members: TreeMember[], read: CgroupDirReader): CgroupTree {
  const pathOf = new Map<string, string>();
  const groups = new Map<string, { id: string; segments: string[]; cgroups: CgroupEntry[] }[]>();
  for (const m of members) {
    const path = primaryCgroupPath(m.cgroups);
    if (path === null || path === "/") continue;
    pathOf.set(m.id, path);
    const key = m.podId ?? m.id;
    const member = { id: m.id, segments: segmentsOf(path), cgroups: m.cgroups };
    const group = groups.get(key);
    if (group) group.push(member);
    else groups.set(key, [member]);
  }

  // Every node, with the entries to read it by (those of a container below it, shortened).
  const planned = new Map<string, { segments: string[]; entries: CgroupEntry[]; containerId: string | null }>();
  for (const group of groups.values()) {
    const parents = group.map((c) => c.segments.slice(0, -1));
    let rootDepth = parents[0]!.length;
    for (const p of parents) {
      let i = 0;
      while (i < Math.min(rootDepth, p.length) && p[i] === parents[0]![i]) i++;
      rootDepth = i;
    }
    // The root cgroup is the whole host (its cgroup.procs: every host process): never a node.
    rootDepth = Math.max(rootDepth, 1);
    for (const c of group) {
      for (let depth = rootDepth; depth <= c.segments.length; depth++) {
        const segments = c.segments.slice(0, depth);
        const path = joinSegments(segments);
        const node = planned.get(path);
        const own = depth === c.segments.length;
        if (node === undefined) {
          planned.set(path, {
            segments,
            entries: ancestorEntries(c.cgroups, c.segments.length - depth),
            containerId: own ? c.id : null,
          });
        } else if (own && node.containerId === null) {
          node.containerId = c.id;
        }
      }
    }
  }

  const reads = new Map<string, CgroupRead>();
  const nodes: CgroupNode[] = [...planned.entries()]
    .sort(([, a], [, b]) => compareSegments(a.segments, b.segments))
    .map(([path, plan]) => {
      const parent = joinSegments(plan.segments.slice(0, -1));
      const got = read(plan.entries);
      reads.set(path, got);
      const kube = parseKubepodsPath(path);
      return {
        path,
        parentPath: planned.has(parent) ? parent : null,
        containerId: plan.containerId,
        podUid: kube?.podUid ?? null,
        qos: kube?.qos ?? null,
        limits: got.limits,
        pids: got.pids ?? [],
      };
    });
  return { nodes, pathOf, reads };
}
