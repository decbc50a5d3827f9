import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { ContainerEvent } from "./engine-events";
import { EventHistory } from "./event-history";
import { buildTimeline, describeExit } from "./pod-timeline";
import { parsePodmanEventLine } from "./podman-facts";
import { LABEL_POD, type Container, type Pod } from "./types";
import * as build from "@/test/support/model-builders";
import { IMAGE, MEMBER, recordedEvents as events, SANDBOX } from "@/test/support/recorded-events";

describe("describeExit", () => {
  it("explains exit codes as Docker reports them", () => {
    expect(describeExit(137)).toBe("exit code 137 = 128 + 9: killed by signal 9 (SIGKILL)");
    expect(describeExit(143)).toBe("exit code 143 = 128 + 15: killed by signal 15 (SIGTERM)");
    expect(describeExit(0)).toBe("exit code 0: it ended normally");
    expect(describeExit(1)).toBe("exit code 1: it failed");
  });
});

const NS = { cgroup: 4026531835, ipc: 4026532301, mnt: 4026532299, net: 4026532304, pid: 4026532302, uts: 4026532300, user: 4026531837 };

function container(over: Partial<Container> & Pick<Container, "id" | "name">): Container {
  return build.container({
    image: IMAGE,
    created: "2026-11-22T04:55:44.5Z",
    modes: { network: "none", ipc: "shareable", pid: "", uts: "", cgroupParent: "" },
    podId: SANDBOX,
    role: "sandbox",
    ...over,
  });
}

const sandbox = container({
  id: SANDBOX,
  name: "fable-sb",
  pid: 4242,
  namespaces: NS,
  sharedWithHost: ["cgroup", "user"],
  own: ["ipc", "mnt", "net", "pid", "uts"],
});
const pod: Pod = build.pod({ id: SANDBOX, name: "fable-sb", source: "inferred", managed: false });
const joinModes = { network: `container:${SANDBOX}`, ipc: `container:${SANDBOX}`, pid: `container:${SANDBOX}` };

function historyOf(list: ContainerEvent[]): EventHistory {
  const history = new EventHistory();
  for (const e of list) history.add(e);
  return history;
}

describe("buildTimeline", () => {
  it("tells the recorded pod's story: sandbox, namespaces, a member joining, its death and removal", () => {
    const history = historyOf(events.slice(0, 7));
    history.setModes(MEMBER, joinModes); // what the hub reads on create
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: history.oldestTime() });

    expect(timeline.steps.map((s) => `${s.kind} ${s.containerName}`)).toEqual([
      "sandbox-created fable-sb",
      "namespaces-created fable-sb",
      "created fable-mem",
      "joined fable-mem",
      "started fable-mem",
      "exited fable-mem",
      "removed fable-mem",
    ]);
    expect(timeline.complete).toBe(true);
    expect(timeline.historyFrom).toBe(events[0]!.time);

    const [, nsCreated, created, joined, , exited] = timeline.steps;
    // The kernel's inodes, in the order the story tells, with where they were read.
    expect(nsCreated!.namespaces).toEqual([
      { type: "net", id: "net:[4026532304]" },
      { type: "ipc", id: "ipc:[4026532301]" },
      { type: "pid", id: "pid:[4026532302]" },
      { type: "uts", id: "uts:[4026532300]" },
      { type: "mnt", id: "mnt:[4026532299]" },
    ]);
    expect(nsCreated!.sources).toContain("/proc/4242/ns/net");
    expect(nsCreated!.timeNano).toBe("1795323344752382117");
    expect(created!.detail).toBe(
      "Created to join fable-sb: HostConfig.NetworkMode=container:fable-sb, HostConfig.IpcMode=container:fable-sb, HostConfig.PidMode=container:fable-sb.",
    );
    // The member is gone: what it joined comes from its modes, inodes are no longer readable.
    expect(joined!.title).toBe("fable-mem joined fable-sb's net, ipc, pid");
    expect(joined!.namespaces).toEqual([
      { type: "net", id: null },
      { type: "ipc", id: null },
      { type: "pid", id: null },
    ]);
    expect(exited!.exitCode).toBe(137);
    expect(exited!.detail).toContain("killed by signal 9 (SIGKILL)");
    expect(new Set(timeline.steps.map((s) => s.id)).size).toBe(timeline.steps.length);
  });

  it("leaves out a removed container nothing ties to the pod, and includes one our labels tie to it", () => {
    const history = historyOf(events.slice(0, 7)); // no modes read for the member
    const alone = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: null });
    expect(alone.steps.map((s) => s.kind)).toEqual(["sandbox-created", "namespaces-created"]);

    const labelled = historyOf(events.slice(0, 7).map((e) => ({ ...e, labels: { ...e.labels, [LABEL_POD]: "demo-1" } })));
    const withLabels = buildTimeline({
      pod,
      containers: [{ ...sandbox, labels: { [LABEL_POD]: "demo-1" } }],
      records: labelled.records(),
      historyFrom: null,
    });
    expect(withLabels.steps.map((s) => s.kind)).toEqual(["sandbox-created", "namespaces-created", "created", "started", "exited", "removed"]);
  });

  it("takes a running member's sharing from the kernel: the sandbox's inodes, and its own mnt and uts", () => {
    const member = container({
      id: MEMBER,
      name: "fable-mem",
      role: "member",
      pid: 4300,
      modes: { ...joinModes, uts: "", cgroupParent: "" },
      namespaces: { ...NS, mnt: 4026532400, uts: 4026532401 },
      sharedWithSandbox: ["ipc", "net", "pid"],
      sharedWithHost: ["cgroup", "user"],
      own: ["mnt", "uts"],
    });
    const history = historyOf(events.slice(0, 4));
    const timeline = buildTimeline({ pod: { ...pod, memberIds: [MEMBER] }, containers: [sandbox, member], records: history.records(), historyFrom: null });
    const joined = timeline.steps.find((s) => s.kind === "joined")!;
    const started = timeline.steps.find((s) => s.kind === "started")!;
    expect(joined.namespaces).toEqual([
      { type: "net", id: "net:[4026532304]" },
      { type: "ipc", id: "ipc:[4026532301]" },
      { type: "pid", id: "pid:[4026532302]" },
    ]);
    expect(joined.sources).toEqual(["docker events: container start", "/proc/4300/ns/net", "/proc/4300/ns/ipc", "/proc/4300/ns/pid"]);
    expect(started.namespaces).toEqual([
      { type: "uts", id: "uts:[4026532401]" },
      { type: "mnt", id: "mnt:[4026532400]" },
    ]);
    expect(started.detail).toBe("Its process runs (host PID 4300) in new namespaces of its own: uts (its own hostname), mnt (its own filesystem).");
  });

  it("attaches inodes only to the latest start of a restarted sandbox", () => {
    const restart = { ...events[1]!, timeNano: "1795323350000000000", time: 1795323350000 };
    const history = historyOf([events[0]!, events[1]!, { ...events[8]!, containerId: SANDBOX }, restart]);
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: null });
    const starts = timeline.steps.filter((s) => s.kind === "namespaces-created");
    expect(starts).toHaveLength(2);
    expect(starts[0]!.namespaces.every((n) => n.id === null)).toBe(true);
    expect(starts[0]!.namespaces.map((n) => n.type)).toEqual(["net", "ipc", "pid", "uts", "mnt"]); // from its modes
    expect(starts[1]!.namespaces.every((n) => n.id !== null)).toBe(true);
  });

  it("says when the history does not reach back to the pod's creation", () => {
    const history = historyOf([events[1]!]);
    const timeline = buildTimeline({ pod, containers: [sandbox], records: history.records(), historyFrom: events[1]!.time });
    expect(timeline.complete).toBe(false);
    expect(timeline.steps.map((s) => s.kind)).toEqual(["namespaces-created"]);
  });
});

