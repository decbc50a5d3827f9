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
  /** `event: container` — one container changed. */
  | { type: "container"; event: ContainerEvent }
  /** `event: feed` — sent on connect and whenever the server's engine feed changes; subscribers counts the open streams. */
  | { type: "feed"; feed: EngineFeed; subscribers: number };

const EngineFeedSchema: z.ZodType<EngineFeed> = z.discriminatedUnion("state", [
  z.object({ state: z.literal("connecting") }),
  z.object({ state: z.literal("following") }),
  z.object({ state: z.literal("reconnecting"), failures: z.number().int(), retryInMs: z.number(), reason: z.string() }),
]);
const FeedPayload = z.object({ feed: EngineFeedSchema, subscribers: z.number().int().nonnegative() });

/** One server-sent event: `event: <type>` and the message as JSON on one `data:` line. */
export function toSseFrame(message: LiveMessage): string {
  const payload = message.type === "container" ? message.event : { feed: message.feed, subscribers: message.subscribers };
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
  return null;
}
