import "server-only";

/**
 * Reads cgroupfs: the limits and usage of a cgroup, and the processes in it. Every function
 * takes the mount point of the cgroup filesystems, cgroupRoot (default "/sys/fs/cgroup"),
 * so tests can point it at a fake tree (test/fixtures/node-*).
 *
 * Where a controller's files are, for the cgroup a /proc/PID/cgroup entry names:
 * - cgroup v1: <root>/<hierarchy dir>/<path>, the hierarchy dir named after its controllers:
 *   "memory", "pids", or co-mounted "cpu,cpuacct" (often also reachable as "cpu");
 * - cgroup v2: <root>/<path> (the 0:: entry);
 * - hybrid:    the v1 hierarchies, and for a controller no v1 hierarchy has, the unified
 *   hierarchy mounted at <root>/unified.
 * A missing or unreadable file is a value left null and a problem reported, never a throw.
 * Synchronous node:fs, as for procfs (see DESIGN.md).
 */

import { primaryCgroupEntry, type CgroupDirReader, type CgroupProblem, type CgroupRead } from "@/lib/model/cgroup-tree";
import {
  CgroupParseError,
  emptyLimits,
  LIMIT_CONTROLLERS,
  parseCgroupProcs,
  V1_FILES,
  V2_FILES,
  type CgroupFileSpec,
  type LimitController,
} from "@/lib/model/parse-cgroupfs";
import type { CgroupEntry, CgroupLimits, CgroupVersion } from "@/lib/model/types";
import { fs, joinPath } from "./host-fs";

const { existsSync, readFileSync } = fs;

export interface CgroupLayout {
  /** Where the cgroup filesystems are mounted: "/sys/fs/cgroup". */
  root: string;
  /** What readCgroupVersion (procfs.ts) found there. */
  version: CgroupVersion;
}

/** A controller's directory for one cgroup, and which file set applies there. */
export interface ControllerDir {
  dir: string;
  files: "v1" | "v2";
  /** True for a hierarchy's root cgroup, where the kernel leaves out most interface files. */
  isRoot: boolean;
}

/** The errno code of a failed fs call ("ENOENT", …); undefined for anything else. */
const codeOf = (err: unknown): string | undefined => (err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined);

function reasonOf(err: unknown): string {
  if (err instanceof CgroupParseError) return `corrupt: ${err.message}`;
  const code = codeOf(err);
  if (code === "ENOENT") return "missing";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return `unreadable: ${code ?? (err instanceof Error ? err.message : String(err))}`;
}

/** Reads cgroup files for one snapshot: every file, and every hierarchy lookup, at most once. */
export class CgroupFs {
  private readonly texts = new Map<string, { text: string } | { error: unknown }>();
  private readonly hierarchyDirs = new Map<string, string | null>();
  private readonly unified: string | null;

  constructor(readonly layout: CgroupLayout) {
    this.unified = layout.version === "v2" ? layout.root : layout.version === "hybrid" ? joinPath(layout.root, "unified") : null;
  }

  private read(file: string): { text: string } | { error: unknown } {
    let got = this.texts.get(file);
    if (got === undefined) {
      try {
        got = { text: readFileSync(file, "utf8") };
      } catch (error) {
        got = { error };
      }
      this.texts.set(file, got);
    }
    return got;
  }

  /** The mount directory of a v1 hierarchy: its controllers joined ("cpu,cpuacct"), or one of them, or a name= hierarchy's name. */
  private hierarchyDir(controllers: string[]): string | null {
    const key = controllers.join(",");
    let dir = this.hierarchyDirs.get(key);
    if (dir === undefined) {
      const names = [key, ...controllers].map((c) => c.replace(/^name=/, ""));
      dir = names.map((n) => joinPath(this.layout.root, n)).find((d) => existsSync(d)) ?? null;
      this.hierarchyDirs.set(key, dir);
    }
    return dir;
  }

  private noHierarchy(controllers: string[]): CgroupProblem {
    const name = controllers.join(",");
    return { file: joinPath(this.layout.root, name), reason: `no directory for the ${name} hierarchy` };
  }

