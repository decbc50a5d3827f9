import "server-only";
import { ImageError } from "./images";
import { InitFailedError, PodExistsError, PodSpecError } from "./pod-creator";
import { PortInUseError } from "./pods";
import type { RuntimeAdapter } from "./runtimes/runtime";
import { PodLookupError, RuntimeUnavailableError } from "./runtimes/select";
import { StepError } from "./steps";

/** The names our error classes give themselves (this.name = "…": kept by a minifier, unlike a class's own name). */
const ERROR_NAMES = new Map<abstract new (...args: never[]) => Error, string>([
  [PodSpecError, "PodSpecError"],
  [PodExistsError, "PodExistsError"],
  [InitFailedError, "InitFailedError"],
  [PortInUseError, "PortInUseError"],
  [ImageError, "ImageError"],
  [RuntimeUnavailableError, "RuntimeUnavailableError"],
  [PodLookupError, "PodLookupError"],
  [StepError, "StepError"],
]);

/**
 * `err instanceof Class`, also for an error thrown by another route bundle's copy of the class:
 * Next bundles each route on its own, and the runtime adapters are process singletons made by
 * whichever bundle came first, so their errors' classes may be another bundle's. The name decides.
 */
function isA<T extends Error>(err: unknown, cls: abstract new (...args: never[]) => T): err is T {
  return err instanceof cls || (err instanceof Error && err.name === ERROR_NAMES.get(cls));
}

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
  if (isA(err, PodSpecError)) return { status: 400, error: "Invalid pod spec", detail: err.message };
  if (isA(err, PodExistsError)) return { status: 409, error: err.message, detail: "Delete that pod first, or choose another name." };
  if (isA(err, InitFailedError)) return { status: 422, error: err.message, detail: "Everything created for it was removed." };
  if (isA(err, PortInUseError)) return { status: 409, error: "Port in use", detail: err.message };
  if (isA(err, ImageError)) return { status: 500, error: err.message, detail: err.hint };
  if (isA(err, RuntimeUnavailableError)) return { status: 503, error: err.message, detail: err.hint };
  if (isA(err, PodLookupError)) return describePodError(err.cause, err.runtime);
  if (isA(err, StepError)) return { status: err.status, error: err.message, detail: err.status === 404 ? "GET /api/steps lists the steps." : "Start over, or run the steps in order." };
  const explained = runtime?.explain(err);
  if (explained && explained.reason !== "error") return { status: 503, error: explained.message, detail: explained.hint };
  console.error("pod operation failed:", err);
  const said = (err as { json?: { message?: string } })?.json?.message ?? (err as Error)?.message ?? String(err);
  const who = runtime?.kind === "cri" ? "The CRI runtime" : runtime?.kind === "podman" ? "Podman" : "The Docker engine";
  return { status: 500, error: `${who} refused the request`, detail: said };
}
