/**
 * POST /api/steps on the real engine: each step creates exactly its one planned container
 * (labelled as every pod, the run's label included) or runs one probe; a step run twice, a
 * probe before its container, a malformed request are refused and create nothing.
 * Publishes on this worktree's own port (not the shared 8880).
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Step } from "@/lib/model/steps";
import { LABEL_POD, LABEL_RUN } from "@/lib/model/types";
import { BASE_URL, dockerIdsWithLabel, fetchToken, pageHeaders, rawRequest, removeByLabel } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;
const HOST_PORT = Number(process.env.POD_ANATOMY_CHALLENGE_PORT ?? 8883);
const suffix = (process.pid % 0xffffff).toString(16).padStart(6, "0");
const POD = `demo-${suffix}`;
let token = "";

const post = (body: object) => rawRequest("POST", "/api/steps", pageHeaders(token), JSON.stringify(body));
const step = (i: number) => post({ entry: "ghost-behind-nginx", runtime: "docker", pod: suffix, step: i, hostPort: HOST_PORT });
const ofPod = () => dockerIdsWithLabel(`${LABEL_POD}=${POD}`);

beforeAll(async () => {
  token = await fetchToken();
});
afterAll(() => removeByLabel(RUN_LABEL));

describe("step by step on Docker", () => {
  it("lists the demo pod's five steps, each command naming this instance", async () => {
    const res = await rawRequest("GET", `/api/steps?entry=ghost-behind-nginx&pod=${suffix}&hostPort=${HOST_PORT}`, { Host: new URL(BASE_URL).host });
    expect(res.status, res.body).toBe(200);
    const { steps } = JSON.parse(res.body) as { steps: (Step & { pod: string })[] };
    expect(steps.map((s) => s.kind)).toEqual(["container", "container", "container", "probe-ps", "probe-fetch"]);
    expect(steps.every((s) => s.pod === POD)).toBe(true);
    expect(steps[0]!.command).toContain(`-p 127.0.0.1:${HOST_PORT}:80`);
  });

  it("refuses a malformed request, a probe before its container, and creates nothing", async () => {
    expect((await post({ entry: "ghost-behind-nginx", pod: "../etc", step: 0 })).status).toBe(400);
    expect((await post({ entry: "rootkit", pod: suffix, step: 0 })).status).toBe(400);
    expect((await post({ entry: "ghost-behind-nginx", pod: suffix, step: 0, privileged: true })).status).toBe(400);
    const early = await step(3);
    expect(early.status, early.body).toBe(409);
    expect(JSON.parse(early.body).error).toContain("is not running");
    expect(ofPod()).toEqual([]);
  });

  it("each container step makes exactly its container; run twice it is refused", async () => {
    for (const [i, name] of ["pause", "nginx", "ghost"].entries()) {
      const res = await step(i);
      expect(res.status, res.body).toBe(200);
      const { containerId } = JSON.parse(res.body) as { containerId: string };
      expect(ofPod()).toHaveLength(i + 1);
      const [inspect] = JSON.parse(execFileSync("docker", ["inspect", containerId], { encoding: "utf8" })) as {
        Name: string;
        Config: { Labels: Record<string, string> };
        HostConfig: { NetworkMode: string };
      }[];
      if (!inspect) throw new Error(`docker inspect ${containerId}: nothing`);
      expect(inspect.Name).toBe(`/${POD}-${name}`);
      expect(inspect.Config.Labels[LABEL_RUN]).toBe(RUN_ID);
      if (name !== "pause") expect(inspect.HostConfig.NetworkMode).toMatch(/^container:/);
    }
    const again = await step(1);
    expect(again.status).toBe(409);
    expect(ofPod()).toHaveLength(3);
  });

  it("the probes run in the pod: pause is PID 1; the blog answers on :80 through the proxy", async () => {
    const ps = JSON.parse((await step(3)).body) as { output: string; exitCode: number };
    expect(ps.output).toMatch(/^\s*1\s+0\s+\S+\s+pause$/m);
    let page = "";
    for (let i = 0; i < 20 && !page.includes("Blog of pod"); i++) {
      page = (JSON.parse((await step(4)).body) as { output: string }).output;
      if (!page.includes("Blog of pod")) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain(`Blog of pod ${POD}`);
    expect(ofPod()).toHaveLength(3);
  });
});
