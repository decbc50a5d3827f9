import "server-only";
import { ImageError } from "./images";
import { InitFailedError, PodExistsError, PodSpecError } from "./pod-creator";
import { PortInUseError } from "./pods";
import type { RuntimeAdapter } from "./runtimes/runtime";
import { PodLookupError, RuntimeUnavailableError } from "./runtimes/select";

/** What a failed pod operation answers: the HTTP status, the error in one line, and what to do. */
export interface PodErrorAnswer {
  status: number;
  error: string;
  detail: string;
}

/**
 * Why creating, deleting or probing a pod failed, in words that say what to do: the spec's
 * problems, a name or port taken, an init container failing, an image that cannot be had, no
 * such runtime, or the runtime itself (unreachable: 503; refusing: 500, in its own words).
 */
export function describePodError(err: unknown, runtime: Pick<RuntimeAdapter, "kind" | "explain"> | null): PodErrorAnswer {
  if (err instanceof PodSpecError) return { status: 400, error: "Invalid pod spec", detail: err.message };
  if (err instanceof PodExistsError) return { status: 409, error: err.message, detail: "Delete that pod first, or choose another name." };
  if (err instanceof InitFailedError) return { status: 422, error: err.message, detail: "Everything created for it was removed." };
  if (err instanceof PortInUseError) return { status: 409, error: "Port in use", detail: err.message };
  if (err instanceof ImageError) return { status: 500, error: err.message, detail: err.hint };
  if (err instanceof RuntimeUnavailableError) return { status: 503, error: err.message, detail: err.hint };
  if (err instanceof PodLookupError) return describePodError(err.cause, err.runtime);
  const explained = runtime?.explain(err);
  if (explained && explained.reason !== "error") return { status: 503, error: explained.message, detail: explained.hint };
  console.error("pod operation failed:", err);
  const said = (err as { json?: { message?: string } })?.json?.message ?? (err as Error)?.message ?? String(err);
  const who = runtime?.kind === "cri" ? "The CRI runtime" : runtime?.kind === "podman" ? "Podman" : "The Docker engine";
  return { status: 500, error: `${who} refused the request`, detail: said };
}