  /** Where `controller`'s files are for the cgroup `entries` name, or why there is no such place. */
  controllerDir(entries: CgroupEntry[], controller: LimitController): ControllerDir | CgroupProblem {
    const v1 = entries.find((e) => e.hierarchyId !== 0 && e.controllers.includes(controller));
    if (v1 !== undefined) {
      const mount = this.hierarchyDir(v1.controllers);
      if (mount === null) return this.noHierarchy(v1.controllers);
      return { dir: mount + pathSuffix(v1.path), files: "v1", isRoot: v1.path === "/" };
    }
    const v2 = entries.find((e) => e.hierarchyId === 0);
    if (v2 !== undefined && this.unified !== null) {
      return { dir: this.unified + pathSuffix(v2.path), files: "v2", isRoot: v2.path === "/" };
    }
    return { file: `${controller} controller`, reason: `no cgroup hierarchy with the ${controller} controller under ${this.layout.root}` };
  }

  /** Limits and usage of the cgroup `entries` name, with the files read and the values left out. */
  readLimits(entries: CgroupEntry[]): { limits: CgroupLimits; problems: CgroupProblem[] } {
    const limits = emptyLimits();
    const problems: CgroupProblem[] = [];
    for (const controller of LIMIT_CONTROLLERS) {
      const where = this.controllerDir(entries, controller);
      if (!("dir" in where)) {
        problems.push(where);
        continue;
      }
      const specs: readonly CgroupFileSpec[] = where.files === "v1" ? V1_FILES : V2_FILES;
      for (const spec of specs) {
        if (spec.controller !== controller) continue;
        const file = joinPath(where.dir, spec.file);
        const got = this.read(file);
        try {
          if ("error" in got) throw got.error;
          Object.assign(limits, spec.parse(got.text));
          limits.sources.push(file);
        } catch (err) {
          // A hierarchy's root cgroup has no limit files: the kernel documents that, not a problem.
          if (where.isRoot && codeOf(err) === "ENOENT") continue;
          problems.push({ file, reason: reasonOf(err) });
        }
      }
    }
    return { limits, problems };
  }

  /** The directory of the cgroup in its primary hierarchy (memory on v1, the unified one on v2), or why there is none. */
  primaryDir(entries: CgroupEntry[]): string | CgroupProblem {
    const entry = primaryCgroupEntry(entries);
    if (entry === undefined) return { file: "cgroup.procs", reason: "the process names no cgroup" };
    if (entry.hierarchyId === 0) {
      if (this.unified === null) return { file: "cgroup.procs", reason: `no unified hierarchy under ${this.layout.root}` };
      return this.unified + pathSuffix(entry.path);
    }
    const mount = this.hierarchyDir(entry.controllers);
    return mount !== null ? mount + pathSuffix(entry.path) : this.noHierarchy(entry.controllers);
  }

  /** The PIDs in a cgroup directory (its cgroup.procs), ascending; or the problem. */
  readProcs(dir: string): number[] | CgroupProblem {
    const file = joinPath(dir, "cgroup.procs");
    const got = this.read(file);
    try {
      if ("error" in got) throw got.error;
      return parseCgroupProcs(got.text);
    } catch (err) {
      return { file, reason: reasonOf(err) };
    }
  }

  /** Everything the snapshot needs of one cgroup: limits, usage, processes. */
  readCgroup(entries: CgroupEntry[]): CgroupRead {
    const { limits, problems } = this.readLimits(entries);
    const dir = this.primaryDir(entries);
    const procs = typeof dir === "string" ? this.readProcs(dir) : dir;
    if (Array.isArray(procs)) return { limits, pids: procs, problems };
    return { limits, pids: null, problems: [...problems, procs] };
  }
}

/** "/docker/4f1c…" → "/docker/4f1c…", "/" → "": appended to a mount directory. */
function pathSuffix(path: string): string {
  return path === "/" ? "" : path;
}

/** A reader for one snapshot (files are read at most once): the model's CgroupDirReader. */
export function cgroupReader(layout: CgroupLayout): CgroupDirReader {
  const cgroupFs = new CgroupFs(layout);
  return (entries) => cgroupFs.readCgroup(entries);
}
