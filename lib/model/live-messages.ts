/**
 * Live messages: what GET /api/events sends the browser (server-sent events), and the
 * browser's parsing of them. Pure: no I/O.
 */
import { z } from "zod";
import { ContainerEventSchema, type ContainerEvent } from "./engine-events";
import type { DeltaOp, SnapshotDelta } from "./snapshot-delta";

/** The server's connection to the engine's event stream. */
export type EngineFeed =
  | { state: "connecting" }
  /** Following: events arrive as they happen. */
  | { state: "following" }
  /** The engine is not answering; the next attempt is in retryInMs. reason says why. */
  | { state: "reconnecting"; failures: number; retryInMs: number; reason: string };

export type LiveMessage =
  /** `event: container` — a container changed, as its runtime told it (Docker's or Podman's event, the CRI's poll): ContainerEvent.runtime says which. */
  | { type: "container"; event: ContainerEvent }
  /** `event: runtime` — a container or sandbox changed in a way the timeline does not tell (Podman's init, cleanup, a pod event). */
  | { type: "runtime"; runtime: string; containerId: string; action: string }
  /**
   * `event: feed` — sent on connect and whenever the server's feed of one runtime's changes
   * (`runtime`: its id, "docker" for the engine) changes state; subscribers counts the open streams.
   */
  | { type: "feed"; runtime: string; feed: EngineFeed; subscribers: number }
  /**
   * `event: delta` — the server built a new snapshot (after a change, or for usage every
   * few seconds): what changed from version `from` to `to` (snapshot-delta.ts). A page
   * holding version `from` applies it; one that holds another refetches GET /api/snapshot.
   */
  | { type: "delta"; delta: SnapshotDelta }
  /**
   * `event: resync` — sent on connect to a page that said which version it holds
   * (`?version=N`) when the server cannot bring it up to date with deltas: it refetches.
   * `version` is the server's latest.
   */
  | { type: "resync"; version: number };

const EngineFeedSchema: z.ZodType<EngineFeed> = z.discriminatedUnion("state", [
  z.object({ state: z.literal("connecting") }),
  z.object({ state: z.literal("following") }),
  z.object({ state: z.literal("reconnecting"), failures: z.number().int(), retryInMs: z.number(), reason: z.string() }),
]);
const FeedPayload = z.object({ runtime: z.string(), feed: EngineFeedSchema, subscribers: z.number().int().nonnegative() });
const RuntimePayload = z.object({ runtime: z.string(), containerId: z.string().min(1), action: z.string() });

const ItemId = z.union([z.string(), z.number()]);
const PathSchema = z.array(z.string()).min(1);
const DeltaOpSchema: z.ZodType<DeltaOp> = z.discriminatedUnion("op", [
  z.object({ op: z.literal("replace"), key: z.string().min(1), value: z.unknown().optional() }),
  z.object({
    op: z.literal("collection"),
    key: z.string().min(1),
    remove: z.array(ItemId).optional(),
    patch: z
      .array(
        z.object({
          id: ItemId,
          set: z.array(z.tuple([PathSchema, z.unknown()])).optional(),
          del: z.array(PathSchema).optional(),
          splice: z.array(z.tuple([PathSchema, z.number().int().nonnegative(), z.number().int().nonnegative(), z.array(z.unknown())])).optional(),
        }),
      )
      .optional(),
    insert: z.array(z.object({ at: z.number().int().nonnegative(), item: z.unknown() })).optional(),
    order: z.array(ItemId).optional(),
  }),
]) as z.ZodType<DeltaOp>;
/** A delta as GET /api/events sends it (lib/model/snapshot-delta.ts). */
export const SnapshotDeltaSchema: z.ZodType<SnapshotDelta> = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().positive(),
  ops: z.array(DeltaOpSchema),
});
const ResyncPayload = z.object({ version: z.number().int().nonnegative() });

/** One server-sent event: `event: <type>` and the message as JSON on one `data:` line. */
export function toSseFrame(message: LiveMessage): string {
  const { type, ...rest } = message;
  const payload = type === "container" ? message.event : type === "delta" ? message.delta : rest;
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
  if (type === "delta") {
    const parsed = SnapshotDeltaSchema.safeParse(json);
    return parsed.success ? { type: "delta", delta: parsed.data } : null;
  }
  if (type === "resync") {
    const parsed = ResyncPayload.safeParse(json);
    return parsed.success ? { type: "resync", version: parsed.data.version } : null;
  }
  return null;
}
