/**
 * A `docker pull` as it goes: the engine's progress stream (`POST /images/create`, JSON
 * objects one after the other) folded into one summary. Pure: messages in, summary out.
 *
 * The stream, as the engine documents and sends it:
 *   {"status":"Pulling from library/nginx","id":"1.27-alpine"}        the tag, not a layer
 *   {"status":"Pulling fs layer","id":"a1b2…"}  {"status":"Waiting","id":…}
 *   {"status":"Downloading","progressDetail":{"current":1024,"total":4096},"progress":"[=>  ]","id":…}
 *   {"status":"Verifying Checksum","id":…}  {"status":"Download complete","id":…}
 *   {"status":"Extracting","progressDetail":{"current":…,"total":…},"id":…}
 *   {"status":"Pull complete","id":…}  {"status":"Already exists","id":…}
 *   {"status":"Digest: sha256:…"}  {"status":"Status: Downloaded newer image for nginx:1.27-alpine"}
 *   {"error":"…","errorDetail":{"message":"…"}}
 */
import { z } from "zod";

/** One object of the stream; fields the engine may add are ignored. */
export const PullMessageSchema = z.object({
  status: z.string().optional(),
  id: z.string().optional(),
  progressDetail: z.object({ current: z.number().optional(), total: z.number().optional() }).optional(),
  error: z.string().optional(),
  errorDetail: z.object({ message: z.string().optional() }).optional(),
});
export type PullMessage = z.infer<typeof PullMessageSchema>;

