/**
 * Attacks on the running production server that request-guard.test.ts does not already
 * try: the Host check on static files and odd Host spellings, Origin look-alikes, the token
 * anywhere but its header, DELETE without credentials, other methods — and a request naming
 * a container Pod Anatomy did not make, which must be refused and survive.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_APP, LABEL_POD, LABEL_RUN } from "@/lib/model/types";
import { BASE_URL, dockerIdsWithLabel, fetchToken, pageHeaders, rawRequest, removeByLabel } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;
const host = new URL(BASE_URL).host;
const port = new URL(BASE_URL).port;
const body = JSON.stringify({ sample: "ghost-behind-nginx" });

/** The headers without one of them. */
function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
}

function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8" }).trim();
}

describe("the Host check, beyond pages and the API", () => {
  let asset = "";
  beforeAll(async () => {
    const page = await rawRequest("GET", "/", { Host: host });
    asset = /\/_next\/static\/[^"]+\.js/.exec(page.body)?.[0] ?? "";
    expect(asset, "a script of the page").not.toBe("");
  });

  it("refuses a forged Host on static files too (403), and serves them to the right one", async () => {
    expect((await rawRequest("GET", asset, { Host: host })).status).toBe(200);
    expect((await rawRequest("GET", asset, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawRequest("GET", "/favicon.ico", { Host: `evil.example:${port}` })).status).toBe(403);
  });

  it.each([
    ["a name ending in a loopback address", `127.0.0.1.evil.example:${port}`],
    ["localhost with a trailing dot", `localhost.:${port}`],
    ["a subdomain of localhost", `evil.localhost.example:${port}`],
    ["an IPv4-mapped IPv6 loopback", `[::ffff:127.0.0.1]:${port}`],
    ["a numeric IPv4 spelling", `2130706433:${port}`],
    ["the right name with no port", "localhost"],
    ["a 6 kB name", `${"a".repeat(6_000)}:${port}`],
  ])("refuses a Host that is %s (403)", async (what, forged) => {
    const res = await rawRequest("GET", "/api/snapshot", { Host: forged });
    expect(res.status, what).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: "Host not allowed" });
  });

  it.each([
    ["user info", `localhost:${port}@evil.example`],
    ["a path", `localhost:${port}/x`],
    ["spaces", "local host"],
  ])("refuses a malformed Host with %s (400), and keeps serving", async (_what, forged) => {
    const res = await rawRequest("GET", "/api/snapshot", { Host: forged });
    expect(res.status, forged).toBe(400);
    expect((await rawRequest("GET", "/api/snapshot", { Host: host })).status).toBe(200);
  });

  it("refuses a request with no Host at all (400)", async () => {
    expect((await rawRequest("GET", "/api/snapshot", {})).status).toBe(400);
  });
});

