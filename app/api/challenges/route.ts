import { NextResponse } from "next/server";
import { checkChallenges } from "@/lib/model/challenges";
import { takeSnapshot } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/** GET /api/challenges: each challenge (goal, hints, what it looks at) with its status against the live snapshot. */
export async function GET() {
  const { snapshot } = await takeSnapshot();
  return NextResponse.json({ takenAt: snapshot.takenAt, challenges: checkChallenges(snapshot) }, { headers: { "Cache-Control": "no-store" } });
}
