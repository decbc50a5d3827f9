import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  buildTimeline,
  compareTimeNano,
  describeExit,
  EventCursor,
  EventHistory,
  parseEngineEventLine,
  parseLiveMessage,
  sinceParam,
  toSseFrame,
  type ContainerEvent,
  type LiveMessage,
} from "./docker-events";
import { LABEL_POD, type Container, type Pod } from "./types";
import * as build from "@/test/support/model-builders";

/**
 * Recorded from the engine here (`GET /events?since=…&until=…&filters={"type":["container"]}`)
 * around this life of a two-container pod:
 *   docker run -d --network none --ipc shareable --name fable-sb <pause-stand-in>
 *   docker run -d --name fable-mem --net=container:fable-sb --ipc=container:fable-sb --pid=container:fable-sb <pause-stand-in>
 *   docker kill fable-mem; docker rm fable-mem; docker stop -t1 fable-sb; docker rm fable-sb
 */
const lines = fs
  .readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "docker-events", "pod-lifecycle.ndjson"), "utf8")
  .split("\n")
  .filter(Boolean);
const events: ContainerEvent[] = lines.map((l) => {
  const parsed = parseEngineEventLine(l);
  if (parsed.kind !== "event") throw new Error(`fixture line not an event: ${l}`);
  return parsed.event;
});

const SANDBOX = "d9c42056ba7ee05f81bfe4ad56cdeaaa60c7a3dd24c601c3922978e714d28679";
const MEMBER = "bc8b1640c78b2c062c7fa19d25339b63ff3214ba05a4d59a4d3668f24a0b25b6";
const IMAGE = "pod-anatomy/pause-stand-in:aac19426d406";

describe("parseEngineEventLine on the recorded stream", () => {
  it("reshapes the engine's messages into our events, in order", () => {
    expect(events.map((e) => `${e.action} ${e.name}`)).toEqual([
      "create fable-sb",
      "start fable-sb",
      "create fable-mem",
      "start fable-mem",
      "kill fable-mem",
      "die fable-mem",
      "destroy fable-mem",
      "kill fable-sb",
      "die fable-sb",
      "stop fable-sb",
      "destroy fable-sb",
    ]);
    expect(events[0]).toEqual({
      timeNano: "1795323344523443836",
      time: 1795323344523.443,
      action: "create",
      containerId: SANDBOX,
      name: "fable-sb",
      image: IMAGE,
      exitCode: null,
      signal: null,
      labels: {
        "io.pod-anatomy.app": "pod-anatomy",
        "io.pod-anatomy.run": "probe-fable",
        "io.pod-anatomy.stand-in-for": "registry.k8s.io/pause:3.10",
      },
    });
  });

  it("reads the exit code of die and the signal of kill", () => {
    expect(events.filter((e) => e.action === "die").map((e) => [e.name, e.exitCode])).toEqual([
      ["fable-mem", 137],
      ["fable-sb", 0],
    ]);
    expect(events.filter((e) => e.action === "kill").map((e) => [e.name, e.signal])).toEqual([
      ["fable-mem", "9"],
      ["fable-sb", "15"],
    ]);
    expect(events.filter((e) => e.action !== "die").every((e) => e.exitCode === null)).toBe(true);
  });

  it("keeps timeNano exact where JSON.parse would round it", () => {
    const rounded = BigInt((JSON.parse(lines[0]!) as { timeNano: number }).timeNano).toString();
    expect(rounded).not.toBe("1795323344523443836");
    expect(events[0]!.timeNano).toBe("1795323344523443836");
  });

  it("is not fooled by a label value that looks like a timeNano", () => {
    const line = lines[0]!.replace('"name":"fable-sb"', '"name":"fable-sb","trap":"\\"timeNano\\":1,"');
    const parsed = parseEngineEventLine(line);
    expect(parsed.kind === "event" && parsed.event.timeNano).toBe("1795323344523443836");
    expect(parsed.kind === "event" && parsed.event.labels.trap).toBe('"timeNano":1,');
  });

  it("ignores other event types and actions, and flags what is not an engine event", () => {
    const imageEvent = lines[0]!.replace('"Type":"container"', '"Type":"image"');
    const execEvent = lines[0]!.replace('"Action":"create"', '"Action":"exec_start: sh -c true"');
    expect(parseEngineEventLine(imageEvent)).toEqual({ kind: "ignored" });
    expect(parseEngineEventLine(execEvent)).toEqual({ kind: "ignored" });
    expect(parseEngineEventLine("{not json").kind).toBe("invalid");
    expect(parseEngineEventLine('{"status":"start"}').kind).toBe("invalid");
    expect(parseEngineEventLine('{"Type":"container","Action":"start","Actor":{"ID":"x"},"timeNano":-5}').kind).toBe("invalid");
  });
});

