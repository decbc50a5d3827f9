/**
 * Live updates against the real engine: GET /api/events streams what `docker` does in a
 * terminal (create, start, kill, die, destroy), and a pod's timeline tells it in order with
 * the kernel's namespace inodes. Containers are made with the docker CLI (an independent
 * witness), carry this run's label, and are removed by label afterwards.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineFeed } from "@/lib/model/live-messages";
import type { PodTimeline } from "@/lib/model/pod-timeline";
import { LABEL_RUN } from "@/lib/model/types";
import { DockerodeClient } from "@/lib/server/docker";
import { resolveImage } from "@/lib/server/images";
import { BASE_URL, rawRequest, removeByLabel } from "../support/api";
import { EventStream } from "../support/event-stream";
import { startExtraServer, type ExtraServer } from "../support/servers";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID ?? "unset";
const RUN_LABEL = `${LABEL_RUN}=${RUN_ID}`;
const base = new URL(BASE_URL);

/** The docker CLI. Containers run with --network none: nothing here needs a network, and it works without a docker0 bridge. */
function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8" }).trim();
}

/** The image the app runs as a pause container: the real one if present, else the stand-in (built when missing). */
async function pauseImage(): Promise<string> {
  return (await resolveImage(new DockerodeClient(), "pause")).ref;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("GET /api/events on the running server", () => {
  let stream: EventStream;
  let image = "";
  beforeAll(async () => {
    image = await pauseImage();
    const opened = await EventStream.open();
    stream = opened.stream;
    expect(opened.status).toBe(200);
    expect(opened.contentType).toBe("text/event-stream; charset=utf-8");
    // The server follows the engine before anything is started, so the delays measured below are live ones.
    await stream.next("feed: following", (f) => (f.type === "feed" && (JSON.parse(f.data) as { feed: EngineFeed }).feed.state === "following" ? true : undefined));
  });
  afterAll(() => {
    stream?.close();
    removeByLabel(RUN_LABEL);
  });

  it("refuses a forged Host with 403, like every route", async () => {
    for (const forged of [`evil.example:${base.port}`, "localhost:1"]) {
      const res = await rawRequest("GET", "/api/events", { Host: forged });
      expect(res.status, `Host ${forged}`).toBe(403);
      expect(JSON.parse(res.body)).toHaveProperty("error", "Host not allowed");
    }
  });

  it("streams create, start, kill, die (exit 137) and destroy of a container run from the CLI, in order", async () => {
    const name = `events-${RUN_ID}-${process.pid}`;
    const from = stream.frames.length;
    const before = Date.now();
    const id = docker("run", "-d", "--network", "none", "--label", RUN_LABEL, "--name", name, image);
    const returned = Date.now();

    const created = await stream.containerEvent(id, "create", from);
    const started = await stream.containerEvent(id, "start", from);
    expect(started.value).toMatchObject({ containerId: id, name, image, exitCode: null });
    expect(started.value.labels[LABEL_RUN]).toBe(RUN_ID);
    expect(started.value.timeNano).toMatch(/^\d{19}$/);
    expect(created.index).toBeLessThan(started.index);
    console.log(
      `[events] start of ${name}: on the stream ${started.frame.at - before} ms after \`docker run\` began, ` +
        `${started.frame.at - returned} ms after it returned, ${(started.frame.at - started.value.time).toFixed(1)} ms after the engine's timeNano`,
    );

    docker("kill", id);
    const killed = await stream.containerEvent(id, "kill", started.index);
    const died = await stream.containerEvent(id, "die", started.index);
    expect(killed.value.signal).toBe("9");
    expect(died.value.exitCode).toBe(137);
    expect(killed.index).toBeLessThan(died.index);

    docker("rm", id);
    const destroyed = await stream.containerEvent(id, "destroy", died.index);
    expect(destroyed.value.name).toBe(name);
  });

  it("measures delivery, engine timeNano → on the stream, over five runs", async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const from = stream.frames.length;
      const id = docker("run", "-d", "--network", "none", "--label", RUN_LABEL, "--name", `events-${RUN_ID}-${process.pid}-${i}`, image);
      const started = await stream.containerEvent(id, "start", from);
      delays.push(started.frame.at - started.value.time);
      docker("rm", "-f", id);
    }
    console.log(`[events] engine timeNano → on the stream, 5 runs: ${delays.map((d) => d.toFixed(1)).join(", ")} ms; median ${median(delays).toFixed(1)} ms`);
    expect(delays).toHaveLength(5);
  });

  it("counts its subscribers and forgets one that disconnected", async () => {
    const first = await EventStream.open();
    const withFirst = (await first.stream.feed()).value.subscribers;
    first.stream.close();
    // The server notices the closed socket asynchronously: probe until it has (bounded).
    let seen = Number.NaN;
    for (let attempt = 0; attempt < 50; attempt++) {
      const probe = await EventStream.open();
      seen = (await probe.stream.feed()).value.subscribers;
      probe.stream.close();
      if (seen === withFirst) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The probe replaced the closed one: same count, not one more.
    expect(seen).toBe(withFirst);
  });
});

