import { NextResponse } from "next/server";
import { CreatePodRequest } from "@/lib/model/pod-requests";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, readJsonBody } from "@/lib/server/http";
import { createCatalogueEntry, createFailure } from "@/lib/server/pod-creator";

export const dynamic = "force-dynamic";

/** POST /api/pods {"sample":"ghost-behind-nginx"}: create the demo pod, all or nothing. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, CreatePodRequest);
  if (body instanceof NextResponse) return body;
  const docker = getDockerClient();
  try {
    const [pod] = await createCatalogueEntry(docker, body.sample);
    return NextResponse.json({ pod }, { status: 201 });
  } catch (err) {
    return failureResponse(createFailure(err, docker.endpoint));
  }
}
