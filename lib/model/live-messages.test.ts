import { describe, expect, it } from "vitest";
import { parseLiveMessage, toSseFrame, type LiveMessage } from "./live-messages";
import { recordedEvents as events } from "@/test/support/recorded-events";

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
