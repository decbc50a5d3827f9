import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { RuntimeKind } from "@/lib/model/types";
import { getDockerClient } from "../docker";
import { CriRuntime } from "./cri/adapter";
import { findCriEndpoints } from "./cri/endpoints";
import { containerPidsToRead } from "../procfs";
import { processSingleton } from "../singleton";
import { podmanHostSetting } from "../config";
import { DockerRuntime } from "./docker-runtime";
import { PodmanRuntime } from "./podman/adapter";
import { podmanSocketPath } from "./podman/client";
import type { RuntimeAdapter } from "./runtime";

/** A runtime that may be there: its id, and how to make its adapter the first time it is seen. */
export interface RuntimeCandidate {
  id: string;
  make(): RuntimeAdapter;
}

/** How often the candidates are looked for again (a few stat calls; nested runtimes: a look at /proc). */
const DISCOVER_EVERY_MS = 2_000;

/**
 * The runtimes of this host: Docker always (its status says when it is not there), and the
 * CRI and Podman endpoints found by their sockets and overrides (CONTAINER_RUNTIME_ENDPOINT,
 * CONTAINER_HOST), nested runtimes included. Looked for again at most every 2 s, so a
 * runtime started after the server is picked up without a restart; an adapter is made
 * once per id and kept (its caches and cursors with it).
 */
export class RuntimeRegistry {
  private readonly adapters = new Map<string, RuntimeAdapter>();
  private lookedAt = -Infinity;

  constructor(
    private readonly discover: () => RuntimeCandidate[],
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Every runtime found now, Docker first. */
  list(): RuntimeAdapter[] {
    if (this.now() - this.lookedAt >= DISCOVER_EVERY_MS) {
      this.lookedAt = this.now();
      const found = this.discover();
      const ids = new Set(found.map((c) => c.id));
      for (const id of this.adapters.keys()) if (!ids.has(id)) this.adapters.delete(id);
      for (const c of found) if (!this.adapters.has(c.id)) this.adapters.set(c.id, c.make());
    }
    return [...this.adapters.values()];
  }

  get(id: string): RuntimeAdapter | undefined {
    return this.list().find((r) => r.id === id);
  }

  /** The runtime of a kind that pods can be made on (on this host, with PodOperations), if any. */
  creator(kind: RuntimeKind): RuntimeAdapter | undefined {
    return this.list().find((r) => r.kind === kind && r.node === null && r.pods !== undefined);
  }
}

/**
 * The name of the node a nested runtime runs in: kind and minikube give the node container
 * the node's name as its hostname; failing that, the PID of its runtime process.
 */
export function nodeNameOf(pid: number, procRoot = "/proc"): string {
  try {
    const name = fs.readFileSync(path.join(procRoot, String(pid), "root", "etc", "hostname"), "utf8").trim();
    if (/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(name)) return name;
  } catch {
    // unreadable: fall through
  }
  return `node of PID ${pid}`;
}

/** Whether Podman is worth asking: asked for (CONTAINER_HOST), installed, or its socket is there. */
function podmanPresent(): boolean {
  if (podmanHostSetting()) return true;
  try {
    if (fs.existsSync(podmanSocketPath())) return true;
  } catch {
    return true; // a CONTAINER_HOST that is no unix socket: the adapter's status says so
  }
  return ["/usr/bin/podman", "/usr/local/bin/podman"].some((p) => fs.existsSync(p));
}

/** Every PID of /proc is looked at for nested runtimes this often; in between, those of containers only (see NestedRuntimeLook). */
const FULL_LOOK_EVERY_MS = 60_000;

/**
 * Which processes to look at for a nested CRI runtime. Looking costs a read of /proc/PID/comm
 * per process: 5,000 host processes made it ~60 ms, in every snapshot of the 2 s look. A node
 * of kind or minikube is a container, so its runtime is among the processes of containers
 * (from their cgroups, as the snapshot's scan finds them): those are looked at each time,
 * with the runtimes found before; every FULL_LOOK_EVERY_MS (and first), every PID, for a
 * runtime in a private mount namespace outside any container.
 */
export class NestedRuntimeLook {
  private lastFull = -Infinity;
  private known: number[] = [];

  constructor(
    private readonly containerPids: () => number[] | null,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The PIDs to look at now; undefined: all of them. */
  pids(): number[] | undefined {
    if (this.now() - this.lastFull >= FULL_LOOK_EVERY_MS) {
      this.lastFull = this.now();
      return undefined;
    }
    const inContainers = this.containerPids();
    if (inContainers === null) return undefined; // no cgroup hierarchy to list: every PID, as before
    return [...new Set([...inContainers, ...this.known])];
  }

  /** The PIDs of the nested runtimes found by the last look. */
  found(pids: number[]): void {
    this.known = pids;
  }
}

const nestedLook = (): NestedRuntimeLook => processSingleton("__podAnatomyNestedLook", () => new NestedRuntimeLook(() => containerPidsToRead("/sys/fs/cgroup")));

/** What this host may run: Docker, then the CRI endpoints found (nested ones read only), then Podman. */
export function hostRuntimeCandidates(): RuntimeCandidate[] {
  const look = nestedLook();
  const endpoints = findCriEndpoints({ pids: look.pids() });
  look.found(endpoints.flatMap((e) => (e.source === "nested" && e.pid !== null ? [e.pid] : [])));
  const cri = endpoints.map(
    (e): RuntimeCandidate => ({
      id: `cri:${e.socketPath}`,
      make: () => new CriRuntime({ endpoint: e.socketPath, node: e.pid !== null && e.source === "nested" ? nodeNameOf(e.pid) : null }),
    }),
  );
  const podman: RuntimeCandidate[] = podmanPresent() ? [{ id: "podman", make: () => new PodmanRuntime({ docker: getDockerClient() }) }] : [];
  return [{ id: "docker", make: () => new DockerRuntime(getDockerClient()) }, ...cri, ...podman];
}

/** The one registry of this server process (a process singleton: every route bundle shares it). */
export function getRuntimeRegistry(): RuntimeRegistry {
  return processSingleton("__podAnatomyRuntimes", () => new RuntimeRegistry(hostRuntimeCandidates));
}
