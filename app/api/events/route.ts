import { z } from "zod";
import { toSseFrame, type LiveMessage } from "@/lib/model/live-messages";
import { getEventHub } from "@/lib/server/event-hub";
import { jsonError } from "@/lib/server/http";
import { followSnapshots } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/** A comment line every 15 s keeps idle proxies and browsers from dropping the stream. */
const HEARTBEAT_MS = 15_000;

/** The frame of a message, made once however many streams send it (a delta at 110 pods is tens of KB of JSON). */
const frames = new WeakMap<LiveMessage, string>();
function frameOf(message: LiveMessage): string {
  let frame = frames.get(message);
  if (frame === undefined) frames.set(message, (frame = toSseFrame(message)));
  return frame;
}

/** `?version=N`: the snapshot version the page holds (it reconnects after a break). */
const Query = z.object({ version: z.coerce.number().int().nonnegative().optional() });

/**
 * GET /api/events: server-sent events. `event: container` for every container change the
 * engine reports, `event: feed` for the state of the server's own connection to the engine,
 * `event: delta` for each new snapshot the server builds (on every change and every few
 * seconds while a stream is open): what changed since the one before. With `?version=N` the
 * stream begins with the deltas from N on, or with `event: resync` when they are gone.
 * Read-only, so the Host check of proxy.ts is its guard, as for every GET.
 */
export function GET(request: Request) {
  const hub = getEventHub();
  if (hub.isShutDown) return jsonError(503, "Server shutting down", "Reconnect when it is back: the page does so by itself.");
  const query = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return jsonError(400, "Bad version", "version must be the snapshot version the page holds (a whole number), or absent.");
  const held = query.data.version ?? null;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let unsubscribe = () => {};
      let unfollow = () => {};
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup(); // the stream was closed under us
        }
      };
      const heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
      // The client went away (abort, cancel) or the server shuts down (the hub ends us).
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        unfollow();
        request.signal.removeEventListener("abort", cleanup);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      request.signal.addEventListener("abort", cleanup, { once: true });
      unsubscribe = hub.subscribe({ message: (m) => send(frameOf(m)), end: () => cleanup() });
      // In the same turn as subscribing: no delta can fall between the catch-up and the stream.
      const following = followSnapshots(held);
      unfollow = following.stop;
      if (following.catchUp === null) send(frameOf({ type: "resync", version: following.latest }));
      else for (const delta of following.catchUp) send(frameOf({ type: "delta", delta }));
      if (!open) unfollow(); // the hub had already ended us
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: the server's gzip must not buffer the stream.
      "Cache-Control": "no-cache, no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
