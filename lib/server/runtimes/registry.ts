import "server-only";
import type { RuntimeKind } from "@/lib/model/types";
import { getDockerClient } from "../docker";
import { DockerRuntime } from "./docker-runtime";
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

/** What this host may run: Docker, then the CRI and Podman endpoints found. */
export function hostRuntimeCandidates(): RuntimeCandidate[] {
  return [{ id: "docker", make: () => new DockerRuntime(getDockerClient()) }];
}

/** The one registry of this server process (kept on globalThis so every route bundle shares it). */
export function getRuntimeRegistry(): RuntimeRegistry {
  const g = globalThis as { __podAnatomyRuntimes?: RuntimeRegistry };
  g.__podAnatomyRuntimes ??= new RuntimeRegistry(hostRuntimeCandidates);
  return g.__podAnatomyRuntimes;
}
