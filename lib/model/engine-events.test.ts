import { describe, expect, it } from "vitest";
import { compareTimeNano, EventCursor, parseEngineEventLine, sinceParam } from "./engine-events";
import { IMAGE, recordedEvents as events, recordedLines as lines, SANDBOX } from "@/test/support/recorded-events";

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
      runtime: "docker",
      source: "docker events: container create",
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
