import { describe, expect, it } from "vitest";
import { EventHistory } from "./event-history";
import { MEMBER, recordedEvents as events, SANDBOX } from "@/test/support/recorded-events";

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
