import { NextResponse } from "next/server";
import { ProbeRequest } from "@/lib/model/pod-probes";
import { handlePodExec } from "@/lib/server/pod-route";
import { runProbe } from "@/lib/server/probes";

export const dynamic = "force-dynamic";

/** POST /api/pods/NAME/probes {"probe":"fetch","container":"…","port":80}: run one allow-listed probe in one of the pod's containers. */
export async function POST(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return handlePodExec(req, ctx.params, ProbeRequest, async (ops, pod, body) => NextResponse.json(await runProbe(ops, pod, body)));
}
