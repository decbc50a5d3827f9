import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { PodName } from "@/lib/model/pod-requests";
import { refuseUnlessSameOrigin } from "./guard";
import { failureResponse, jsonError, readJsonBody } from "./http";
import { describePodError } from "./pod-errors";
import { ExecTargetError } from "./probes";
import type { PodOperations } from "./runtimes/runtime";
import { findOurPod } from "./runtimes/select";

/**
 * A POST that runs something in one of a pod's containers (/api/pods/NAME/…): the same-origin
 * guard, the pod name from the path and the JSON body checked against `schema`, then `run` on
 * the runtime that made the pod;
 * its failures (a container that cannot be exec'd into, the engine's errors) become {error, detail}.
 */
export async function handlePodExec<T>(
  req: Request,
  params: Promise<{ name: string }>,
  schema: z.ZodType<T>,
  run: (ops: PodOperations, pod: string, body: T) => Promise<NextResponse>,
): Promise<NextResponse> {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const { name } = await params;
  const pod = PodName.safeParse(name);
  if (!pod.success) return jsonError(400, "Invalid pod name", pod.error.issues[0]?.message);
  const body = await readJsonBody(req, schema);
  if (body instanceof NextResponse) return body;
  let found: Awaited<ReturnType<typeof findOurPod>> = null;
  try {
    found = await findOurPod(pod.data);
    if (!found) {
      throw new ExecTargetError(404, `No pod ${pod.data} made by Pod Anatomy`, "Probes run only in the containers of pods created here.");
    }
    return await run(found.runtime.pods, pod.data, body);
  } catch (err) {
    if (err instanceof ExecTargetError) return jsonError(err.status, err.message, err.hint);
    return failureResponse(describePodError(err, found?.runtime ?? null));
  }
}
