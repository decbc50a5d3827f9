import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseEngineEventLine, type ContainerEvent } from "@/lib/model/engine-events";
import type { LiveMessage } from "@/lib/model/live-messages";
import { parsePodmanEventLine } from "@/lib/model/podman-facts";
import type { ContainerFacts } from "@/lib/model/types";
import { DockerodeClient, type DockerClient, type EngineStreamItem } from "./docker";
import { EventHub } from "./event-hub";
import { DockerRuntime } from "./runtimes/docker-runtime";
import type { RuntimeAdapter } from "./runtimes/runtime";

/**
 * The hub against a scripted event source (the real engine is exercised by
 * test/integration/events.test.ts): reconnects, `since`, de-duplication, backoff, fan-out.
 */
const recorded = fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "docker-events", "pod-lifecycle.ndjson"), "utf8");
const events: ContainerEvent[] = recorded
  .split("\n")
  .filter(Boolean)
  .map((l) => {
    const parsed = parseEngineEventLine(l);
    if (parsed.kind !== "event") throw new Error("fixture line not an event");
    return parsed.event;
  });

/** One connection attempt: refused, or a stream of items that then ends or breaks. */
type Session = { refuse: Error } | { items: EngineStreamItem[]; then?: Error };

const refused = () => Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" });
const connected = (list: ContainerEvent[]): EngineStreamItem[] => [{ kind: "connected" }, ...list.map((event) => ({ kind: "event" as const, event }))];

function scriptedEngine(sessions: Session[]) {
  const sinces: (string | undefined)[] = [];
  const inspected: string[] = [];
  const client: Pick<DockerClient, "endpoint" | "events" | "inspectContainer"> = {
    endpoint: "unix:///var/run/docker.sock",
    async *events({ since, signal }) {
      sinces.push(since);
      const session = sessions.shift();
      if (!session) {
        // Script done: a quiet, open stream until the hub stops.
        yield { kind: "connected" };
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        throw Object.assign(new Error("aborted"), { name: "AbortError" });
      }
      if ("refuse" in session) throw session.refuse;
      yield* session.items;
      if (session.then) throw session.then;
    },
    async inspectContainer(id) {
      inspected.push(id);
      return { id, networkMode: "container:abc", ipcMode: "container:abc", pidMode: "container:abc" } as ContainerFacts;
    },
  };
  return { client, sinces, inspected };
}

/** The hub following Docker alone, through the runtime adapter the server uses. */
const dockerOnly = (client: Pick<DockerClient, "endpoint" | "events" | "inspectContainer">) => {
  const runtime = new DockerRuntime(client as DockerClient);
  return () => [runtime];
};

let hub: EventHub | undefined;
afterEach(() => hub?.shutdown());

function listen(h: EventHub) {
  const got: LiveMessage[] = [];
  const ended = { count: 0 };
  const unsubscribe = h.subscribe({ message: (m) => got.push(m), end: () => ended.count++ });
  const containers = () => got.flatMap((m) => (m.type === "container" ? [`${m.event.action} ${m.event.name}`] : []));
  const feeds = () => got.flatMap((m) => (m.type === "feed" ? [m.feed] : []));
  return { got, ended, unsubscribe, containers, feeds };
}

