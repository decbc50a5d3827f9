/**
 * cri-events on the CRI answers recorded from containerd (test/fixtures/cri/, by
 * scripts/record-cri-fixtures.ts): the demo pod's sandbox and its nginx and ghost, polled
 * into ContainerEvents timed by the CRI's own created_at / started_at / finished_at.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { criChangeEvents, criJoinModes, criPollChanges, criSeen, type CriChangeDetail, type CriPollChange, type CriSeen } from "./cri-events";
import type { CriContainer, CriContainerStatusResponse, CriPodSandbox, CriPodSandboxStatusResponse } from "./cri-facts";
import { EventHistory } from "./event-history";
import { buildTimeline } from "./pod-timeline";
import * as build from "@/test/support/model-builders";

const read = <T>(name: string): T => JSON.parse(fs.readFileSync(`test/fixtures/cri/${name}`, "utf8")) as T;
const sandboxes = read<CriPodSandbox[]>("list-pod-sandbox.json");
const containers = read<CriContainer[]>("list-containers.json");
const statuses = read<CriContainerStatusResponse[]>("container-status.json");
const sandboxStatus = read<CriPodSandboxStatusResponse[]>("pod-sandbox-status.json")[0]!;
const SANDBOX = sandboxes[0]!.id;
const NGINX = containers.find((c) => c.metadata?.name === "nginx")!;
const statusOf = (id: string) => statuses.find((s) => s.status?.id === id)!.status;
const OBSERVED = "1796154700000000000";

/** Every change of one poll to the next, with the details the adapter would have asked. */
function events(before: Map<string, CriSeen>, now: Map<string, CriSeen>, detail: (c: CriPollChange) => CriChangeDetail = () => ({})) {
  return criPollChanges(before, now).flatMap((c) => criChangeEvents(c, detail(c), OBSERVED));
}

describe("criPollChanges", () => {
  it("new, changed state, gone: as the poll's actions say them", () => {
    const now = criSeen(sandboxes, containers);
    const exited = criSeen(sandboxes, containers.map((c) => (c.id === NGINX.id ? { ...c, state: "CONTAINER_EXITED" as const } : c)));
    expect(criPollChanges(new Map(), now).map((c) => c.action)).toEqual(["create", "create", "create"]);
    expect(criPollChanges(now, exited).map((c) => [c.id, c.action])).toEqual([[NGINX.id, "exited"]]);
    expect(criPollChanges(now, criSeen(sandboxes, [])).map((c) => c.action)).toEqual(["destroy", "destroy"]);
  });
});

describe("criChangeEvents (recorded)", () => {
  const all = events(new Map(), criSeen(sandboxes, containers), (c) =>
    c.now?.kind === "container" ? { status: statusOf(c.id) } : { sandboxImage: "docker.io/pod-anatomy/cri-sandbox:pause" },
  );

  it("a new sandbox: created and started by one RunPodSandbox, both at its created_at", () => {
    const sb = all.filter((e) => e.containerId === SANDBOX);
    expect(sb.map((e) => [e.action, e.timeNano])).toEqual([
      ["create", "1796154617619397120"],
      ["start", "1796154617619397120"],
    ]);
    expect(sb[0]).toMatchObject({ name: "demo-recorded-POD", image: "docker.io/pod-anatomy/cri-sandbox:pause", runtime: "cri", exitCode: null });
    expect(sb[0]!.source).toBe("CRI ListPodSandbox (poll, 1 s): new sandbox, created_at");
    expect(sb[1]!.source).toContain("RunPodSandbox creates and starts the sandbox in one call");
    expect(sb[0]!.labels["io.pod-anatomy.pod"]).toBe("demo-recorded");
  });

  it("a new running container: created at created_at, started at its status's started_at", () => {
    const nginx = all.filter((e) => e.containerId === NGINX.id);
    expect(nginx.map((e) => [e.action, e.timeNano, e.source])).toEqual([
      ["create", "1796154618171167465", "CRI ListContainers (poll, 1 s): new container CONTAINER_RUNNING, created_at"],
      ["start", "1796154618352765530", "CRI ContainerStatus (poll, 1 s): state CONTAINER_RUNNING, started_at"],
    ]);
    expect(nginx[1]!.time).toBe(1796154618352.765);
    expect(nginx[0]).toMatchObject({ name: "nginx", image: "pod-anatomy/nginx-stand-in:2b4469eb3b75" });
  });

  it("an exit: at finished_at, with the exit code ContainerStatus gives", () => {
    const before = criSeen(sandboxes, containers);
    const now = criSeen(sandboxes, containers.map((c) => (c.id === NGINX.id ? { ...c, state: "CONTAINER_EXITED" as const } : c)));
    const status = { ...statusOf(NGINX.id)!, state: "CONTAINER_EXITED" as const, finished_at: "1796154690123456789", exit_code: 143 };
    const [die, ...rest] = events(before, now, () => ({ status }));
    expect(rest).toEqual([]);
    expect(die).toMatchObject({ action: "die", timeNano: "1796154690123456789", exitCode: 143, containerId: NGINX.id });
    expect(die!.source).toBe("CRI ContainerStatus (poll, 1 s): state CONTAINER_EXITED, finished_at, exit_code 143");
  });

  it("a container that started and exited between two polls: created, started, exited, each at its own time", () => {
    const now = criSeen([], [{ ...NGINX, state: "CONTAINER_EXITED" }]);
    const status = { ...statusOf(NGINX.id)!, state: "CONTAINER_EXITED" as const, finished_at: "1796154618400000000", exit_code: 3 };
    expect(events(new Map(), now, () => ({ status })).map((e) => [e.action, e.timeNano, e.exitCode])).toEqual([
      ["create", "1796154618171167465", null],
      ["start", "1796154618352765530", null],
      ["die", "1796154618400000000", 3],
    ]);
  });

  it("a running container removed between polls: its end and removal, timed by the poll, exit code unknown", () => {
    const before = criSeen(sandboxes, containers);
    const now = criSeen(sandboxes, containers.filter((c) => c.id !== NGINX.id));
    const got = events(before, now);
    expect(got.map((e) => [e.action, e.timeNano, e.exitCode])).toEqual([
      ["die", OBSERVED, null],
      ["destroy", OBSERVED, null],
    ]);
    expect(got[0]!.source).toContain("its end not seen: timed by this poll, exit code unknown");
    expect(got[1]!.source).toBe("CRI ListContainers (poll, 1 s): no longer listed (the CRI gives no time: timed by this poll)");
    expect(got[1]!.name).toBe("nginx"); // from the last poll that saw it
  });

  it("an exited container removed: only its removal", () => {
    const exited = containers.map((c) => ({ ...c, state: "CONTAINER_EXITED" as const }));
    expect(events(criSeen([], exited), criSeen([], [])).map((e) => e.action)).toEqual(["destroy", "destroy"]);
  });

  it("a state change whose status could not be had (gone meanwhile): the list's state, timed by the poll", () => {
    const before = criSeen([], [{ ...NGINX, state: "CONTAINER_CREATED" }]);
    const now = criSeen([], [NGINX]);
    const [start] = events(before, now, () => ({ status: null }));
    expect(start).toMatchObject({ action: "start", timeNano: OBSERVED });
    expect(start!.source).toBe("CRI ListContainers (poll, 1 s): state CONTAINER_RUNNING (no started_at: timed by this poll)");
  });

  it("a sandbox stopped: SANDBOX_NOTREADY, timed by the poll (the CRI gives no time)", () => {
    const before = criSeen(sandboxes, []);
    const now = criSeen(sandboxes.map((s) => ({ ...s, state: "SANDBOX_NOTREADY" as const })), []);
    expect(events(before, now).map((e) => [e.action, e.timeNano, e.exitCode])).toEqual([["die", OBSERVED, null]]);
  });
});

