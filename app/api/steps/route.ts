import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { CATALOGUE_ENTRY_IDS } from "@/lib/model/catalogue";
import type { DockerRuntime } from "@/lib/server/runtimes/docker-runtime";
import { refuseUnlessSameOrigin } from "@/lib/server/guard";
import { failureResponse, jsonError, readJsonBody } from "@/lib/server/http";
import { describePodError } from "@/lib/server/pod-errors";
import { podMaker, type PodMaker } from "@/lib/server/runtimes/select";
import { entrySteps, runStep, StepError } from "@/lib/server/steps";

export const dynamic = "force-dynamic";

/** An instance of an entry run step by step: its pods are named `<pod>-<suffix>`. */
const Suffix = z.string().regex(/^[0-9a-f]{6}$/, "pod is 6 hex digits (the instance's suffix)");
const Entry = z.enum(CATALOGUE_ENTRY_IDS);
/** The host port of an entry that publishes one, instead of its own (8880 is shared by everyone on a training machine). */
const HostPort = z.number().int().min(1024).max(65535);
const StepRequest = z
  .object({ entry: Entry, runtime: z.literal("docker").default("docker"), pod: Suffix, step: z.number().int().min(0).max(50), hostPort: HostPort.optional() })
  .strict();

function docker(): { runtime: PodMaker; client: DockerRuntime["docker"] } {
  const runtime = podMaker("docker");
  return { runtime, client: (runtime as unknown as DockerRuntime).docker };
}

/** GET /api/steps?entry=…&pod=<suffix>[&hostPort=…]: the steps of that instance (Docker only, for now). */
export async function GET(req: NextRequest) {
  const entry = Entry.safeParse(req.nextUrl.searchParams.get("entry"));
  const pod = Suffix.safeParse(req.nextUrl.searchParams.get("pod"));
  const rawPort = req.nextUrl.searchParams.get("hostPort");
  const port = rawPort === null ? { success: true as const, data: undefined } : HostPort.safeParse(Number(rawPort));
  if (!entry.success || !pod.success || !port.success) return jsonError(400, "entry and pod are required", "entry: a catalogue entry id; pod: 6 hex digits; hostPort (optional): 1024–65535");
  let runtime: PodMaker | null = null;
  try {
    const d = docker();
    runtime = d.runtime;
    return NextResponse.json({ entry: entry.data, pod: pod.data, runtime: "docker", steps: await entrySteps(d.client, entry.data, pod.data, port.data) });
  } catch (err) {
    return failureResponse(describePodError(err, runtime));
  }
}

/** POST /api/steps {"entry":"ghost-behind-nginx","runtime":"docker","pod":"1a2b3c","step":0}: run exactly that one step. */
export async function POST(req: Request) {
  const refused = refuseUnlessSameOrigin(req);
  if (refused) return refused;
  const body = await readJsonBody(req, StepRequest);
  if (body instanceof NextResponse) return body;
  let runtime: PodMaker | null = null;
  try {
    const d = docker();
    runtime = d.runtime;
    return NextResponse.json(await runStep(d.client, body.entry, body.pod, body.step, body.hostPort));
  } catch (err) {
    if (err instanceof StepError) return jsonError(err.status, err.message);
    return failureResponse(describePodError(err, runtime));
  }
}
