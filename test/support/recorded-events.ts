import fs from "node:fs";
import path from "node:path";
import { parseEngineEventLine, type ContainerEvent } from "@/lib/model/engine-events";

/**
 * Recorded from the engine here (`GET /events?since=…&until=…&filters={"type":["container"]}`)
 * around this life of a two-container pod:
 *   docker run -d --network none --ipc shareable --name fable-sb <pause-stand-in>
 *   docker run -d --name fable-mem --net=container:fable-sb --ipc=container:fable-sb --pid=container:fable-sb <pause-stand-in>
 *   docker kill fable-mem; docker rm fable-mem; docker stop -t1 fable-sb; docker rm fable-sb
 */
export const recordedLines = fs
  .readFileSync(path.join(__dirname, "..", "fixtures", "docker-events", "pod-lifecycle.ndjson"), "utf8")
  .split("\n")
  .filter(Boolean);

/** The recorded lines, parsed (each is an event; a line that is not fails loudly). */
export const recordedEvents: ContainerEvent[] = recordedLines.map((l) => {
  const parsed = parseEngineEventLine(l);
  if (parsed.kind !== "event") throw new Error(`fixture line not an event: ${l}`);
  return parsed.event;
});

/** The recorded pod's sandbox (fable-sb) and member (fable-mem), and their image. */
export const SANDBOX = "d9c42056ba7ee05f81bfe4ad56cdeaaa60c7a3dd24c601c3922978e714d28679";
export const MEMBER = "bc8b1640c78b2c062c7fa19d25339b63ff3214ba05a4d59a4d3668f24a0b25b6";
export const IMAGE = "pod-anatomy/pause-stand-in:aac19426d406";
