import { NextResponse } from "next/server";
import { OrphanRequest } from "@/lib/model/pod-probes";
import { handlePodExec } from "@/lib/server/pod-route";
import { makeOrphan } from "@/lib/server/probes";

export const dynamic = "force-dynamic";

/** POST /api/pods/NAME/orphan {"container":"…"}: make an orphan in that container (the zombie-reaping experiment). */
export async function POST(req: Request, ctx: { params: Promise<{ name: string }> }) {
  return handlePodExec(req, ctx.params, OrphanRequest, async (ops, pod, body) =>
    NextResponse.json(await makeOrphan(ops, pod, body.container), { status: 201 }),
  );
}
