import { NextResponse } from "next/server";
import type { PullsResponse } from "@/lib/model/pull-progress";
import { getPullTracker } from "@/lib/server/pull-tracker";

export const dynamic = "force-dynamic";

/** GET /api/pulls: the image pulls in flight, and those ended in the last 30 s, with their progress. */
export function GET() {
  const body: PullsResponse = { pulls: getPullTracker().list() };
  return NextResponse.json(body, { headers: { "Cache-Control": "no-store" } });
}