describe("buildTimeline of a Podman pod (its events as sent: test/fixtures/podman/events-steps.ndjson)", () => {
  const lines = fs.readFileSync("test/fixtures/podman/events-steps.ndjson", "utf8").split("\n").filter(Boolean);
  const podmanEvents = lines.flatMap((l) => parsePodmanEventLine(l)?.event ?? []);
  const INFRA = "c5c1eaf23f791d3b627880f840f5cad2800932c0f48f7841e78e930be79d16a6";
  const joinsInfra = { network: `container:${INFRA}`, ipc: `container:${INFRA}`, pid: `container:${INFRA}`, uts: `container:${INFRA}`, cgroupParent: "" };
  const infra = build.container({
    id: INFRA,
    name: "demo-a1b2c3-pause",
    runtime: "podman",
    role: "sandbox",
    podId: INFRA,
    modes: { network: "bridge", ipc: "shareable", pid: "private", uts: "private", cgroupParent: "" },
  });
  const podmanPod = build.pod({ id: INFRA, name: "demo-a1b2c3" });

  it("tells its steps in Podman's words, removed members included (their modes read on create)", () => {
    const history = historyOf(podmanEvents);
    for (const r of history.records()) if (r.containerId !== INFRA) history.setModes(r.containerId, joinsInfra);
    const timeline = buildTimeline({ pod: podmanPod, containers: [infra], records: history.records(), historyFrom: history.oldestTime() });
    expect(timeline.steps.map((s) => `${s.kind} ${s.containerName}`)).toEqual([
      "sandbox-created demo-a1b2c3-pause",
      "namespaces-created demo-a1b2c3-pause",
      "created demo-a1b2c3-nginx",
      "joined demo-a1b2c3-nginx",
      "started demo-a1b2c3-nginx",
      "created demo-a1b2c3-ghost",
      "joined demo-a1b2c3-ghost",
      "started demo-a1b2c3-ghost",
      "exited demo-a1b2c3-pause",
      "exited demo-a1b2c3-ghost",
      "exited demo-a1b2c3-nginx",
      "removed demo-a1b2c3-nginx",
      "removed demo-a1b2c3-ghost",
      "removed demo-a1b2c3-pause",
    ]);
    const [sbCreated, , created, joined] = timeline.steps;
    expect(sbCreated!.detail).toBe("Podman created the pod's infra container from localhost/podman-pause:4.3.1-0. Nothing runs yet: no process, no namespaces.");
    expect(created!.detail).toBe(
      "Created in demo-a1b2c3-pause's pod: Podman set its HostConfig.NetworkMode, IpcMode, PidMode and UTSMode to container:c5c1eaf23f79 (the pod's infra container).",
    );
    expect(created!.sources).toEqual(["podman events: container create", ...["NetworkMode", "IpcMode", "PidMode", "UTSMode"].map((f) => `podman inspect: HostConfig.${f}`)]);
    expect(joined!.title).toBe("demo-a1b2c3-nginx joined demo-a1b2c3-pause's net, ipc, pid, uts");
    const ghostExit = timeline.steps.find((s) => s.kind === "exited" && s.containerName.endsWith("ghost"))!;
    expect(ghostExit.exitCode).toBe(143);
    expect(ghostExit.sources).toEqual(["podman events: container died (containerExitCode 143)"]);
    expect(timeline.steps.find((s) => s.kind === "removed")!.detail).toContain("Podman removed the container");
    expect(timeline.steps.flatMap((s) => s.sources).some((s) => s.startsWith("docker"))).toBe(false);
  });
});
