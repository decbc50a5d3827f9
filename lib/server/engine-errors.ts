import "server-only";
import type { EngineFailure } from "@/lib/model/types";

/**
 * The Docker engine's errors, and what each means: the one place that reads an error from
 * the engine (or from the socket to it) and says what it is. dockerode's errors carry the
 * engine's HTTP status as `statusCode` and its answer as `json`; the socket's carry an errno
 * `code`; a timed-out or aborted call an `AbortError` / `TimeoutError` name.
 */

/** The engine's HTTP status of a failed call; undefined when the call never got an answer. */
export function engineStatus(err: unknown): number | undefined {
  return typeof err === "object" && err !== null ? (err as { statusCode?: number }).statusCode : undefined;
}

/** 404: no such container, image or object. */
export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/** 409: a conflict, e.g. "removal already in progress" or a name already taken. */
export function isConflict(err: unknown): boolean {
  return engineStatus(err) === 409;
}

/** Whether an engine error says a published host port is taken. */
export function isPortInUse(err: unknown): boolean {
  const msg = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { json?: unknown })?.json ?? "")}`;
  return /port is already allocated|address already in use/i.test(msg);
}

/**
 * Whether the engine could not be reached or did not answer (no socket, no permission,
 * nothing listening, the connection dropped, a timeout): what a pod operation reports as 503.
 */
export function isEngineUnreachable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  const name = (err as { name?: string })?.name;
  return (
    code === "ENOENT" || code === "EACCES" || code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE" ||
    name === "AbortError" || name === "TimeoutError"
  );
}

/**
 * The engine's own words in a failed call: docker-modem wraps them as
 * `(HTTP code 500) server error - <message> ` (for streams it reads them from the body).
 */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | null; message?: string } | null;
  if (typeof e?.json?.message === "string") return e.json.message;
  const message = e?.message ?? String(err);
  return /^\(HTTP code \d+\) [^-]*- ([\s\S]*?) ?$/.exec(message)?.[1] ?? message;
}

/** Classify why the engine could not be reached, with what to do about it. */
export function explainEngineError(
  err: unknown,
  endpoint: string,
): { reason: EngineFailure; message: string; hint: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e?.code;
  if (code === "ENOENT") {
    return {
      reason: "socket-missing",
      message: `No Docker socket at ${endpoint}.`,
      hint: "Start a Docker engine (on Debian: apt-get install -y docker.io, then start dockerd), or point DOCKER_HOST at one.",
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      reason: "permission-denied",
      message: `Permission denied on ${endpoint}.`,
      hint: "Run Pod Anatomy as root or as a member of the docker group (usermod -aG docker $USER, then log in again).",
    };
  }
  if (code === "ECONNREFUSED") {
    return {
      reason: "no-daemon",
      message: `Nothing answers at ${endpoint}: the socket exists but no Docker daemon listens on it.`,
      hint: "Start the daemon (systemctl start docker, or run /usr/sbin/dockerd) and this page reconnects by itself.",
    };
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return {
      reason: "no-daemon",
      message: `The Docker engine at ${endpoint} dropped the connection in the middle of a request: the daemon stopped or restarted.`,
      hint: "Start the daemon again (systemctl start docker, or run /usr/sbin/dockerd); anything half-made is removed once it answers.",
    };
  }
  if (e?.name === "AbortError" || e?.name === "TimeoutError" || code === "ETIMEDOUT") {
    return {
      reason: "timeout",
      message: `The Docker engine at ${endpoint} did not answer in time (${e?.message ?? "timed out"}).`,
      hint: "The daemon may be hung or overloaded: check `docker info` in a terminal.",
    };
  }
  return {
    reason: "error",
    message: `The Docker engine at ${endpoint} answered with an error: ${e?.message ?? String(err)}`,
    hint: "Check `docker info` in a terminal.",
  };
}
