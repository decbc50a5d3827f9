import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { PodName } from "@/lib/model/pod-requests";
import { getDockerClient, type DockerClient } from "./docker";
import { refuseUnlessSameOrigin } from "./guard";
import { failureResponse, jsonError, readJsonBody } from "./http";
import { podFailure } from "./pod-errors";
import { ExecTargetError } from "./probes";

/**
 * A POST that runs something in one of a pod's containers (/api/pods/NAME/…): the same-origin
 * guard, the pod name from the path and the JSON body checked against `schema`, then `run`;
 * its failures (a container that cannot be exec'd into, the engine's errors) become {error, detail}.
 */
export async function handlePodExec<T>(
  req: Request,
  params: Promise<{ name: string }>,
  schema: z.ZodType<T>,
  run: (docker: DockerClient, pod: string, body: T) => Promise<NextResponse>,
): Promise<NextResponse> {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const { name } = await params;
  const pod = PodName.safeParse(name);
  if (!pod.success) return jsonError(400, "Invalid pod name", pod.error.issues[0]?.message);
  const body = await readJsonBody(req, schema);
  if (body instanceof NextResponse) return body;
  const docker = getDockerClient();
  try {
    return await run(docker, pod.data, body);
  } catch (err) {
    if (err instanceof ExecTargetError) return jsonError(err.status, err.message, err.hint);
    return failureResponse(podFailure(err, docker.endpoint));
  }
}
