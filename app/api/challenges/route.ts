import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { checkChallenges, scopeToLabel } from "@/lib/model/challenges";
import { takeSnapshot } from "@/lib/server/snapshot";

export const dynamic = "force-dynamic";

/** `?label=key=value`: check only the containers carrying that label (one learner's, one test's). */
const Query = z.object({
  label: z
    .string()
    .max(300)
    .regex(/^[^=\s]+=[^\s]*$/, "label is key=value")
    .optional(),
});

/** GET /api/challenges[?label=key=value]: each challenge (goal, hints, what it looks at) with its status against the live snapshot. */
export async function GET(request: NextRequest) {
  const query = Query.safeParse({ label: request.nextUrl.searchParams.get("label") ?? undefined });
  if (!query.success) return NextResponse.json({ error: "bad-request", detail: query.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  const { snapshot } = await takeSnapshot();
  const label = query.data.label;
  const at = label?.indexOf("=") ?? -1;
  const scoped = label ? scopeToLabel(snapshot, label.slice(0, at), label.slice(at + 1)) : snapshot;
  return NextResponse.json({ takenAt: snapshot.takenAt, challenges: checkChallenges(scoped) }, { headers: { "Cache-Control": "no-store" } });
}
