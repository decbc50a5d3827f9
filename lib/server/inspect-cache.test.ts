import { describe, expect, it } from "vitest";
import type { ContainerFacts } from "@/lib/model/types";
import { containerFacts } from "@/test/support/model-builders";
import type { DockerClient } from "./docker";
import { InspectCache } from "./inspect-cache";

/**
 * An engine in memory that counts what it is asked: only the three calls InspectCache makes.
 * (The real engine behind the cache is exercised by the integration tests through the server.)
 */
function engine(initial: ContainerFacts[]) {
  const containers = new Map(initial.map((c) => [c.id, c]));
  const calls = { listContainers: 0, listSummaries: 0, inspect: [] as string[] };
  /** Runs during the next listSummaries: an event arriving while the cache reads the engine. */
  let duringList: (() => void) | null = null;
  const client = {
    endpoint: "memory",
    listContainers: async () => {
      calls.listContainers++;
      return [...containers.values()];
    },
    listSummaries: async () => {
      calls.listSummaries++;
      duringList?.();
      duringList = null;
      return [...containers.values()].map(({ id, state }) => ({ id, state }));
    },
    inspectContainer: async (id: string) => {
      calls.inspect.push(id);
      return containers.get(id) ?? null;
    },
  } as Partial<DockerClient> as DockerClient;
  return {
    client,
    calls,
    containers,
    onNextList(f: () => void) {
      duringList = f;
    },
  };
}

const A = containerFacts({ id: "a".repeat(64), name: "web" });
const B = containerFacts({ id: "b".repeat(64), name: "db" });

function trustedCache(): InspectCache {
  const cache = new InspectCache();
  cache.trusted = true;
  return cache;
}

describe("InspectCache", () => {
  it("without the event stream: lists and inspects everything, every time", async () => {
    const e = engine([A, B]);
    const cache = new InspectCache();
    expect(await cache.containers(e.client)).toEqual([A, B]);
    expect(await cache.containers(e.client)).toEqual([A, B]);
    expect(e.calls).toEqual({ listContainers: 2, listSummaries: 0, inspect: [] });
  });

  it("with the stream and no event since: the engine is not asked again", async () => {
    const e = engine([A, B]);
    const cache = trustedCache();
    expect(await cache.containers(e.client)).toEqual([A, B]);
    expect(await cache.containers(e.client)).toEqual([A, B]);
    expect(e.calls).toEqual({ listContainers: 0, listSummaries: 1, inspect: [A.id, B.id] });
  });

  it("an event: lists again and inspects only that container", async () => {
    const e = engine([A, B]);
    const cache = trustedCache();
    await cache.containers(e.client);
    const renamed = { ...B, name: "db-renamed" };
    e.containers.set(B.id, renamed);
    cache.invalidate(B.id);
    expect(await cache.containers(e.client)).toEqual([A, renamed]);
    expect(e.calls).toEqual({ listContainers: 0, listSummaries: 2, inspect: [A.id, B.id, B.id] });
  });

  it("an event for one container re-inspects another whose listed state changed, and forgets a removed one", async () => {
    const e = engine([A, B]);
    const cache = trustedCache();
    await cache.containers(e.client);
    const stopped = { ...A, state: "exited", pid: null };
    e.containers.set(A.id, stopped);
    e.containers.delete(B.id);
    cache.invalidate(B.id);
    expect(await cache.containers(e.client)).toEqual([stopped]);
    expect(e.calls.inspect).toEqual([A.id, B.id, A.id]);
  });

  it("an event while the engine is read: that answer is used once, not kept", async () => {
    const e = engine([A]);
    const cache = trustedCache();
    e.onNextList(() => cache.invalidate(A.id));
    expect(await cache.containers(e.client)).toEqual([A]);
    expect(await cache.containers(e.client)).toEqual([A]);
    expect(await cache.containers(e.client)).toEqual([A]);
    expect(e.calls).toEqual({ listContainers: 0, listSummaries: 2, inspect: [A.id, A.id] });
  });

  it("losing the stream drops everything: back to full reads", async () => {
    const e = engine([A]);
    const cache = trustedCache();
    await cache.containers(e.client);
    cache.distrust();
    expect(await cache.containers(e.client)).toEqual([A]);
    cache.trusted = true; // following again
    expect(await cache.containers(e.client)).toEqual([A]);
    expect(e.calls).toEqual({ listContainers: 1, listSummaries: 2, inspect: [A.id, A.id] });
  });
});
