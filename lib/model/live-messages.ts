/**
 * Live messages: what GET /api/events sends the browser (server-sent events), and the
 * browser's parsing of them. Pure: no I/O.
 */
import { z } from "zod";
import { ContainerEventSchema, type ContainerEvent } from "./engine-events";

/** The server's connection to the engine's event stream. */
export type EngineFeed =
  | { state: "connecting" }
  /** Following: events arrive as they happen. */
  | { state: "following" }
  /** The engine is not answering; the next attempt is in retryInMs. reason says why. */
  | { state: "reconnecting"; failures: number; retryInMs: number; reason: string };

export type LiveMessage =
  /** `event: container` — one Docker container changed (the engine's own event). */
  | { type: "container"; event: ContainerEvent }
  /** `event: runtime` — a container or sandbox of another runtime (the CRI, Podman) changed. */
  | { type: "runtime"; runtime: string; containerId: string; action: string }
  /**
   * `event: feed` — sent on connect and whenever the server's feed of one runtime's changes
   * (`runtime`: its id, "docker" for the engine) changes state; subscribers counts the open streams.
   */
  | { type: "feed"; runtime: string; feed: EngineFeed; subscribers: number };

const EngineFeedSchema: z.ZodType<EngineFeed> = z.discriminatedUnion("state", [
  z.object({ state: z.literal("connecting") }),
  z.object({ state: z.literal("following") }),
  z.object({ state: z.literal("reconnecting"), failures: z.number().int(), retryInMs: z.number(), reason: z.string() }),
]);
const FeedPayload = z.object({ runtime: z.string(), feed: EngineFeedSchema, subscribers: z.number().int().nonnegative() });
const RuntimePayload = z.object({ runtime: z.string(), containerId: z.string().min(1), action: z.string() });

/** One server-sent event: `event: <type>` and the message as JSON on one `data:` line. */
export function toSseFrame(message: LiveMessage): string {
  const { type, ...rest } = message;
  const payload = type === "container" ? message.event : rest;
  return `event: ${message.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Parse the data of a server-sent event of the given type (the browser's boundary); null when malformed. */
export function parseLiveMessage(type: string, data: string): LiveMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (type === "container") {
    const parsed = ContainerEventSchema.safeParse(json);
    return parsed.success ? { type: "container", event: parsed.data } : null;
  }
  if (type === "feed") {
    const parsed = FeedPayload.safeParse(json);
    return parsed.success ? { type: "feed", ...parsed.data } : null;
  }
  if (type === "runtime") {
    const parsed = RuntimePayload.safeParse(json);
    return parsed.success ? { type: "runtime", ...parsed.data } : null;
  }
  return null;
}
