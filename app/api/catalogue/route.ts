import { NextResponse } from "next/server";
import { CATALOGUE, CreateEntryRequest } from "@/lib/model/catalogue";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, readJsonBody } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { podMaker, type PodMaker } from "@/lib/server/runtimes/select";

export const dynamic = "force-dynamic";

/** GET /api/catalogue: the entries, with their captions. */
export function GET() {
  return NextResponse.json({ entries: CATALOGUE.map(({ id, number, title, caption, roles, hostPort }) => ({ id, number, title, caption, roles, hostPort })) });
}

/** POST /api/catalogue {"entry":"by-hand","runtime":"docker"|"cri"|"podman"}: create one instance of an entry (its pods), all or nothing. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, CreateEntryRequest);
  if (body instanceof NextResponse) return body;
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(body.runtime);
    const pods = await runtime.pods.createCatalogueEntry(body.entry);
    return NextResponse.json({ entry: body.entry, runtime: runtime.id, pods }, { status: 201 });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}
