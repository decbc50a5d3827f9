import { NextResponse } from "next/server";
import { PodName } from "@/lib/model/pod-requests";
import { deletePod } from "@/lib/server/pods";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, jsonError } from "@/lib/server/http";
import { podFailure } from "@/lib/server/pod-errors";

export const dynamic = "force-dynamic";

/** DELETE /api/pods/NAME: remove every container of a pod Pod Anatomy made (and only those). */
export async function DELETE(req: Request, ctx: { params: Promise<{ name: string }> }) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const { name } = await ctx.params;
  const parsed = PodName.safeParse(name);
  if (!parsed.success) return jsonError(400, "Invalid pod name", parsed.error.issues[0]?.message);
  const docker = getDockerClient();
  try {
    const removed = await deletePod(docker, parsed.data);
    if (removed.length === 0) {
      return jsonError(404, `No pod named ${parsed.data} made by Pod Anatomy`, "Only pods created here can be deleted here; the list of pods is on the dashboard.");
    }
    return NextResponse.json({ removed });
  } catch (err) {
    return failureResponse(podFailure(err, docker.endpoint));
  }
}