describe("GET /api/pods/ID/timeline on the running server", () => {
  let stream: EventStream;
  let image = "";
  beforeAll(async () => {
    image = await pauseImage();
    stream = (await EventStream.open()).stream;
  });
  afterAll(() => {
    stream?.close();
    removeByLabel(RUN_LABEL);
  });

  async function timeline(podId: string): Promise<PodTimeline> {
    const res = await rawRequest("GET", `/api/pods/${podId}/timeline`, { Host: base.host });
    if (res.status !== 200) throw new Error(`timeline: HTTP ${res.status} ${res.body}`);
    return JSON.parse(res.body) as PodTimeline;
  }

  const nsLink = (pid: string, type: string) => fs.readlinkSync(`/proc/${pid}/ns/${type}`);

  it("tells a pod made in a terminal step by step, with the kernel's inodes, and a member's exit and removal", async () => {
    const prefix = `tl-${RUN_ID}-${process.pid}`;
    const [sandboxName, appName, sidecarName] = [`${prefix}-pause`, `${prefix}-app`, `${prefix}-sidecar`];
    const from = stream.frames.length;
    const sandboxId = docker("run", "-d", "--network", "none", "--ipc", "shareable", "--label", RUN_LABEL, "--name", sandboxName, image);
    const join = `container:${sandboxName}`;
    const member = (name: string) => docker("run", "-d", "--label", RUN_LABEL, "--name", name, "--net", join, "--ipc", join, "--pid", join, image);
    const appId = member(appName);
    const sidecarId = member(sidecarName);
    await stream.containerEvent(sidecarId, "start", from);

    const sandboxPid = docker("inspect", "-f", "{{.State.Pid}}", sandboxId);
    const appPid = docker("inspect", "-f", "{{.State.Pid}}", appId);
    const live = await timeline(sandboxId);
    expect(live.sandboxId).toBe(sandboxId);
    expect(live.complete).toBe(true);
    expect(live.steps.map((s) => `${s.kind} ${s.containerName}`)).toEqual([
      `sandbox-created ${sandboxName}`,
      `namespaces-created ${sandboxName}`,
      `created ${appName}`,
      `joined ${appName}`,
      `started ${appName}`,
      `created ${sidecarName}`,
      `joined ${sidecarName}`,
      `started ${sidecarName}`,
    ]);
    const [, nsCreated, , joined, started] = live.steps;
    // What the kernel says, read here independently of the server.
    for (const type of ["net", "ipc", "pid", "uts", "mnt"]) {
      expect(nsCreated!.namespaces.find((n) => n.type === type)?.id, type).toBe(nsLink(sandboxPid, type));
    }
    expect(joined!.namespaces.map((n) => n.type)).toEqual(["net", "ipc", "pid"]);
    for (const n of joined!.namespaces) {
      expect(n.id).toBe(nsLink(sandboxPid, n.type));
      expect(nsLink(appPid, n.type)).toBe(nsLink(sandboxPid, n.type));
    }
    expect(started!.namespaces.find((n) => n.type === "mnt")?.id).toBe(nsLink(appPid, "mnt"));
    expect(nsLink(appPid, "mnt")).not.toBe(nsLink(sandboxPid, "mnt"));

    docker("kill", appId);
    docker("rm", appId);
    await stream.containerEvent(appId, "destroy", from);
    const after = await timeline(sandboxId);
    expect(after.steps.slice(8).map((s) => `${s.kind} ${s.containerName}`)).toEqual([`exited ${appName}`, `removed ${appName}`]);
    expect(after.steps[8]!.exitCode).toBe(137);
    // The app is gone; the sandbox's namespaces are still what the kernel says.
    expect(after.steps[1]!.namespaces.find((n) => n.type === "net")?.id).toBe(nsLink(sandboxPid, "net"));
  });

  it("answers 400 for a malformed pod id and 404 for a pod that is not there", async () => {
    const bad = await rawRequest("GET", "/api/pods/not-an-id/timeline", { Host: base.host });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toHaveProperty("error", "Invalid pod id");
    const missing = await rawRequest("GET", `/api/pods/${"0".repeat(64)}/timeline`, { Host: base.host });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toHaveProperty("error", "No such pod");
  });
});

describe("the event stream of a server with no engine, and at its shutdown", () => {
  const endpoint = `unix:///nonexistent-${process.pid}/docker.sock`;
  let server: ExtraServer;
  beforeAll(async () => {
    server = await startExtraServer(1, { DOCKER_HOST: endpoint });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("says why no events arrive, and keeps retrying with backoff", async () => {
    const { stream, status } = await EventStream.open(server.url);
    expect(status).toBe(200);
    const second = await stream.next("feed: second failed attempt", (f) => {
      if (f.type !== "feed") return undefined;
      const { feed } = JSON.parse(f.data) as { feed: EngineFeed };
      return feed.state === "reconnecting" && feed.failures === 2 ? feed : undefined;
    });
    expect(second.value).toEqual({ state: "reconnecting", failures: 2, retryInMs: 1000, reason: `No Docker socket at ${endpoint}.` });
    stream.close();
  });

  it("ends its open streams on SIGTERM, so the server exits without being killed", async () => {
    const { stream } = await EventStream.open(server.url);
    await stream.feed();
    await server.stop(); // SIGTERM; SIGKILL after 10 s if the server does not exit by itself
    // A stream cut by SIGKILL would lack its last chunk.
    expect(await stream.ended).toBe(true);
  });
});