describe("criJoinModes", () => {
  it("the sandbox's NamespaceOption in our words: POD is shared with the sandbox, uts follows network", () => {
    expect(criJoinModes(sandboxStatus.status!.linux!.namespaces!.options)).toEqual({ network: "pod", ipc: "pod", pid: "pod", uts: "pod" });
    expect(criJoinModes({ network: "NODE", ipc: "POD", pid: "CONTAINER" })).toEqual({ network: "host", ipc: "pod", pid: "private", uts: "host" });
    expect(criJoinModes(null)).toBeNull();
  });
});

describe("buildTimeline of a CRI pod", () => {
  const all = events(new Map(), criSeen(sandboxes, containers), (c) => (c.now?.kind === "container" ? { status: statusOf(c.id) } : {}));
  const modes = { network: "pod", ipc: "pod", pid: "pod", uts: "pod", cgroupParent: "" };
  const sandbox = build.container({ id: SANDBOX, name: "demo-recorded-POD", runtime: "containerd", role: "sandbox", podId: SANDBOX, modes, labels: sandboxes[0]!.labels });
  const members = containers.map((c) =>
    build.container({ id: c.id, name: c.metadata!.name, runtime: "containerd", role: "member", podId: SANDBOX, modes, labels: c.labels }),
  );
  const pod = build.pod({ id: SANDBOX, name: "demo-recorded", memberIds: members.map((m) => m.id) });

  it("tells it in the CRI's words: RunPodSandbox, NamespaceMode POD, the poll as the source", () => {
    const history = new EventHistory();
    for (const e of all) history.add(e);
    const timeline = buildTimeline({ pod, containers: [sandbox, ...members], records: history.records(), historyFrom: history.oldestTime() });
    expect(timeline.steps.map((s) => `${s.kind} ${s.containerName}`)).toEqual([
      "sandbox-created demo-recorded-POD",
      "namespaces-created demo-recorded-POD",
      "created nginx",
      "joined nginx",
      "started nginx",
      "created ghost",
      "joined ghost",
      "started ghost",
    ]);
    expect(timeline.complete).toBe(true);
    const [created, createdNginx, joined] = [timeline.steps[0]!, timeline.steps[2]!, timeline.steps[3]!];
    expect(created.detail).toContain("RunPodSandbox made the pod's sandbox");
    expect(createdNginx.detail).toBe(
      "CreateContainer put it in sandbox demo-recorded-POD, whose NamespaceOption says network=POD, ipc=POD, pid=POD: it shares the sandbox's net, ipc, pid, uts.",
    );
    expect(createdNginx.sources).toEqual([
      "CRI ListContainers (poll, 1 s): new container CONTAINER_RUNNING, created_at",
      "CRI NamespaceOption.network=POD",
      "CRI NamespaceOption.ipc=POD",
      "CRI NamespaceOption.pid=POD",
      "CRI NamespaceOption.network=POD (uts follows network)",
    ]);
    // Not running in this test (no pid): what it joined follows from its modes.
    expect(joined.title).toBe("nginx joined demo-recorded-POD's net, ipc, pid, uts");
    expect(timeline.steps.flatMap((s) => s.sources).some((s) => s.includes("docker") || s.includes("HostConfig"))).toBe(false);
  });
});
