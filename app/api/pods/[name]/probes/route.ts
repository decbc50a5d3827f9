import { NextResponse } from "next/server";
import { ProbeRequest } from "@/lib/model/pod-spec";
import { PodName } from "@/lib/model/pod-requests";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { jsonError, readJsonBody } from "@/lib/server/http";
import { podErrorResponse } from "@/lib/server/pod-errors";
import { ExecTargetError, runProbe } from "@/lib/server/probes";

export const dynamic = "force-dynamic";

/** POST /api/pods/NAME/probes {"probe":"fetch","container":"…","port":80}: run one allow-listed probe in one of the pod's containers. */
export async function POST(req: Request, ctx: { params: Promise<{ name: string }> }) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const { name } = await ctx.params;
  const pod = PodName.safeParse(name);
  if (!pod.success) return jsonError(400, "Invalid pod name", pod.error.issues[0]?.message);
  const body = await readJsonBody(req, ProbeRequest);
  if (body instanceof NextResponse) return body;
  const docker = getDockerClient();
  try {
    return NextResponse.json(await runProbe(docker, pod.data, body));
  } catch (err) {
    if (err instanceof ExecTargetError) return jsonError(err.status, err.message, err.hint);
    return podErrorResponse(err, docker);
  }
}
