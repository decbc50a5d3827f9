import { NextResponse } from "next/server";
import { PodSpecSchema } from "@/lib/model/pod-spec";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, readJsonBody } from "@/lib/server/http";
import { imageChoices } from "@/lib/server/images";
import { createFailure, createPods } from "@/lib/server/pod-creator";
import { podFailure } from "@/lib/server/pod-errors";

export const dynamic = "force-dynamic";

/** GET /api/builder: the images a pod may be built from (the allow-list). */
export async function GET() {
  const docker = getDockerClient();
  try {
    return NextResponse.json({ images: await imageChoices(docker) });
  } catch (err) {
    return failureResponse(podFailure(err, docker.endpoint));
  }
}

/** POST /api/builder {PodSpec}: create the pod, all or nothing; the same pod the previewed `docker run` commands make. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const spec = await readJsonBody(req, PodSpecSchema);
  if (spec instanceof NextResponse) return spec;
  const docker = getDockerClient();
  try {
    const pods = await createPods(docker, [spec], { sample: "builder", images: await imageChoices(docker) });
    return NextResponse.json({ pods }, { status: 201 });
  } catch (err) {
    return failureResponse(createFailure(err, docker.endpoint));
  }
}