describe("time helpers", () => {
  it("compares exact nanoseconds", () => {
    expect(compareTimeNano("1795323344523443836", "1795323344523443837")).toBeLessThan(0);
    expect(compareTimeNano("999", "1000")).toBeLessThan(0);
    expect(compareTimeNano("1000", "1000")).toBe(0);
  });

  it("writes since as seconds.nanoseconds", () => {
    expect(sinceParam("1795323344523443836")).toBe("1795323344.523443836");
    expect(sinceParam("1000000000")).toBe("1.000000000");
    expect(sinceParam("5")).toBe("0.000000005");
  });

  it("explains exit codes as Docker reports them", () => {
    expect(describeExit(137)).toBe("exit code 137 = 128 + 9: killed by signal 9 (SIGKILL)");
    expect(describeExit(143)).toBe("exit code 143 = 128 + 15: killed by signal 15 (SIGTERM)");
    expect(describeExit(0)).toBe("exit code 0: it ended normally");
    expect(describeExit(1)).toBe("exit code 1: it failed");
  });
});

describe("backoffDelay", () => {
  it("doubles from the initial delay and stops at the maximum", () => {
    const b = { initialMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, b))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe("EventCursor", () => {
  it("accepts each event once, and drops what a reconnect replays", () => {
    const cursor = new EventCursor();
    expect(events.map((e) => cursor.accept(e))).toEqual(events.map(() => true));
    expect(events.map((e) => cursor.accept(e))).toEqual(events.map(() => false));
  });

  it("resumes a second before the latest event, so a late-published earlier event is not skipped", () => {
    const cursor = new EventCursor();
    expect(cursor.resumeFrom()).toBeNull();
    for (const e of events.slice(0, 4)) cursor.accept(e);
    expect(cursor.resumeFrom()).toBe("1795323343873006019"); // start fable-mem minus 1 s
    // An event stamped earlier but published later is still new, and does not move the cursor back.
    expect(cursor.accept({ ...events[4]!, timeNano: "1795323344873006000" })).toBe(true);
    expect(cursor.resumeFrom()).toBe("1795323343873006019");
  });

  it("forgets the oldest keys beyond its memory", () => {
    const cursor = new EventCursor(2);
    for (const e of events.slice(0, 3)) cursor.accept(e);
    expect(cursor.accept(events[0]!)).toBe(true); // forgotten: memory is bounded
    expect(cursor.accept(events[2]!)).toBe(false);
  });
});

describe("EventHistory", () => {
  it("keeps each container's events in order, with its latest name", () => {
    const history = new EventHistory();
    for (const e of events) history.add(e);
    expect(history.get(MEMBER)!.events.map((e) => e.action)).toEqual(["create", "start", "kill", "die", "destroy"]);
    expect(history.records().map((r) => r.name)).toEqual(["fable-mem", "fable-sb"]); // least recently changed first
    expect(history.oldestTime()).toBe(events[0]!.time);
  });

  it("is bounded: forgets the least recently changed container, and old events but the first", () => {
    const oneContainer = new EventHistory(1, 32);
    for (const e of events) oneContainer.add(e);
    // fable-mem's create pushed fable-sb out; fable-sb came back with its kill.
    expect(oneContainer.records().map((r) => r.containerId)).toEqual([SANDBOX]);
    expect(oneContainer.get(SANDBOX)!.events.map((e) => e.action)).toEqual(["kill", "die", "stop", "destroy"]);

    const threeEvents = new EventHistory(512, 3);
    for (const e of events) threeEvents.add(e);
    expect(threeEvents.get(SANDBOX)!.events.map((e) => e.action)).toEqual(["create", "stop", "destroy"]);
    expect(threeEvents.get(MEMBER)!.events.map((e) => e.action)).toEqual(["create", "die", "destroy"]);
  });
});

describe("live messages (server-sent events)", () => {
  it("round-trips a container event, another runtime's change and a feed message", () => {
    const messages: LiveMessage[] = [
      { type: "container", event: events[5]! },
      { type: "runtime", runtime: "cri:/run/containerd/containerd.sock", containerId: "ab12", action: "start" },
      { type: "feed", runtime: "docker", feed: { state: "reconnecting", failures: 2, retryInMs: 1000, reason: "no daemon" }, subscribers: 3 },
    ];
    for (const m of messages) {
      const frame = toSseFrame(m);
      const [eventLine, dataLine, blank, end] = frame.split("\n");
      expect(eventLine).toBe(`event: ${m.type}`);
      expect([blank, end]).toEqual(["", ""]);
      expect(parseLiveMessage(m.type, dataLine!.slice("data: ".length))).toEqual(m);
    }
  });

  it("refuses malformed data", () => {
    expect(parseLiveMessage("container", "{")).toBeNull();
    expect(parseLiveMessage("container", JSON.stringify({ ...events[0], action: "explode" }))).toBeNull();
    expect(parseLiveMessage("feed", JSON.stringify({ feed: { state: "asleep" }, subscribers: 1 }))).toBeNull();
    expect(parseLiveMessage("other", "{}")).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------

const NS = { cgroup: 4026531835, ipc: 4026532301, mnt: 4026532299, net: 4026532304, pid: 4026532302, uts: 4026532300, user: 4026531837 };

function container(over: Partial<Container> & Pick<Container, "id" | "name">): Container {
  return build.container({
    image: IMAGE,
    created: "2026-11-22T04:55:44.5Z",
    modes: { network: "none", ipc: "shareable", pid: "", uts: "", cgroupParent: "" },
    podId: SANDBOX,
    role: "sandbox",
    ...over,
  });
}

const sandbox = container({
  id: SANDBOX,
  name: "fable-sb",
  pid: 4242,
  namespaces: NS,
  sharedWithHost: ["cgroup", "user"],
  own: ["ipc", "mnt", "net", "pid", "uts"],
});
const pod: Pod = build.pod({ id: SANDBOX, name: "fable-sb", source: "inferred", managed: false });
const joinModes = { network: `container:${SANDBOX}`, ipc: `container:${SANDBOX}`, pid: `container:${SANDBOX}` };

function historyOf(list: ContainerEvent[]): EventHistory {
  const history = new EventHistory();
  for (const e of list) history.add(e);
  return history;
}

describe("buildTimeline", () => {
  it("tells the recorded pod's story: sandbox, namespaces, a member joining, its death and removal", () => {
    const history = historyOf(events.slice(0, 7));
    history.setModes(MEMBER, joinModes); // what the hub reads on create
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: history.oldestTime() });

    expect(timeline.steps.map((s) => `${s.kind} ${s.containerName}`)).toEqual([
      "sandbox-created fable-sb",
      "namespaces-created fable-sb",
      "created fable-mem",
      "joined fable-mem",
      "started fable-mem",
      "exited fable-mem",
      "removed fable-mem",
    ]);
    expect(timeline.complete).toBe(true);
    expect(timeline.historyFrom).toBe(events[0]!.time);

    const [, nsCreated, created, joined, , exited] = timeline.steps;
    // The kernel's inodes, in the order the story tells, with where they were read.
    expect(nsCreated!.namespaces).toEqual([
      { type: "net", id: "net:[4026532304]" },
      { type: "ipc", id: "ipc:[4026532301]" },
      { type: "pid", id: "pid:[4026532302]" },
      { type: "uts", id: "uts:[4026532300]" },
      { type: "mnt", id: "mnt:[4026532299]" },
    ]);
    expect(nsCreated!.sources).toContain("/proc/4242/ns/net");
    expect(nsCreated!.timeNano).toBe("1795323344752382117");
    expect(created!.detail).toBe(
      "Created to join fable-sb: HostConfig.NetworkMode=container:fable-sb, HostConfig.IpcMode=container:fable-sb, HostConfig.PidMode=container:fable-sb.",
    );
    // The member is gone: what it joined comes from its modes, inodes are no longer readable.
    expect(joined!.title).toBe("fable-mem joined fable-sb's net, ipc, pid");
    expect(joined!.namespaces).toEqual([
      { type: "net", id: null },
      { type: "ipc", id: null },
      { type: "pid", id: null },
    ]);
    expect(exited!.exitCode).toBe(137);
    expect(exited!.detail).toContain("killed by signal 9 (SIGKILL)");
    expect(new Set(timeline.steps.map((s) => s.id)).size).toBe(timeline.steps.length);
  });

  it("leaves out a removed container nothing ties to the pod, and includes one our labels tie to it", () => {
    const history = historyOf(events.slice(0, 7)); // no modes read for the member
    const alone = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: null });
    expect(alone.steps.map((s) => s.kind)).toEqual(["sandbox-created", "namespaces-created"]);

    const labelled = historyOf(events.slice(0, 7).map((e) => ({ ...e, labels: { ...e.labels, [LABEL_POD]: "demo-1" } })));
    const withLabels = buildTimeline({
      pod,
      containers: [{ ...sandbox, labels: { [LABEL_POD]: "demo-1" } }],
      records: labelled.records(),
      historyFrom: null,
    });
    expect(withLabels.steps.map((s) => s.kind)).toEqual(["sandbox-created", "namespaces-created", "created", "started", "exited", "removed"]);
  });

  it("takes a running member's sharing from the kernel: the sandbox's inodes, and its own mnt and uts", () => {
    const member = container({
      id: MEMBER,
      name: "fable-mem",
      role: "member",
      pid: 4300,
      modes: { ...joinModes, uts: "", cgroupParent: "" },
      namespaces: { ...NS, mnt: 4026532400, uts: 4026532401 },
      sharedWithSandbox: ["ipc", "net", "pid"],
      sharedWithHost: ["cgroup", "user"],
      own: ["mnt", "uts"],
    });
    const history = historyOf(events.slice(0, 4));
    const timeline = buildTimeline({ pod: { ...pod, memberIds: [MEMBER] }, containers: [sandbox, member], records: history.records(), historyFrom: null });
    const joined = timeline.steps.find((s) => s.kind === "joined")!;
    const started = timeline.steps.find((s) => s.kind === "started")!;
    expect(joined.namespaces).toEqual([
      { type: "net", id: "net:[4026532304]" },
      { type: "ipc", id: "ipc:[4026532301]" },
      { type: "pid", id: "pid:[4026532302]" },
    ]);
    expect(joined.sources).toEqual(["docker events: container start", "/proc/4300/ns/net", "/proc/4300/ns/ipc", "/proc/4300/ns/pid"]);
    expect(started.namespaces).toEqual([
      { type: "uts", id: "uts:[4026532401]" },
      { type: "mnt", id: "mnt:[4026532400]" },
    ]);
    expect(started.detail).toBe("Its process runs (host PID 4300) in new namespaces of its own: uts (its own hostname), mnt (its own filesystem).");
  });

  it("attaches inodes only to the latest start of a restarted sandbox", () => {
    const restart = { ...events[1]!, timeNano: "1795323350000000000", time: 1795323350000 };
    const history = historyOf([events[0]!, events[1]!, { ...events[8]!, containerId: SANDBOX }, restart]);
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: null });
    const starts = timeline.steps.filter((s) => s.kind === "namespaces-created");
    expect(starts).toHaveLength(2);
    expect(starts[0]!.namespaces.every((n) => n.id === null)).toBe(true);
    expect(starts[0]!.namespaces.map((n) => n.type)).toEqual(["net", "ipc", "pid", "uts", "mnt"]); // from its modes
    expect(starts[1]!.namespaces.every((n) => n.id !== null)).toBe(true);
  });

  it("says when the history does not reach back to the pod's creation", () => {
    const history = historyOf([events[1]!]);
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: events[1]!.time });
    expect(timeline.complete).toBe(false);
    expect(timeline.steps.map((s) => s.kind)).toEqual(["namespaces-created"]);
  });
});
