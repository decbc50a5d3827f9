import { NextResponse } from "next/server";
import { PodName } from "@/lib/model/pod-requests";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, jsonError } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { findOurPod } from "@/lib/server/runtimes/select";

export const dynamic = "force-dynamic";

/** DELETE /api/pods/NAME: remove one of the pods Pod Anatomy made (and only those), on whichever runtime made it. */
export async function DELETE(req: Request, ctx: { params: Promise<{ name: string }> }) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const { name } = await ctx.params;
  const parsed = PodName.safeParse(name);
  if (!parsed.success) return jsonError(400, "Invalid pod name", parsed.error.issues[0]?.message);
  try {
    const found = await findOurPod(parsed.data);
    const removed = found ? await found.runtime.pods.deletePod(parsed.data) : [];
    if (removed.length === 0) {
      return jsonError(404, `No pod named ${parsed.data} made by Pod Anatomy`, "Only pods created here can be deleted here; the list of pods is on the dashboard.");
    }
    return NextResponse.json({ removed, runtime: found!.runtime.id });
  } catch (err) {
    return failureResponse(describePodError(err, null));
  }
}
