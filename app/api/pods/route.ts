import { NextResponse } from "next/server";
import { CreatePodRequest } from "@/lib/model/pod-requests";
import { createDemoPod } from "@/lib/server/demo-pod";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { readJsonBody } from "@/lib/server/http";
import { podErrorResponse } from "@/lib/server/pod-errors";

export const dynamic = "force-dynamic";

/** POST /api/pods {"sample":"ghost-behind-nginx"}: create the demo pod, all or nothing. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, CreatePodRequest);
  if (body instanceof NextResponse) return body;
  const docker = getDockerClient();
  try {
    const pod = await createDemoPod(docker);
    return NextResponse.json({ pod }, { status: 201 });
  } catch (err) {
    return podErrorResponse(err, docker);
  }
}
