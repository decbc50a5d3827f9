/**
 * The server's bounded memory of container events, per container: what a pod's timeline is
 * told from. Pure: no I/O.
 */
import type { ContainerEvent } from "./engine-events";

/**
 * How a container joined others' namespaces, as its runtime reports them: Docker's and
 * Podman's HostConfig modes, e.g. "container:<id>"; the CRI's NamespaceMode as our word
 * ("pod": shared with its sandbox, "private", "host").
 */
export interface JoinModes {
  network: string;
  ipc: string;
  pid: string;
  /** Podman and the CRI share the uts namespace too; Docker cannot (absent or "" / "host"). */
  uts?: string;
}

/** What the server remembers about one container, for the timeline. */
export interface ContainerRecord {
  containerId: string;
  /** Name, image and labels from its latest event. */
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Its modes, read from the engine when it was created; null when not read (created before the server followed the engine, or gone too fast). */
  modes: JoinModes | null;
  /** Its events, oldest first. Bounded: when full, the oldest after the first is dropped (the first is usually `create`). */
  events: ContainerEvent[];
}

/**
 * A bounded memory of container events: at most `maxContainers` containers (the least
 * recently changed is forgotten first), at most `maxEvents` events each.
 */
export class EventHistory {
  private readonly byId = new Map<string, ContainerRecord>();

  constructor(
    readonly maxContainers = 512,
    readonly maxEvents = 32,
  ) {}

  add(e: ContainerEvent): void {
    const record = this.byId.get(e.containerId) ?? {
      containerId: e.containerId,
      name: e.name,
      image: e.image,
      labels: e.labels,
      modes: null,
      events: [],
    };
    this.byId.delete(e.containerId); // re-inserted last: Map order is least recently changed first
    if (e.name) record.name = e.name;
    if (e.image) record.image = e.image;
    if (Object.keys(e.labels).length > 0) record.labels = e.labels;
    record.events.push(e);
    if (record.events.length > this.maxEvents) record.events.splice(1, 1);
    this.byId.set(e.containerId, record);
    if (this.byId.size > this.maxContainers) this.byId.delete(this.byId.keys().next().value!);
  }

  setModes(containerId: string, modes: JoinModes): void {
    const record = this.byId.get(containerId);
    if (record) record.modes = modes;
  }

  get(containerId: string): ContainerRecord | undefined {
    return this.byId.get(containerId);
  }

  records(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** Time (ms) of the oldest event still held, or null when none. */
  oldestTime(): number | null {
    let oldest: number | null = null;
    for (const r of this.byId.values()) {
      const t = r.events[0]?.time;
      if (t !== undefined && (oldest === null || t < oldest)) oldest = t;
    }
    return oldest;
  }
}
