import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";

/** Every error leaves the server as `{ error, detail }` with a message that says what to do. */
export function jsonError(status: number, error: string, detail?: string): NextResponse {
  return NextResponse.json({ error, ...(detail ? { detail } : {}) }, { status, headers: { "Cache-Control": "no-store" } });
}

/** The response for a failure mapped to plain data (e.g. describePodError). */
export function failureResponse(f: { status: number; error: string; detail?: string }): NextResponse {
  return jsonError(f.status, f.error, f.detail);
}

export const MAX_BODY_BYTES = 16 * 1024;

/** Read and validate a JSON body; a NextResponse when it is too large, not JSON, or not of the schema. */
export async function readJsonBody<T>(req: Request, schema: z.ZodType<T>): Promise<T | NextResponse> {
  // Only JSON: text/plain and form bodies are what a cross-site form can send without a preflight.
  const mediaType = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return jsonError(415, "Unsupported Content-Type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return jsonError(413, "Request body too large", `At most ${MAX_BODY_BYTES} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return jsonError(413, "Request body too large", `At most ${MAX_BODY_BYTES} bytes.`);
  let data: unknown;
  try {
    data = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    return jsonError(400, "Body is not JSON", "Send a JSON object with Content-Type: application/json.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return jsonError(400, "Invalid request", detail);
  }
  return parsed.data;
}
