import { NextResponse } from "next/server";
import { SNAPSHOT_VERSION_HEADER } from "@/lib/model/snapshot-delta";
import { serverTiming, takeSnapshot } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/**
 * GET /api/snapshot: pods, containers, namespaces, processes and host facts, as the kernel and
 * the engine say. Its version (X-Snapshot-Version) is where the deltas of GET /api/events take up.
 */
export async function GET() {
  const taken = await takeSnapshot();
  return NextResponse.json(taken.snapshot, {
    headers: { "Cache-Control": "no-store", "Server-Timing": serverTiming(taken), [SNAPSHOT_VERSION_HEADER]: String(taken.version) },
  });
}
