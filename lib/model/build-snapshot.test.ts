import fs from "node:fs";
import path from "node:path";
import type { ContainerInspectInfo } from "dockerode";
import { describe, expect, it } from "vitest";
import { toContainerFacts } from "@/lib/server/docker";
import { buildSnapshot } from "./build-snapshot";
import type { EngineStatus, HostFacts, ProcessFacts } from "./types";

/** Recorded from a real demo pod by `npm run record-fixtures` (test/fixtures/demo-pod). */
const dir = path.join(__dirname, "..", "..", "test", "fixtures", "demo-pod");
const load = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as T;
const inspect = load<ContainerInspectInfo[]>("inspect.json");
const processes = load<ProcessFacts[]>("processes.json");
const host = load<HostFacts>("host.json");
const engine = load<EngineStatus>("engine.json");

const build = (skipped: { pid: number; reason: string }[] = []) =>
  buildSnapshot({
    takenAt: "2026-11-22T04:40:00.000Z",
    host,
    engine,
    containers: inspect.map(toContainerFacts),
    scan: { processes, skipped },
  });

const named = (s: ReturnType<typeof build>, suffix: string) => s.containers.find((c) => c.name.endsWith(suffix))!;

describe("buildSnapshot on a recorded demo pod", () => {
  const snapshot = build();

  it("finds one pod with the pause container as its sandbox and nginx + ghost as members", () => {
    expect(snapshot.pods).toHaveLength(1);
    const pod = snapshot.pods[0]!;
    expect(pod).toMatchObject({ name: "demo-recorded", source: "pod-anatomy", managed: true, k8sNamespace: null });
    expect(pod.sandboxId).toBe(named(snapshot, "-pause").id);
    expect(pod.memberIds.sort()).toEqual([named(snapshot, "-ghost").id, named(snapshot, "-nginx").id].sort());
  });

  it("gives each member net, ipc and pid shared with the sandbox, mnt and uts of its own, the rest the host's", () => {
    for (const suffix of ["-nginx", "-ghost"]) {
      const c = named(snapshot, suffix);
      expect(c.role).toBe("member");
      expect(c.sharedWithSandbox).toEqual(["ipc", "net", "pid"]);
      expect(c.own).toEqual(["mnt", "uts"]);
      expect(c.sharedWithHost).toEqual(["cgroup", "time", "user"]);
    }
    const pause = named(snapshot, "-pause");
    expect(pause.role).toBe("sandbox");
    expect(pause.sharedWithSandbox).toEqual([]);
    expect(pause.own).toEqual(["ipc", "mnt", "net", "pid", "uts"]);
  });

  it("links each member to the hub with the namespaces they share", () => {
    expect(snapshot.links).toHaveLength(2);
    for (const link of snapshot.links) {
      expect(link.sandboxId).toBe(named(snapshot, "-pause").id);
      expect(link.shared).toEqual(["ipc", "net", "pid"]);
    }
  });

  it("lists each namespace once, as readlink shows it, with the containers in it", () => {
    const pause = named(snapshot, "-pause");
    const net = snapshot.namespaces.find((n) => n.id === `net:[${pause.namespaces.net}]`)!;
    expect(net.containerIds).toHaveLength(3);
    expect(net.isHost).toBe(false);
    const hostNet = snapshot.namespaces.find((n) => n.inode === host.namespaces.net)!;
    expect(hostNet).toMatchObject({ type: "net", isHost: true, containerIds: [] });
    expect(new Set(snapshot.namespaces.map((n) => n.id)).size).toBe(snapshot.namespaces.length);
  });

  it("assigns processes to containers by the id in their cgroup, and shows pause as PID 1 of the pod", () => {
    const pause = named(snapshot, "-pause");
    expect(pause.processIds).toEqual([pause.pid]);
    expect(snapshot.processes.find((p) => p.pid === pause.pid)!.nspid.at(-1)).toBe(1);
    const hostProcess = snapshot.processes.find((p) => p.pid === host.namespacesFrom)!;
    expect(hostProcess.containerId).toBeNull();
    expect(pause.cgroups.every((g) => g.path === `/docker/${pause.id}`)).toBe(true);
  });

  it("says which images are stand-ins, from the container's label", () => {
    expect(snapshot.containers.every((c) => c.imageSource === "stand-in")).toBe(true);
  });

  it("counts skipped processes and unreadable containers as warnings, never errors", () => {
    const ghost = named(snapshot, "-ghost");
    const withGone = buildSnapshot({
      takenAt: "t",
      host,
      engine,
      containers: inspect.map(toContainerFacts),
      scan: { processes: processes.filter((p) => p.pid !== ghost.pid), skipped: [{ pid: ghost.pid!, reason: "vanished" }] },
    });
    expect(withGone.warnings.map((w) => [w.code, w.count])).toEqual([
      ["container-unreadable", 1],
      ["proc-skipped", 1],
    ]);
    const gone = withGone.containers.find((c) => c.id === ghost.id)!;
    expect(gone.namespaces).toEqual({});
    expect(gone.podId).toBe(named(snapshot, "-pause").id); // still in its pod, by its container: mode
  });
});

describe("toContainerFacts on recorded docker inspect JSON", () => {
  it("reshapes the engine's fields into ours", () => {
    const pause = toContainerFacts(inspect.find((c) => c.Name.endsWith("-pause"))!);
    expect(pause.name).toBe("demo-recorded-pause");
    expect(pause.ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8880 }]);
    expect(pause.ipcMode).toBe("shareable");
    const nginx = toContainerFacts(inspect.find((c) => c.Name.endsWith("-nginx"))!);
    expect(nginx.networkMode).toBe(`container:${pause.id}`);
    expect(nginx.pidMode).toBe(`container:${pause.id}`);
    expect(nginx.ports).toEqual([]);
    expect(nginx.pid).toBeGreaterThan(0);
  });
});
