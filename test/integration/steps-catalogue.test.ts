/**
 * Every catalogue entry, step by step, on every runtime the server reaches (Docker, the CRI,
 * Podman): through the app's own API (GET then POST /api/steps), each step in order; after
 * each container step the live snapshot shows the step's effect (steps.ts effectSeen: what
 * "I'll type it" waits for, the same whoever ran the command), each probe answers; then
 * Start over (DELETE /api/pods/<pod>) removes every pod of the instance. An entry a runtime
 * cannot make (spec-issues.ts: the CRI has no emptyDir, always makes its own sandbox) is
 * refused with that reason and nothing made. A runtime the server cannot reach is skipped.
 * Publishes on a port of its own (not 8880).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE_ENTRY_IDS, catalogueEntry, type CatalogueEntryId } from "@/lib/model/catalogue";
import { specIssuesOn } from "@/lib/model/spec-issues";
import { effectSeen, type EntryStep } from "@/lib/model/steps";
import { LABEL_POD, type RuntimeKind, type Snapshot } from "@/lib/model/types";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { BASE_URL, fetchToken, getSnapshot, pageHeaders, rawRequest, until } from "../support/api";
import { removeCriRun, removePodmanRun } from "../support/run-pods";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const HOST_PORT = Number(process.env.POD_ANATOMY_STEPS_CATALOGUE_PORT ?? 8889);
const cri = new CriClient({ endpoint: process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock" });
const host = { Host: new URL(BASE_URL).host };
let token = "";

const first: Snapshot = await getSnapshot();
const reachable = (kind: RuntimeKind) => first.runtimes.some((r) => r.kind === kind && r.state === "ok" && r.node === null);

beforeAll(async () => {
  token = await fetchToken();
});

afterAll(async () => {
  // By label, whatever failed (the Docker containers of the run go with the test server's cleanup).
  if (reachable("cri")) await removeCriRun(cri, RUN_ID);
  cri.close();
  if (reachable("podman")) removePodmanRun(RUN_ID);
});

const RUNTIMES = ["docker", "cri", "podman"] as const;

/** What keeps a runtime from making an entry's pods (the spec's rules there): nothing, on most. */
function cannotMake(runtime: RuntimeKind, entry: CatalogueEntryId): string[] {
  const specs = catalogueEntry(entry).pods({ suffix: "000000", uid: "0b7c4f4e-8f1e-4b8e-9a51-3f0d2c6b1a77", hostPort: HOST_PORT, image: (role) => ({ ref: `pod-anatomy/${role}-stand-in:x`, source: "stand-in" }) });
  return specs.flatMap((spec) => specIssuesOn(runtime, spec).map((i) => i.message));
}

describe.each(RUNTIMES)("every catalogue entry step by step on %s", (runtime) => {
  it.skipIf(!reachable(runtime)).each(CATALOGUE_ENTRY_IDS.map((entry, i) => [entry, i] as const))("%s", async (entry, i) => {
    const suffix = ((process.pid * 7 + RUNTIMES.indexOf(runtime) * 16 + i) % 0xffffff).toString(16).padStart(6, "0");
    const res = await rawRequest("GET", `/api/steps?entry=${entry}&runtime=${runtime}&pod=${suffix}&hostPort=${HOST_PORT}`, host);
    const why = cannotMake(runtime, entry);
    if (why.length > 0) {
      expect(res.status, res.body).toBe(400);
      expect((JSON.parse(res.body) as { detail: string }).detail).toContain(why[0]!);
      return;
    }
    expect(res.status, res.body).toBe(200);
    const steps = (JSON.parse(res.body) as { steps: EntryStep[] }).steps;
    expect(steps.length).toBeGreaterThan(0);
    const pods = [...new Set(steps.map((s) => s.pod))];
    expect(pods.every((p) => p.endsWith(`-${suffix}`)), pods.join(", ")).toBe(true);
    try {
      let before = await getSnapshot();
      for (const step of steps) {
        const ran = await rawRequest("POST", "/api/steps", pageHeaders(token), JSON.stringify({ entry, runtime, pod: suffix, step: step.index, hostPort: HOST_PORT }));
        expect(ran.status, `step ${step.index} (${step.title}): ${ran.body}`).toBe(200);
        if (step.kind === "container") {
          // The live snapshot shows what the step changed: what "I'll type it" waits for.
          const since = before;
          const seen = await until(`the effect of step ${step.index} (${step.title})`, async () => {
            const now = await getSnapshot();
            return effectSeen(step.effect, now, since) ? now : undefined;
          });
          before = seen;
        } else {
          expect((JSON.parse(ran.body) as { output?: string }).output, `probe ${step.index} (${step.title})`).toBeDefined();
        }
      }
    } finally {
      for (const pod of pods) {
        const gone = await rawRequest("DELETE", `/api/pods/${pod}`, pageHeaders(token));
        expect([200, 404], `${pod}: ${gone.body}`).toContain(gone.status);
      }
    }
    // Gone from the snapshot (the CRI's removals are seen by its 1 s poll).
    await until("the instance's containers gone from the snapshot", async () => {
      const after = await getSnapshot();
      return after.containers.some((c) => pods.includes(c.labels[LABEL_POD] ?? "")) ? undefined : true;
    });
  });
});
