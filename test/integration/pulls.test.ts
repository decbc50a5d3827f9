/**
 * Pull progress on the real engine: GET /api/pulls lists the server's pulls, and a catalogue
 * entry whose real images are not here makes the server try to pull them. With no registry
 * (these machines) each pull ends "failed" with the engine's own error, and the entry is
 * made from the stand-ins; with a registry it ends "done" and the real image is used.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PullsResponseSchema, type TrackedPull } from "@/lib/model/pull-progress";
import { LABEL_RUN } from "@/lib/model/types";
import { BASE_URL, deletePod, fetchToken, pageHeaders, rawRequest, removeByLabel } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

/** The entry's real images (lib/server/images.ts REAL_IMAGES) and the registry host the engine asks for each. */
const ENTRY = "init-and-emptydir";
const REAL = [
  { ref: "registry.k8s.io/pause:3.10", registry: "registry.k8s.io" },
  { ref: "busybox:1.36", registry: "registry-1.docker.io" },
];

const host = new URL(BASE_URL).host;
let token = "";

async function pulls(): Promise<TrackedPull[]> {
  const res = await rawRequest("GET", "/api/pulls", { Host: host });
  expect(res.status, res.body).toBe(200);
  expect(res.headers["cache-control"]).toBe("no-store");
  return PullsResponseSchema.parse(JSON.parse(res.body)).pulls;
}

/** `docker image inspect`: is the image here already (then the server does not pull it)? */
function presentLocally(ref: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", ref], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  token = await fetchToken();
});

afterAll(() => removeByLabel(`${LABEL_RUN}=${RUN_ID}`));

describe("GET /api/pulls", () => {
  it("answers a well-formed list, on a loopback Host only", async () => {
    const list = await pulls();
    for (const p of list) {
      expect(Date.parse(p.startedAt)).not.toBeNaN();
      if (p.endedAt !== null) expect(["done", "failed"]).toContain(p.phase);
    }
    expect((await rawRequest("GET", "/api/pulls", { Host: `evil.example:${new URL(BASE_URL).port}` })).status).toBe(403);
  });

  it("shows the pulls a catalogue entry started and how each ended; the images used follow from it", async () => {
    const missing = REAL.filter((r) => !presentLocally(r.ref));
    const before = new Set((await pulls()).map((p) => p.id));
    const res = await rawRequest("POST", "/api/catalogue", pageHeaders(token), JSON.stringify({ entry: ENTRY }));
    expect(res.status, res.body).toBe(201);
    const created = JSON.parse(res.body) as { pods: { name: string; containers: { image: string }[] }[] };
    try {
      // Ended pulls stay listed 30 s: the create answered, so its pulls have ended and are listed.
      const fresh = (await pulls()).filter((p) => !before.has(p.id));
      expect(fresh.map((p) => p.ref).sort()).toEqual(missing.map((r) => r.ref).sort());
      const images = created.pods.flatMap((p) => p.containers.map((c) => c.image));
      for (const { ref, registry } of missing) {
        const pull = fresh.find((p) => p.ref === ref)!;
        expect(pull.endedAt).not.toBeNull();
        if (pull.phase === "failed") {
          // The engine's own words (not docker-modem's "(HTTP code 500) …"): the registry it could not reach.
          expect(pull.message).toContain(registry);
          expect(pull.message).not.toMatch(/^\(HTTP code/);
          expect(pull.onFailure).toBe("stand-in");
          expect(images).not.toContain(ref);
        } else {
          expect(pull).toMatchObject({ phase: "done", fraction: 1 });
          expect(images).toContain(ref);
        }
      }
    } finally {
      for (const pod of created.pods) await deletePod(token, pod.name);
    }
  });
});
