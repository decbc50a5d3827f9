import { NextResponse } from "next/server";
import { serverTiming, takeSnapshot } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/** GET /api/snapshot: pods, containers, namespaces, processes and host facts, as the kernel and the engine say. */
export async function GET() {
  const taken = await takeSnapshot();
  return NextResponse.json(taken.snapshot, { headers: { "Cache-Control": "no-store", "Server-Timing": serverTiming(taken) } });
}