describe("state-changing requests need the page's origin and token", () => {
  let token = "";
  let before: string[] = [];
  beforeAll(async () => {
    token = await fetchToken();
    before = dockerIdsWithLabel(RUN_LABEL).sort();
  });
  afterAll(() => removeByLabel(RUN_LABEL));

  it.each([
    ["a look-alike Origin host", `http://${host}.evil.example`],
    ["https instead of http", `https://${host}`],
    ["another port", "http://localhost:1"],
    ["another loopback name than the Host", `http://127.0.0.1:${port}`],
    ["a file: origin", "file://"],
    ["not a URL", "localhost"],
  ])("refuses POST /api/pods with %s as Origin (403)", async (_what, origin) => {
    const res = await rawRequest("POST", "/api/pods", { ...pageHeaders(token), Origin: origin }, body);
    expect(res.status, origin).toBe(403);
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
  });

  it.each([
    ["Sec-Fetch-Site: same-site", { "Sec-Fetch-Site": "same-site" }],
    ["Sec-Fetch-Site: none", { "Sec-Fetch-Site": "none" }],
  ])("refuses POST /api/pods with %s (403)", async (_what, change) => {
    const res = await rawRequest("POST", "/api/pods", { ...pageHeaders(token), ...change }, body);
    expect(res.status).toBe(403);
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
  });

  it("refuses the token anywhere but its header: query string, cookie, body (403)", async () => {
    const noToken = without(pageHeaders(token), "x-pod-anatomy-token");
    expect((await rawRequest("POST", `/api/pods?token=${token}`, noToken, body)).status).toBe(403);
    expect((await rawRequest("POST", "/api/pods", { ...noToken, Cookie: `x-pod-anatomy-token=${token}` }, body)).status).toBe(403);
    expect((await rawRequest("POST", "/api/pods", noToken, JSON.stringify({ sample: "ghost-behind-nginx", token }))).status).toBe(403);
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
  });

  it("refuses a token of the wrong length or case", async () => {
    for (const wrong of [token.slice(1), `${token}0`, token.toUpperCase()]) {
      expect((await rawRequest("POST", "/api/pods", { ...pageHeaders(token), "x-pod-anatomy-token": wrong }, body)).status).toBe(403);
    }
  });

  it("refuses DELETE without Origin, with Origin: null, or without the token (403) before looking at the pod", async () => {
    const h = pageHeaders(token);
    for (const headers of [without(h, "Origin"), { ...h, Origin: "null" }, without(h, "x-pod-anatomy-token"), { ...h, Origin: "http://evil.example" }]) {
      const res = await rawRequest("DELETE", "/api/pods/some-pod", headers);
      expect(res.status).toBe(403);
    }
  });

  it("answers other methods on /api/pods with 405 and creates nothing", async () => {
    for (const method of ["PUT", "PATCH"]) {
      expect((await rawRequest(method, "/api/pods", pageHeaders(token), body)).status, method).toBe(405);
    }
    expect(dockerIdsWithLabel(RUN_LABEL).sort()).toEqual(before);
  });
});

describe("only its own containers", () => {
  const podName = `foreign-${process.pid}`;
  const containerName = `users-own-${process.pid}`;
  const image = `pod-anatomy-test/foreign:${process.pid}`;
  let token = "";
  let id = "";

  beforeAll(async () => {
    token = await fetchToken();
    // A container of the user's own, made with plain `docker run`: labelled like one of our
    // pods (io.pod-anatomy.pod) but without our app label; the run label is only for cleanup.
    const rootfs = execFileSync("tar", ["-C", "/bin", "-cf", "-", "busybox"], { maxBuffer: 64 << 20 });
    execFileSync("docker", ["import", "--change", 'CMD ["/busybox", "sleep", "3600"]', "-", image], { input: rootfs, stdio: ["pipe", "ignore", "inherit"] });
    id = docker("run", "-d", "--name", containerName, "--label", `${LABEL_POD}=${podName}`, "--label", RUN_LABEL, image);
  }, 60_000);

  afterAll(() => {
    removeByLabel(RUN_LABEL);
    execFileSync("docker", ["rmi", "-f", image], { stdio: "ignore" });
  });

  it("starts the user's container without Pod Anatomy's label", () => {
    expect(docker("inspect", "-f", "{{.State.Status}}", id)).toBe("running");
    expect(docker("inspect", "-f", `{{index .Config.Labels "${LABEL_APP}"}}`, id)).toBe("");
  });

  it.each([
    ["the pod label it carries", () => podName],
    ["its container name", () => containerName],
    ["its short id", () => id.slice(0, 12)],
  ])("refuses DELETE /api/pods/<%s> with 404, and the container survives", async (_what, name) => {
    const res = await rawRequest("DELETE", `/api/pods/${name()}`, pageHeaders(token));
    expect(res.status, res.body).toBe(404);
    expect(JSON.parse(res.body).error).toContain("made by Pod Anatomy");
    expect(docker("inspect", "-f", "{{.State.Status}}", id)).toBe("running");
  });

  it("refuses its full id as a pod name (400: not a pod name), and the container survives", async () => {
    const res = await rawRequest("DELETE", `/api/pods/${id}`, pageHeaders(token));
    expect(res.status).toBe(400);
    expect(docker("inspect", "-f", "{{.State.Status}}", id)).toBe("running");
  });
});
