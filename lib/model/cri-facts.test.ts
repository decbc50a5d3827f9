import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  classifyCriError,
  criRuntimeOf,
  criRuntimeStatus,
  criUnreachableStatus,
  isoFromNanos,
  sandboxName,
  toCriContainerFacts,
  type CriContainer,
  type CriContainerStatusResponse,
  type CriPodSandbox,
  type CriPodSandboxStatusResponse,
  type CriVersion,
} from "./cri-facts";

/** Recorded from a real containerd 1.6 by scripts/record-cri-fixtures.ts. */
const dir = path.join(process.cwd(), "test", "fixtures", "cri");
const load = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as T;
const version = load<CriVersion>("version.json");
const sandboxes = load<CriPodSandbox[]>("list-pod-sandbox.json");
const sandboxStatuses = load<CriPodSandboxStatusResponse[]>("pod-sandbox-status.json");
const containers = load<CriContainer[]>("list-containers.json");
const containerStatuses = load<CriContainerStatusResponse[]>("container-status.json");
const errors = load<Record<string, { socket: string; code: number; details: string }>>("errors.json");

const infoOf = (r: { info: Record<string, string> }) => JSON.parse(r.info.info!) as { pid: number; image?: string };

function facts() {
  return toCriContainerFacts(
    sandboxes.map((sandbox) => ({ sandbox, status: sandboxStatuses.find((s) => s.status?.id === sandbox.id) ?? null })),
    containers.map((container) => ({ container, status: containerStatuses.find((s) => s.status?.id === container.id) ?? null })),
    criRuntimeOf(version.runtime_name),
  );
}

describe("toCriContainerFacts on a recorded demo pod", () => {
  it("makes the sandbox a container of its own: <pod>-POD, the sandbox image, the pause PID, pod.isSandbox", () => {
    const all = facts();
    const sb = all.find((c) => c.pod?.isSandbox)!;
    const raw = sandboxes[0]!;
    expect(sb.id).toBe(raw.id);
    expect(sb.name).toBe(sandboxName(raw.metadata!.name));
    expect(sb.name).toBe("demo-recorded-POD");
    expect(sb.image).toBe(infoOf(sandboxStatuses[0]!).image);
    expect(sb.pid).toBe(infoOf(sandboxStatuses[0]!).pid);
    expect(sb.pod).toEqual({
      sandboxId: raw.id,
      isSandbox: true,
      name: "demo-recorded",
      namespace: "pod-anatomy",
      uid: raw.metadata!.uid,
      attempt: 0,
      state: "ready",
    });
    expect(sb.cgroupParent).toBe(`/kubepods/burstable/pod${raw.metadata!.uid}`);
    expect(sb.ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8881 }]);
    expect(sb.runtime).toBe("containerd");
    expect(sb.discoveredBy).toBe("engine");
    expect(sb.created).toBe(new Date(Number(raw.created_at.slice(0, -6))).toISOString());
  });

  it("gives each container its name, image, state, pid and the sandbox it belongs to", () => {
    const all = facts();
    const sandboxId = sandboxes[0]!.id;
    const members = all.filter((c) => !c.pod?.isSandbox);
    expect(members.map((c) => c.name).sort()).toEqual(["ghost", "nginx"]);
    for (const m of members) {
      const raw = containers.find((c) => c.id === m.id)!;
      const st = containerStatuses.find((s) => s.status?.id === m.id)!;
      expect(m.pod?.sandboxId).toBe(sandboxId);
      expect(m.pod?.isSandbox).toBe(false);
      expect(m.image).toBe(raw.image!.image);
      expect(m.state).toBe("running");
      expect(m.pid).toBe(infoOf(st).pid);
      expect(m.labels["io.kubernetes.container.name"]).toBe(m.name);
      expect(m.attempt).toBe(0);
      // The demo pod shares net, ipc and pid with its sandbox: POD in the sandbox's namespace options.
      expect([m.networkMode, m.ipcMode, m.pidMode, m.utsMode]).toEqual(["pod", "pod", "pod", "pod"]);
      expect(m.cgroupParent).toBe(`/kubepods/burstable/pod${sandboxes[0]!.metadata!.uid}`);
      expect(m.exitCode).toBeUndefined();
    }
  });

  it("maps the container states and keeps the exit code of an exited container", () => {
    const raw = containers[0]!;
    const st = containerStatuses.find((s) => s.status?.id === raw.id)!;
    const exited = toCriContainerFacts([], [{ container: { ...raw, state: "CONTAINER_EXITED" }, status: { ...st, status: { ...st.status!, state: "CONTAINER_EXITED", exit_code: 3 } } }], "containerd");
    expect(exited[0]).toMatchObject({ state: "exited", exitCode: 3, pid: null });
    const timed = toCriContainerFacts([], [{ container: { ...raw, state: "CONTAINER_EXITED" }, status: { ...st, status: { ...st.status!, state: "CONTAINER_EXITED", exit_code: 0, started_at: "1700000000123456789", finished_at: "1700000002000000000" } } }], "containerd");
    expect(timed[0]).toMatchObject({ exitCode: 0, startedAt: "2023-11-14T22:13:20.123Z", finishedAt: "2023-11-14T22:13:22.000Z" });
    const created = toCriContainerFacts([], [{ container: { ...raw, state: "CONTAINER_CREATED" }, status: null }], "containerd");
    expect(created[0]).toMatchObject({ state: "created", pid: null });
    expect(created[0]!.pod).toBeUndefined();
    const unknown = toCriContainerFacts([], [{ container: { ...raw, state: "CONTAINER_UNKNOWN" }, status: null }], "containerd");
    expect(unknown[0]!.state).toBe("unknown");
  });

  it("says host for NODE namespaces and notready for a stopped sandbox (no pid then)", () => {
    const st = sandboxStatuses[0]!;
    const hostStatus: CriPodSandboxStatusResponse = {
      ...st,
      status: { ...st.status!, linux: { namespaces: { options: { network: "NODE", pid: "NODE", ipc: "NODE" } } } },
    };
    const [sb] = toCriContainerFacts([{ sandbox: { ...sandboxes[0]!, state: "SANDBOX_NOTREADY" }, status: hostStatus }], [], "containerd", "kind-control-plane");
    expect([sb!.networkMode, sb!.ipcMode, sb!.pidMode, sb!.utsMode]).toEqual(["host", "host", "host", "host"]);
    expect(sb!.pod?.state).toBe("notready");
    expect(sb!.pid).toBeNull();
    expect(sb!.node).toBe("kind-control-plane");
  });

  it("reads time stamps in nanoseconds", () => {
    expect(isoFromNanos("1796154267349244959")).toBe(new Date(1796154267349).toISOString());
    expect(isoFromNanos("0")).toBe("");
    expect(isoFromNanos("")).toBe("");
  });
});

