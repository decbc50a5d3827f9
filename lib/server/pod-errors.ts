import "server-only";
import type { NextResponse } from "next/server";
import { PortInUseError } from "./pods";
import type { DockerClient } from "./docker";
import { explainEngineError, isEngineUnreachable } from "./engine-errors";
import { jsonError } from "./http";
import { ImageError } from "./images";

/** Turn a failure while creating or deleting a pod into a response that says what to do. */
export function podErrorResponse(err: unknown, docker: DockerClient): NextResponse {
  if (err instanceof PortInUseError) return jsonError(409, "Port in use", err.message);
  if (err instanceof ImageError) return jsonError(500, err.message, err.hint);
  if (isEngineUnreachable(err)) {
    const e = explainEngineError(err, docker.endpoint);
    return jsonError(503, e.message, e.hint);
  }
  const engineMessage = (err as { json?: { message?: string } })?.json?.message;
  console.error("pod operation failed:", err);
  return jsonError(500, "The Docker engine refused the request", engineMessage ?? (err as Error)?.message ?? String(err));
}