describe("EventHub", () => {
  it("asks first for everything the engine buffers, then resumes a second before the last event", async () => {
    const { client, sinces } = scriptedEngine([
      { items: connected(events.slice(0, 4)), then: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) },
      // The engine replays from `since`: two already seen, then one new.
      { items: connected(events.slice(2, 5)) },
    ]);
    hub = new EventHub(dockerOnly(client), { initialMs: 1, maxMs: 1 });
    const l = listen(hub);
    await vi.waitFor(() => expect(l.containers()).toHaveLength(5));
    expect(l.containers()).toEqual(["create fable-sb", "start fable-sb", "create fable-mem", "start fable-mem", "kill fable-mem"]);
    expect(sinces.slice(0, 2)).toEqual(["1000000000", "1795323343873006019"]);
    expect(l.feeds().map((f) => f.state)).toEqual(["connecting", "following", "reconnecting", "following", "reconnecting", "following"]);
    await vi.waitFor(() => expect(sinces).toHaveLength(3)); // the second stream ended: it reconnected again
    expect(hub.history.get(events[0]!.containerId)!.events.map((e) => e.action)).toEqual(["create", "start"]);
  });

  it("backs off while the engine is down, doubling up to the maximum, and says why", async () => {
    const { client } = scriptedEngine([{ refuse: refused() }, { refuse: refused() }, { refuse: refused() }, { refuse: refused() }]);
    hub = new EventHub(dockerOnly(client), { initialMs: 2, maxMs: 5 });
    const l = listen(hub);
    await vi.waitFor(() => expect(l.feeds().at(-1)?.state).toBe("following"));
    const retries = l.feeds().flatMap((f) => (f.state === "reconnecting" ? [[f.failures, f.retryInMs]] : []));
    expect(retries).toEqual([
      [1, 2],
      [2, 4],
      [3, 5],
      [4, 5],
    ]);
    const first = l.feeds().find((f) => f.state === "reconnecting");
    expect(first?.state === "reconnecting" && first.reason).toMatch(/no Docker daemon listens/);
  });

  it("is one follower for many subscribers, counts them, and stops sending to those who left", async () => {
    const { client, sinces } = scriptedEngine([{ items: connected(events.slice(0, 2)) }]);
    hub = new EventHub(dockerOnly(client));
    const a = listen(hub);
    const b = listen(hub);
    expect(b.got[0]).toEqual({ type: "feed", runtime: "docker", feed: { state: "connecting" }, subscribers: 2 });
    b.unsubscribe();
    const c = listen(hub);
    expect(c.got[0]).toMatchObject({ type: "feed", subscribers: 2 });
    await vi.waitFor(() => expect(a.containers()).toHaveLength(2));
    expect(sinces).toHaveLength(1);
    expect(b.containers()).toEqual([]);
    expect(c.containers()).toEqual(a.containers());
  });

  it("ends every stream on shutdown, so the server can exit, and ends a late subscriber at once", async () => {
    const { client } = scriptedEngine([]);
    hub = new EventHub(dockerOnly(client));
    const a = listen(hub);
    const b = listen(hub);
    expect(hub.isShutDown).toBe(false);
    hub.shutdown();
    expect(hub.isShutDown).toBe(true);
    expect([a.ended.count, b.ended.count]).toEqual([1, 1]);
    const late = listen(hub);
    expect(late.ended.count).toBe(1);
    expect(late.got).toEqual([]);
  });

  it("keeps delivering when one subscriber throws", async () => {
    const { client } = scriptedEngine([{ items: connected(events.slice(0, 2)) }]);
    hub = new EventHub(dockerOnly(client));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    hub.subscribe({
      message: () => {
        throw new Error("broken tab");
      },
      end: () => undefined,
    });
    const l = listen(hub);
    await vi.waitFor(() => expect(l.containers()).toHaveLength(2));
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it("reads a created container's modes, and counts dropped lines", async () => {
    const { client, inspected } = scriptedEngine([
      { items: [...connected(events.slice(0, 3)), { kind: "dropped", count: 2, reason: "not JSON" }] },
    ]);
    hub = new EventHub(dockerOnly(client));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    hub.start();
    const modes = { network: "container:abc", ipc: "container:abc", pid: "container:abc" };
    await vi.waitFor(() => expect(hub!.history.get(events[2]!.containerId)?.modes).toEqual(modes));
    expect(inspected).toEqual([events[0]!.containerId, events[2]!.containerId]);
    expect(hub.dropped).toBe(2);
    warn.mockRestore();
  });

  it("puts any runtime's events into the history (Podman's, the CRI poll's), reads its modes on create; a change without one is a runtime message", async () => {
    const podmanLines = fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "podman", "events-steps.ndjson"), "utf8").split("\n").filter(Boolean);
    const changes = podmanLines.slice(0, 3).map((l) => parsePodmanEventLine(l)!); // create, init (no event), start of the infra container
    const asked: string[] = [];
    const runtime = {
      id: "podman",
      kind: "podman",
      endpoint: "/run/podman/podman.sock",
      node: null,
      async *changes(signal: AbortSignal) {
        yield { kind: "connected" as const };
        for (const c of changes) yield { kind: "changed" as const, containerId: c.containerId, action: c.action, ...(c.event ? { events: [c.event] } : {}) };
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      },
      async joinModes(id: string) {
        asked.push(id);
        return { network: "bridge", ipc: "shareable", pid: "private", uts: "private" };
      },
      explain: () => ({ reason: "error" as const, message: "", hint: "" }),
    } as unknown as RuntimeAdapter;
    hub = new EventHub(() => [runtime]);
    const l = listen(hub);
    const infra = changes[0]!.containerId;
    await vi.waitFor(() => expect(hub!.history.get(infra)?.modes).toEqual({ network: "bridge", ipc: "shareable", pid: "private", uts: "private" }));
    expect(hub.history.get(infra)!.events.map((e) => [e.action, e.runtime, e.source])).toEqual([
      ["create", "podman", "podman events: container create"],
      ["start", "podman", "podman events: container start"],
    ]);
    expect(asked).toEqual([infra]);
    expect(l.containers()).toEqual(["create demo-a1b2c3-pause", "start demo-a1b2c3-pause"]);
    expect(l.got.filter((m) => m.type === "runtime")).toEqual([{ type: "runtime", runtime: "podman", containerId: infra, action: "init" }]);
  });
});

describe("EventHub with the dockerode client, against a recorded stream served over HTTP", () => {
  it("parses chunks cut anywhere, and after the stream breaks resumes with an exact since", async () => {
    const lines = recorded.split("\n").filter(Boolean).map((l) => l + "\n");
    const queries: URLSearchParams[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://engine");
      if (!url.pathname.endsWith("/events")) {
        // The hub inspects created containers: long gone, as in a replay.
        res.writeHead(404, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ message: "No such container" }));
      }
      queries.push(url.searchParams);
      res.writeHead(200, { "Content-Type": "application/json" });
      if (queries.length === 1) {
        // The first four events, in 37-byte chunks that cut objects anywhere; then the engine goes away.
        const text = lines.slice(0, 4).join("");
        for (let i = 0; i < text.length; i += 37) res.write(text.slice(i, i + 37));
        setTimeout(() => res.socket?.destroy(), 50);
      } else {
        // After the reconnect the engine replays from `since` (events 3 and 4 again), then new ones; stays open.
        res.write(lines.slice(2, 7).join(""));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      hub = new EventHub(dockerOnly(new DockerodeClient()), { initialMs: 10, maxMs: 10 });
      const l = listen(hub);
      await vi.waitFor(() => expect(l.containers()).toHaveLength(7));
      expect(l.containers()).toEqual(events.slice(0, 7).map((e) => `${e.action} ${e.name}`));
      expect(queries.map((q) => q.get("since"))).toEqual(["1.000000000", "1795323343.873006019"]);
      expect(JSON.parse(queries[0]!.get("filters")!)).toEqual({
        type: ["container"],
        event: ["create", "start", "restart", "pause", "unpause", "kill", "die", "oom", "stop", "rename", "destroy"],
      });
    } finally {
      hub?.shutdown();
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
