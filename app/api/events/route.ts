import { toSseFrame } from "@/lib/model/live-messages";
import { getEventHub } from "@/lib/server/event-hub";
import { jsonError } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** A comment line every 15 s keeps idle proxies and browsers from dropping the stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/events: server-sent events. `event: container` for every container change the
 * engine reports, `event: feed` for the state of the server's own connection to the engine.
 * Read-only, so the Host check of proxy.ts is its guard, as for every GET.
 */
export function GET(request: Request) {
  const hub = getEventHub();
  if (hub.isShutDown) return jsonError(503, "Server shutting down", "Reconnect when it is back: the page does so by itself.");
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let unsubscribe = () => {};
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
        request.signal.removeEventListener("abort", cleanup);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      request.signal.addEventListener("abort", cleanup, { once: true });
      unsubscribe = hub.subscribe({ message: (m) => send(toSseFrame(m)), end: () => cleanup() });
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
