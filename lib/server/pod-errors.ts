import "server-only";
import { PortInUseError } from "./pods";
import { explainEngineError, isEngineUnreachable } from "./engine-errors";
import { ImageError } from "./images";

/**
 * A failure as the API answers it: the HTTP status and the `{ error, detail }` body. Plain
 * data: the route handlers turn it into a response (lib/server/http.ts failureResponse).
 */
export interface HttpFailure {
  status: number;
  error: string;
  detail?: string;
}

/** What a failure while creating or deleting a pod means, and what to do about it. `endpoint`: the engine's. */
export function podFailure(err: unknown, endpoint: string): HttpFailure {
  if (err instanceof PortInUseError) return { status: 409, error: "Port in use", detail: err.message };
  if (err instanceof ImageError) return { status: 500, error: err.message, detail: err.hint };
  if (isEngineUnreachable(err)) {
    const e = explainEngineError(err, endpoint);
    return { status: 503, error: e.message, detail: e.hint };
  }
  const engineMessage = (err as { json?: { message?: string } })?.json?.message;
  console.error("pod operation failed:", err);
  return { status: 500, error: "The Docker engine refused the request", detail: engineMessage ?? (err as Error)?.message ?? String(err) };
}
