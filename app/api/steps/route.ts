import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { CATALOGUE_ENTRY_IDS } from "@/lib/model/catalogue";
import { RUNTIME_KINDS } from "@/lib/model/types";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, jsonError, readJsonBody } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { podMaker, type PodMaker } from "@/lib/server/runtimes/select";

export const dynamic = "force-dynamic";

/** An instance of an entry run step by step: its pods are named `<pod>-<suffix>`. */
const Suffix = z.string().regex(/^[0-9a-f]{6}$/, "pod is 6 hex digits (the instance's suffix)");
const Entry = z.enum(CATALOGUE_ENTRY_IDS);
const Runtime = z.enum(RUNTIME_KINDS);
/** The host port of an entry that publishes one, instead of its own (8880 is shared by everyone on a training machine). */
const HostPort = z.coerce.number().int().min(1024).max(65535);
const StepRequest = z
  .object({ entry: Entry, runtime: Runtime.default("docker"), pod: Suffix, step: z.number().int().min(0).max(50), hostPort: z.number().int().min(1024).max(65535).optional() })
  .strict();
const StepsQuery = z.object({ entry: Entry, runtime: Runtime.default("docker"), pod: Suffix, hostPort: HostPort.optional() }).strict();

/** GET /api/steps?entry=…&pod=<suffix>[&runtime=docker|cri|podman][&hostPort=…]: the steps of that instance on that runtime. */
export async function GET(req: NextRequest) {
  const query = StepsQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) {
    return jsonError(400, "entry and pod are required", "entry: a catalogue entry id; pod: 6 hex digits; runtime (optional): docker, cri or podman; hostPort (optional): 1024–65535");
  }
  const { entry, runtime: kind, pod, hostPort } = query.data;
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(kind);
    return NextResponse.json({ entry, pod, runtime: kind, steps: await runtime.pods.entrySteps(entry, { suffix: pod, hostPort }) });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}

/** POST /api/steps {"entry":"ghost-behind-nginx","runtime":"cri","pod":"1a2b3c","step":0}: run exactly that one step. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, StepRequest);
  if (body instanceof NextResponse) return body;
  let runtime: PodMaker | null = null;
  try {
    runtime = podMaker(body.runtime);
    return NextResponse.json(await runtime.pods.runStep(body.entry, { suffix: body.pod, hostPort: body.hostPort }, body.step));
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}
