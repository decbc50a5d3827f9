import { NextResponse } from "next/server";
import { CreatePodRequest } from "@/lib/model/pod-requests";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, readJsonBody } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { podMaker, type PodMaker } from "@/lib/server/runtimes/select";

export const dynamic = "force-dynamic";

/** POST /api/pods {"sample":"ghost-behind-nginx","runtime":"docker"|"cri"|"podman"}: create the demo pod, all or nothing. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, CreatePodRequest);
  if (body instanceof NextResponse) return body;
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(body.runtime);
    const [pod] = await runtime.pods.createCatalogueEntry(body.sample);
    return NextResponse.json({ pod, runtime: runtime.id }, { status: 201 });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}