describe("runtime status and failures", () => {
  const ref = { id: "cri:/run/containerd/containerd.sock", endpoint: "unix:///run/containerd/containerd.sock", node: null };

  it("maps Version", () => {
    expect(criRuntimeStatus(ref, version)).toEqual({
      ...ref,
      kind: "cri",
      runtime: "containerd",
      name: "containerd (CRI)",
      state: "ok",
      version: version.runtime_version,
      apiVersion: "v1",
      reason: null,
      message: null,
      hint: null,
    });
    expect(criRuntimeOf("cri-o")).toBe("cri-o");
    expect(criRuntimeOf("something")).toBe("unknown");
  });

  it.each([
    ["socket-missing", "socket-missing"],
    ["no-daemon", "no-daemon"],
    ["wrong-api", "wrong-api"],
  ] as const)("classifies the recorded %s error", (name, reason) => {
    const e = errors[name]!;
    const failure = classifyCriError(e, e.socket);
    expect(failure.reason).toBe(reason);
    expect(failure.message).toContain(e.socket);
    expect(failure.hint.length).toBeGreaterThan(10);
    expect(criUnreachableStatus(ref, failure)).toMatchObject({ state: "unreachable", reason, version: null });
  });

  it("classifies permission denied and deadlines", () => {
    expect(classifyCriError({ code: 14, details: "No connection established. Last error: Error: connect EACCES /s.sock" }, "/s.sock").reason).toBe("permission-denied");
    expect(classifyCriError({ code: 4, details: "Deadline exceeded after 1.501s" }, "/s.sock").reason).toBe("timeout");
    expect(classifyCriError({ code: 2, details: "boom" }, "/s.sock")).toMatchObject({ reason: "error", message: expect.stringContaining("boom") });
  });
});
