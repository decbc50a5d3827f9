import { describe, expect, it } from "vitest";
import { container, pod, proc, snapshot } from "@/test/support/model-builders";
import { probeChanges, stepChanges } from "./step-changes";
import { LABEL_POD_SIZE, LABEL_ROLE, type Container, type Snapshot } from "./types";

const host = { hostname: "h", kernel: "6.1", cgroupVersion: "hybrid" as const, namespaces: { net: 1, ipc: 2, pid: 3, uts: 4 }, namespacesFrom: 1 };
const port = { containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8884 };
const labels = (role: string) => ({ [LABEL_ROLE]: role, [LABEL_POD_SIZE]: "3" });
const ns = (type: string, inode: number, ids: string[]) => ({ id: `${type}:[${inode}]`, type: type as "net", inode, containerIds: ids, isHost: false });

const infra = container({ id: "s", runtime: "podman", role: "sandbox", podId: "s", image: "localhost/podman-pause:4.3.1-0", pid: 10, ports: [port], labels: labels("sandbox"), namespaces: { net: 50, ipc: 51, pid: 52, uts: 53 } });
const nginx = container({ id: "n", runtime: "podman", role: "member", podId: "s", image: "nginx", pid: 20, labels: labels("app"), namespaces: { net: 50, ipc: 51, pid: 52, uts: 53 } });
const ghost = container({ id: "g", runtime: "podman", role: "member", podId: "s", image: "ghost", pid: 30, labels: labels("app"), namespaces: { net: 50, ipc: 51, pid: 52, uts: 53 } });
const podOf = (members: string[]) => pod({ id: "s", name: "demo-x", sandboxId: "s", memberIds: members });
const snap = (containers: Container[], over: Partial<Snapshot> = {}) => snapshot({ host, containers, ...over });

const afterSandbox = snap([infra], {
  pods: [podOf([])],
  namespaces: [ns("net", 50, ["s"]), ns("ipc", 51, ["s"]), ns("pid", 52, ["s"]), ns("uts", 53, ["s"])],
  processes: [proc({ pid: 10, containerId: "s", nspid: [10, 1], cmdline: ["/catatonit", "-P"] })],
});

describe("stepChanges: what the graph highlights after a step", () => {
  it("the sandbox's step: its new namespaces, its PID 1, the pod Pending, the port published", () => {
    const { changes, edges } = stepChanges(snap([]), afterSandbox);
    expect(edges).toEqual([]);
    expect(changes).toEqual([
      { kind: "namespace", containerId: "s", label: "new net ipc pid uts" },
      { kind: "pid1", containerId: "s", label: "PID 1: catatonit" },
      { kind: "phase", containerId: "s", label: "phase Pending" },
      { kind: "port", containerId: "s", label: "publishes 127.0.0.1:8884 → 80" },
    ]);
  });
  it("a member joining: the spoke it gained with the types it joined, no new PID 1, no phase change while containers are missing", () => {
    const after = snap([infra, nginx], { ...afterSandbox, containers: [infra, nginx], pods: [podOf(["n"])], processes: [...afterSandbox.processes, proc({ pid: 20, containerId: "n", nspid: [20, 2] })] });
    const { changes, edges } = stepChanges(afterSandbox, after);
    expect(edges).toEqual([{ sandboxId: "s", memberId: "n", shares: ["net", "ipc", "pid", "uts"] }]);
    expect(changes).toEqual([{ kind: "joined", containerId: "n", label: "joined net ipc pid uts" }]);
  });
  it("the last member: the phase Pending → Running on the sandbox", () => {
    const two = snap([infra, nginx], { ...afterSandbox, containers: [infra, nginx], pods: [podOf(["n"])] });
    const three = snap([infra, nginx, ghost], { ...afterSandbox, containers: [infra, nginx, ghost], pods: [podOf(["n", "g"])] });
    expect(stepChanges(two, three).changes).toContainEqual({ kind: "phase", containerId: "s", label: "Pending → Running" });
  });
  it("nothing changed: nothing highlighted", () => {
    expect(stepChanges(afterSandbox, afterSandbox)).toEqual({ changes: [], edges: [] });
  });
});

describe("probeChanges: what a probe showed", () => {
  const withProcs = snap([infra, nginx], { ...afterSandbox, containers: [infra, nginx], processes: [...afterSandbox.processes, proc({ pid: 20, containerId: "n", nspid: [20, 2] })] });
  it("ps: PID 1 in the member's ps, on the member; the sandbox as PID 1 of its pid namespace", () => {
    const out = "PID   PPID  STAT COMMAND\n    1     0 S    catatonit\n    2     0 S    nc\n";
    expect(probeChanges({ kind: "probe-ps" }, "n", out, withProcs).changes).toEqual([
      { kind: "probe", containerId: "n", label: "ps: PID 1 is catatonit" },
      { kind: "probe", containerId: "s", label: "PID 1 of n's pid namespace" },
    ]);
    expect(probeChanges({ kind: "probe-ps" }, "n", "sh: ps: not found\n", withProcs).changes).toEqual([]);
  });
  it("fetch: the page answered (its title), or nothing when it did not", () => {
    expect(probeChanges({ kind: "probe-fetch", port: 80 }, "n", "<html><title>Blog of pod demo-x</title></html>", withProcs).changes).toEqual([
      { kind: "probe", containerId: "n", label: ":80 answered: Blog of pod demo-x" },
    ]);
    expect(probeChanges({ kind: "probe-fetch", port: 80 }, "n", "", withProcs).changes).toEqual([]);
  });
});
