/**
 * The running production server refuses what a hostile page could send: a forged Host
 * (DNS rebinding), a cross-site or missing Origin, no launch token, bad input. None of
 * these may create a container.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_RUN } from "@/lib/model/types";
import { BASE_URL, dockerIdsWithLabel, fetchToken, pageHeaders, rawRequest, removeByLabel } from "../support/api";

const RUN_LABEL = `${LABEL_RUN}=${process.env.POD_ANATOMY_RUN_ID}`;
const host = new URL(BASE_URL).host;
const body = JSON.stringify({ sample: "ghost-behind-nginx" });

describe("request guard on the running server", () => {
  let token = "";
  let before: string[] = [];
  beforeAll(async () => {
    token = await fetchToken();
    before = dockerIdsWithLabel(RUN_LABEL);
  });
  afterAll(() => removeByLabel(RUN_LABEL));

  it.each([
    ["a DNS-rebinding name", "evil.example:" + new URL(BASE_URL).port],
    ["the right name on another port", "localhost:1"],
    ["a LAN address", "192.168.1.10:" + new URL(BASE_URL).port],
  ])("refuses a page request whose Host is %s with 403", async (_what, forged) => {
    for (const path of ["/", "/api/snapshot"]) {
      const res = await rawRequest("GET", path, { Host: forged });
      expect(res.status, `${path} with Host ${forged}`).toBe(403);
    }
  });

  it("refuses a malformed Host without crashing", async () => {
    const res = await rawRequest("GET", "/api/snapshot", { Host: "local host:::" });
    expect([400, 403]).toContain(res.status);
    expect((await rawRequest("GET", "/api/snapshot", { Host: host })).status).toBe(200);
  });

  it.each([
    ["no Origin", { Origin: undefined }],
    ["Origin: null", { Origin: "null" }],
    ["a cross-site Origin", { Origin: "http://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["no launch token", { "x-pod-anatomy-token": undefined }],
    ["a wrong launch token", { "x-pod-anatomy-token": "0".repeat(48) }],
  ])("refuses POST /api/pods with %s (403, nothing created)", async (_what, change) => {
    const headers: Record<string, string> = { ...pageHeaders(token) };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete headers[k];
      else headers[k] = v;
    }
    const res = await rawRequest("POST", "/api/pods", headers, body);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toHaveProperty("error");
    expect(dockerIdsWithLabel(RUN_LABEL)).toEqual(before);
  });

  it.each([
    ["not JSON", "{"],
    ["an unknown sample", JSON.stringify({ sample: "rootkit" })],
    ["extra fields", JSON.stringify({ sample: "ghost-behind-nginx", privileged: true })],
    ["a body over the size cap", JSON.stringify({ sample: "x".repeat(20_000) })],
  ])("answers POST /api/pods with %s by a 4xx {error, detail}", async (_what, payload) => {
    const res = await rawRequest("POST", "/api/pods", pageHeaders(token), payload);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const parsed = JSON.parse(res.body) as { error: string; detail?: string };
    expect(parsed.error.length).toBeGreaterThan(0);
    expect(res.body).not.toMatch(/at .*\.js:\d+/); // no stack traces
    expect(dockerIdsWithLabel(RUN_LABEL)).toEqual(before);
  });

  it("refuses to delete a pod with an invalid name, and one it did not make", async () => {
    expect((await rawRequest("DELETE", "/api/pods/..%2F..%2Fetc", pageHeaders(token))).status).toBe(400);
    expect((await rawRequest("DELETE", "/api/pods/not-ours-at-all", pageHeaders(token))).status).toBe(404);
  });
});
