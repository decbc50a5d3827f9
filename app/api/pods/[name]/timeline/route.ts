import { NextResponse } from "next/server";
import { z } from "zod";
import { buildTimeline } from "@/lib/model/pod-timeline";
import { getEventHub } from "@/lib/server/event-hub";
import { jsonError } from "@/lib/server/http";
import { takeSnapshot } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/**
 * The segment is the pod's id, its sandbox's full id (a name can be ambiguous; an id is not):
 * Docker's sandbox container, the CRI's PodSandbox id (containerd and CRI-O: 64 hex), Podman's
 * infra container (64 hex; not the Podman pod's own id).
 */
const PodId = z.string().regex(/^[0-9a-f]{64}$/, "a pod id is its sandbox's full 64-hex id");

/**
 * GET /api/pods/ID/timeline: what happened to the pod, in order, from its runtime's events
 * (the server's history: Docker's, Podman's, the CRI poll's) and the kernel (the current
 * snapshot's namespace inodes).
 */
export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  const { name } = await ctx.params;
  const parsed = PodId.safeParse(name);
  if (!parsed.success) return jsonError(400, "Invalid pod id", parsed.error.issues[0]?.message);
  const hub = getEventHub();
  hub.start();
  const { snapshot } = await takeSnapshot();
  const pod = snapshot.pods.find((p) => p.id === parsed.data);
  if (!pod) return jsonError(404, "No such pod", `No pod with id ${parsed.data.slice(0, 12)} on this host now; the dashboard lists the pods there are.`);
  const timeline = buildTimeline({ pod, containers: snapshot.containers, records: hub.history.records(), historyFrom: hub.history.oldestTime() });
  return NextResponse.json(timeline, { headers: { "Cache-Control": "no-store" } });
}
