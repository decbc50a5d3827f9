import { NextResponse } from "next/server";
import { RuntimeChoice } from "@/lib/model/pod-requests";
import { podSpecSchemaOn } from "@/lib/model/spec-issues";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, jsonError, readJsonBody } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { podMaker, type PodMaker } from "@/lib/server/runtimes/select";

export const dynamic = "force-dynamic";

/** The runtime of `?runtime=` (Docker when absent), checked. */
function runtimeOf(req: Request) {
  return RuntimeChoice.safeParse(new URL(req.url).searchParams.get("runtime") ?? undefined);
}

/** GET /api/builder?runtime=…: the images a pod may be built from on that runtime (the allow-list). */
export async function GET(req: Request) {
  const kind = runtimeOf(req);
  if (!kind.success) return jsonError(400, "Invalid runtime", kind.error.issues[0]?.message);
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(kind.data);
    return NextResponse.json({ runtime: runtime.id, images: await runtime.pods.imageChoices() });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}

/** POST /api/builder?runtime=… {PodSpec}: create the pod, all or nothing, checked by that runtime's rules; the same pod the previewed commands make. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const kind = runtimeOf(req);
  if (!kind.success) return jsonError(400, "Invalid runtime", kind.error.issues[0]?.message);
  const spec = await readJsonBody(req, podSpecSchemaOn(kind.data));
  if (spec instanceof NextResponse) return spec;
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(kind.data);
    const pods = await runtime.pods.createPods([spec], { sample: "builder" });
    return NextResponse.json({ runtime: runtime.id, pods }, { status: 201 });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}
