import "server-only";
import type { ContainerFacts } from "@/lib/model/types";
import type { DockerClient } from "./docker";

/**
 * The engine's container list and `docker inspect` results, kept between snapshots while the
 * engine's event stream is followed: every container change the engine makes is announced
 * there (create, start, die, rename, destroy, … see CONTAINER_ACTIONS), so between two such
 * events the engine's answer cannot differ. An event drops that container's entry and the
 * list (the next snapshot lists again, and inspects what is new or changed state). Without
 * the stream nothing is cached: a change could go unnoticed.
 */
export class InspectCache {
  private readonly entries = new Map<string, { state: string; facts: ContainerFacts }>();
  /** The last complete answer, and the event count it is true for. */
  private listed: { generation: number; containers: ContainerFacts[] } | null = null;
  /** Container events (and losses of the stream) seen so far. */
  private generation = 0;
  /** True while the engine's event stream is followed. */
  trusted = false;

  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
  }

  distrust(): void {
    this.generation++;
    this.trusted = false;
    this.entries.clear();
    this.listed = null;
  }

  /**
   * Every container: the cached answer when no container event came since it was made;
   * otherwise listed, inspecting only those not cached (or whose listed state changed).
   * What was read while an event came in is used once, not kept: it may predate the event.
   */
  async containers(docker: DockerClient): Promise<ContainerFacts[]> {
    if (!this.trusted) return docker.listContainers();
    if (this.listed?.generation === this.generation) return this.listed.containers;
    const generation = this.generation;
    const list = await docker.listSummaries();
    const inspected = await Promise.all(
      list.map(async ({ id, state }) => {
        const hit = this.entries.get(id);
        if (hit && hit.state === state) return { id, state, facts: hit.facts };
        return { id, state, facts: await docker.inspectContainer(id) };
      }),
    );
    // A container removed between list and inspect is simply gone.
    const containers = inspected.flatMap((c) => (c.facts ? [c.facts] : []));
    if (this.trusted && generation === this.generation) {
      this.entries.clear();
      for (const { id, state, facts } of inspected) if (facts) this.entries.set(id, { state, facts });
      this.listed = { generation, containers };
    }
    return containers;
  }
}
