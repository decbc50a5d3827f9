import { NextResponse } from "next/server";
import { CATALOGUE, CreateEntryRequest } from "@/lib/model/catalogue";
import { getDockerClient } from "@/lib/server/docker";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, readJsonBody } from "@/lib/server/http";
import { createCatalogueEntry, createFailure } from "@/lib/server/pod-creator";

export const dynamic = "force-dynamic";

/** GET /api/catalogue: the entries, with their captions. */
export function GET() {
  return NextResponse.json({ entries: CATALOGUE.map(({ id, number, title, caption, roles, hostPort }) => ({ id, number, title, caption, roles, hostPort })) });
}

/** POST /api/catalogue {"entry":"by-hand"}: create one instance of an entry (its pods), all or nothing. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, CreateEntryRequest);
  if (body instanceof NextResponse) return body;
  const docker = getDockerClient();
  try {
    const pods = await createCatalogueEntry(docker, body.entry);
    return NextResponse.json({ entry: body.entry, pods }, { status: 201 });
  } catch (err) {
    return failureResponse(createFailure(err, docker.endpoint));
  }
}