/** A stream object as our own type, or null when it is not one the engine documents. */
export function parsePullMessage(raw: unknown): PullMessage | null {
  const parsed = PullMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * resolving: the engine is asking the registry (no layer known yet); downloading: some layer
 * is still to be fetched; extracting: every layer is downloaded; done: the engine said the
 * image is there ("Status: …"); failed: the engine sent an error.
 */
export const PULL_PHASES = ["resolving", "downloading", "extracting", "done", "failed"] as const;
export type PullPhase = (typeof PULL_PHASES)[number];

export const PullLayerSchema = z.object({
  /** The layer's short id, as the engine names it in the stream. */
  id: z.string(),
  /** Its last status ("Pulling fs layer", "Downloading", "Pull complete", …). */
  status: z.string(),
  /** Bytes downloaded so far (the compressed layer). */
  current: z.number(),
  /** Its compressed size, once the engine has said it (first "Downloading"); null before. */
  total: z.number().nullable(),
  /** Fetched (or already present): nothing left to download. */
  downloaded: z.boolean(),
});
export type PullLayer = z.infer<typeof PullLayerSchema>;

export const PullProgressSchema = z.object({
  /** The image asked for, e.g. `nginx:1.27-alpine`. */
  ref: z.string(),
  /** In the order the engine first named them. */
  layers: z.array(PullLayerSchema),
  /** Bytes downloaded, over every layer. */
  bytesDone: z.number(),
  /**
   * Bytes to download in all, or null while a layer still to fetch has not said its size (the
   * engine fetches three at a time and tells a layer's size when it starts on it). A layer
   * already there counts 0; one fetched without ever saying its size counts what it said.
   */
  bytesTotal: z.number().nullable(),
  /** bytesDone / bytesTotal in 0..1 (1 when done), or null while the total is unknown. */
  fraction: z.number().min(0).max(1).nullable(),
  phase: z.enum(PULL_PHASES),
  /** The engine's last word: a status line, or its error message when failed. */
  message: z.string(),
});
export type PullProgress = z.infer<typeof PullProgressSchema>;

/** Statuses after which a layer has nothing left to download. */
const DOWNLOADED = new Set(["Verifying Checksum", "Download complete", "Extracting", "Pull complete", "Already exists"]);

/** Not about a layer: the tag line, the digest and the final status. */
function isLayerMessage(m: PullMessage): m is PullMessage & { id: string; status: string } {
  return m.id !== undefined && m.status !== undefined && !m.status.startsWith("Pulling from ") && !/^(Digest|Status): /.test(m.status);
}

export function startPull(ref: string): PullProgress {
  return { ref, layers: [], bytesDone: 0, bytesTotal: null, fraction: null, phase: "resolving", message: `Asking the registry for ${ref}` };
}

function nextLayer(prev: PullLayer | undefined, m: PullMessage & { id: string; status: string }): PullLayer {
  const layer: PullLayer = prev ?? { id: m.id, status: m.status, current: 0, total: null, downloaded: false };
  if (m.status === "Already exists") return { ...layer, status: m.status, current: 0, total: 0, downloaded: true };
  if (m.status === "Downloading") {
    const total = m.progressDetail?.total;
    return {
      ...layer,
      status: m.status,
      current: m.progressDetail?.current ?? layer.current,
      total: total !== undefined && total > 0 ? total : layer.total,
    };
  }
  if (DOWNLOADED.has(m.status)) return { ...layer, status: m.status, current: layer.total ?? layer.current, downloaded: true };
  return { ...layer, status: m.status };
}

/** Sums and phase from the layers (phase before done/failed). */
function summarise(p: PullProgress, layers: PullLayer[]): PullProgress {
  const bytesDone = layers.reduce((s, l) => s + l.current, 0);
  const unknown = layers.some((l) => !l.downloaded && l.total === null);
  const bytesTotal = layers.length === 0 || unknown ? null : layers.reduce((s, l) => s + (l.total ?? l.current), 0);
  const phase: PullPhase = layers.length === 0 ? "resolving" : layers.every((l) => l.downloaded) ? "extracting" : "downloading";
  const fraction = bytesTotal === null || bytesTotal === 0 ? (phase === "extracting" ? 1 : null) : Math.min(1, bytesDone / bytesTotal);
  return { ...p, layers, bytesDone, bytesTotal, fraction, phase };
}

/** The summary after one more message. A pull that ended (done, failed) stays as it ended. */
export function applyPullMessage(p: PullProgress, m: PullMessage): PullProgress {
  if (p.phase === "done" || p.phase === "failed") return p;
  if (m.error !== undefined || m.errorDetail !== undefined) {
    return { ...p, phase: "failed", message: m.errorDetail?.message ?? m.error ?? "the engine reported an error" };
  }
  if (m.status === undefined) return p;
  if (isLayerMessage(m)) {
    const layers = p.layers.some((l) => l.id === m.id)
      ? p.layers.map((l) => (l.id === m.id ? nextLayer(l, m) : l))
      : [...p.layers, nextLayer(undefined, m)];
    return { ...summarise(p, layers), message: `${m.id}: ${m.status}` };
  }
  if (m.status.startsWith("Status: ")) {
    const done = summarise(p, p.layers);
    return { ...done, phase: "done", fraction: 1, message: m.status.slice("Status: ".length) };
  }
  return { ...p, message: m.status };
}

/** A whole stream, folded. */
export function aggregatePull(ref: string, messages: readonly PullMessage[]): PullProgress {
  return messages.reduce(applyPullMessage, startPull(ref));
}

/** The pull ended without the stream saying so: done when it succeeded, else failed with why. */
export function endPull(p: PullProgress, error: string | null): PullProgress {
  if (p.phase === "done" || p.phase === "failed") return p;
  if (error !== null) return { ...p, phase: "failed", message: error };
  return { ...summarise(p, p.layers), phase: "done", fraction: 1, message: `Pulled ${p.ref}` };
}

/** A pull the server runs or ran recently (GET /api/pulls). */
export const TrackedPullSchema = PullProgressSchema.extend({
  /** Unique per pull of this server process. */
  id: z.string(),
  /** ISO 8601, when it began (server clock; the server listens on loopback, so the browser's clock). */
  startedAt: z.string(),
  /** ISO 8601, when it ended; null while it runs. */
  endedAt: z.string().nullable(),
  /**
   * True when the pull was not tried again: a failed pull is remembered for a while
   * (lib/server/images.ts), and this is the engine's error from that earlier attempt.
   */
  remembered: z.boolean(),
  /** What the server does when the pull fails: use the stand-in, or fail the request. */
  onFailure: z.enum(["stand-in", "error"]),
});
export type TrackedPull = z.infer<typeof TrackedPullSchema>;
export const PullsResponseSchema = z.object({ pulls: z.array(TrackedPullSchema) });
export type PullsResponse = z.infer<typeof PullsResponseSchema>;
