/**
 * podman-facts on the libpod answers recorded from Podman 4.3.1 by
 * scripts/record-podman-fixtures.ts: the demo pod (infra + nginx + ghost stand-ins) and a
 * container outside any pod that exited 3.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  explainPodmanError,
  podmanContainerFacts,
  parsePodmanEventLine,
  podmanContainerEvent,
  podmanEventChange,
  podmanJoinModes,
  podmanStatusFromPing,
  podmanStatusOk,
  START_PODMAN_SERVICE,
  type LibpodContainerInspect,
  type LibpodContainerListEntry,
  type LibpodPodListEntry,
  type LibpodVersion,
} from "./podman-facts";

const read = <T>(name: string): T => JSON.parse(fs.readFileSync(`test/fixtures/podman/${name}`, "utf8")) as T;
const pods = read<LibpodPodListEntry[]>("pods.json");
const list = read<LibpodContainerListEntry[]>("containers.json");
const inspects = new Map(Object.entries(read<Record<string, LibpodContainerInspect>>("inspect.json")));
const facts = podmanContainerFacts(pods, list, inspects);
const byName = (n: string) => facts.find((f) => f.name === n)!;
const INFRA = pods[0]!.InfraId;

describe("podmanContainerFacts (recorded)", () => {
  it("every container, with runtime podman, discovered by the engine", () => {
    expect(facts.map((f) => f.name).sort()).toEqual(["demo-recorded-ghost", "demo-recorded-nginx", "demo-recorded-pause", "pa-recorded-exited"]);
    for (const f of facts) expect(f).toMatchObject({ runtime: "podman", discoveredBy: "engine" });
  });

  it("the infra container is the pod's sandbox; the members name it as theirs", () => {
    const infra = byName("demo-recorded-pause");
    expect(infra.id).toBe(INFRA);
    expect(infra.image).toBe("localhost/podman-pause:4.3.1-0");
    expect(infra.labels).toMatchObject({ "io.pod-anatomy.role": "sandbox", "io.pod-anatomy.pod": "demo-recorded", "io.pod-anatomy.image-source": "real" }); // the pod's labels, copied by Podman
    expect(infra.pod).toEqual({ sandboxId: INFRA, isSandbox: true, name: "demo-recorded", namespace: null, uid: null, attempt: null, state: "Running" });
    for (const n of ["demo-recorded-nginx", "demo-recorded-ghost"]) {
      expect(byName(n).pod).toMatchObject({ sandboxId: INFRA, isSandbox: false, name: "demo-recorded", state: "Running" });
    }
  });

  it("modes as inspect says: the members join the infra's net, ipc, pid and uts", () => {
    const nginx = byName("demo-recorded-nginx");
    expect(nginx).toMatchObject({
      networkMode: `container:${INFRA}`,
      ipcMode: `container:${INFRA}`,
      pidMode: `container:${INFRA}`,
      utsMode: `container:${INFRA}`,
      cgroupParent: `/libpod_parent/${pods[0]!.Id}`,
    });
    expect(byName("demo-recorded-pause")).toMatchObject({ networkMode: "bridge", ipcMode: "shareable" });
  });

  it("the published port is on the infra container only", () => {
    expect(byName("demo-recorded-pause").ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8882 }]);
    expect(byName("demo-recorded-nginx").ports).toEqual([]);
  });

  it("pids of running containers, exit codes of exited ones, labels, created, image ids", () => {
    const nginx = byName("demo-recorded-nginx");
    expect(nginx.pid).toBeGreaterThan(1);
    expect(nginx.exitCode).toBeUndefined();
    expect(nginx.labels["io.pod-anatomy.role"]).toBe("app");
    expect(nginx.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(nginx.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const exited = byName("pa-recorded-exited");
    expect(exited).toMatchObject({ state: "exited", pid: null, exitCode: 3 });
    expect(exited.pod).toBeUndefined();
  });

  it("start and finish times and mounts from inspect; Go's zero time is no time", () => {
    const c = list[1]!;
    const inspect: LibpodContainerInspect = {
      Id: c.Id,
      State: { Status: "exited", StartedAt: "2026-01-01T10:00:00.123456789Z", FinishedAt: "0001-01-01T00:00:00Z" },
      Mounts: [{ Type: "volume", Name: "shared", Source: "/var/lib/containers/storage/volumes/shared/_data", Destination: "/work" }],
    };
    const [f] = podmanContainerFacts(pods, [c], new Map([[c.Id, inspect]]));
    expect(f!.startedAt).toBe("2026-01-01T10:00:00.123Z");
    expect(f!.finishedAt).toBeUndefined();
    expect(f!.mounts).toEqual([{ type: "volume", source: "shared", destination: "/work" }]);
  });

  it("a container without its inspect (removed meanwhile) keeps empty modes", () => {
    const [f] = podmanContainerFacts(pods, [list[1]!], new Map());
    expect(f).toMatchObject({ networkMode: "", ipcMode: "", cgroupParent: "" });
  });
});

describe("status", () => {
  it("from the _ping headers (quick) and from /version", () => {
    expect(podmanStatusFromPing(read("ping-headers.json"), "/run/podman/podman.sock")).toMatchObject({
      id: "podman",
      kind: "podman",
      runtime: "podman",
      state: "ok",
      version: "4.3.1",
      apiVersion: "4.3.1",
      reason: null,
    });
    expect(podmanStatusOk(read<LibpodVersion>("version.json"), "/s")).toMatchObject({ state: "ok", version: "4.3.1", apiVersion: "4.3.1" });
  });

  it("a server answering _ping without libpod's header is the wrong API", () => {
    const s = podmanStatusFromPing({ "api-version": "1.45", server: "Docker/26.1.5 (linux)" }, "/run/podman/podman.sock");
    expect(s).toMatchObject({ state: "unreachable", reason: "wrong-api", version: null });
  });
});

describe("explainPodmanError", () => {
  const sock = "/run/podman/podman.sock";
  it("socket missing and refused: the service is not running, and how to start it", () => {
    for (const code of ["ENOENT", "ECONNREFUSED"]) {
      const f = explainPodmanError({ code }, sock);
      expect(f.message).toContain("Podman's API service is not running");
      expect(f.hint).toContain(START_PODMAN_SERVICE);
      expect(f.hint).toContain("systemctl start podman.socket");
    }
    expect(explainPodmanError({ code: "ENOENT" }, sock).reason).toBe("socket-missing");
    expect(explainPodmanError({ code: "ECONNREFUSED" }, sock).reason).toBe("no-daemon");
  });
  it("permission denied names rootful and rootless sockets", () => {
    const f = explainPodmanError({ code: "EACCES" }, sock, true);
    expect(f.reason).toBe("permission-denied");
    expect(f.hint).toMatch(/rootful/);
    expect(f.hint).toContain("XDG_RUNTIME_DIR");
  });
  it("timeout, wrong API (404: a Docker socket), other errors", () => {
    expect(explainPodmanError({ name: "TimeoutError", message: "no answer" }, sock).reason).toBe("timeout");
    const wrong = explainPodmanError({ status: 404, message: "page not found" }, sock);
    expect(wrong.reason).toBe("wrong-api");
    expect(wrong.message).toContain("Docker");
    expect(explainPodmanError({ status: 500, message: "boom" }, sock)).toMatchObject({ reason: "error" });
  });
});

describe("podmanEventChange (recorded stream)", () => {
  const events = fs
    .readFileSync("test/fixtures/podman/events.ndjson", "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
  it("every container and pod event of the recording is a change, pods prefixed", () => {
    const changes = events.map(podmanEventChange);
    expect(changes.every((c) => c !== null)).toBe(true);
    expect(changes.map((c) => c!.action)).toEqual(expect.arrayContaining(["create", "start", "died", "remove", "pod-create", "pod-start", "pod-remove"]));
    expect(changes.find((c) => c!.action === "start")!.containerId).toMatch(/^[0-9a-f]{64}$/);
  });
  it("sync, exec and non-container events are no change", () => {
    expect(podmanEventChange({ Type: "container", Action: "sync", Actor: { ID: "a" } })).toBeNull();
    expect(podmanEventChange({ Type: "container", Action: "exec_died", Actor: { ID: "a" } })).toBeNull();
    expect(podmanEventChange({ Type: "image", Action: "pull", Actor: { ID: "a" } })).toBeNull();
    expect(podmanEventChange("junk")).toBeNull();
  });
});

describe("podmanContainerEvent (the stream as sent, test/fixtures/podman/events-steps.ndjson)", () => {
  const lines = fs.readFileSync("test/fixtures/podman/events-steps.ndjson", "utf8").split("\n").filter(Boolean);
  const parsed = lines.map(parsePodmanEventLine);
  const events = parsed.flatMap((p) => (p?.event ? [p.event] : []));
  const INFRA_ID = "c5c1eaf23f791d3b627880f840f5cad2800932c0f48f7841e78e930be79d16a6";

  it("in Docker's words: create, start, died → die, remove → destroy; init and cleanup tell no event (but are changes)", () => {
    expect(events.map((e) => `${e.action} ${e.name}`)).toEqual([
      "create demo-a1b2c3-pause",
      "start demo-a1b2c3-pause",
      "create demo-a1b2c3-nginx",
      "start demo-a1b2c3-nginx",
      "create demo-a1b2c3-ghost",
      "start demo-a1b2c3-ghost",
      "die demo-a1b2c3-pause",
      "die demo-a1b2c3-ghost",
      "die demo-a1b2c3-nginx",
      "destroy demo-a1b2c3-nginx",
      "destroy demo-a1b2c3-ghost",
      "destroy demo-a1b2c3-pause",
    ]);
    expect(parsed.every((p) => p !== null)).toBe(true);
    expect(parsed.filter((p) => p && !p.event).map((p) => p!.action)).toEqual(["init", "init", "init", ...Array(6).fill("cleanup")]);
  });

  it("Podman's own times, exactly (19 digits, not JSON.parse's rounding), and its source", () => {
    expect(events[0]).toMatchObject({ containerId: INFRA_ID, timeNano: "1796180222504264677", time: 1796180222504.264, runtime: "podman", image: "localhost/podman-pause:4.3.1-0" });
    expect(events[0]!.source).toBe("podman events: container create");
    expect(events.find((e) => e.action === "destroy")!.source).toBe("podman events: container remove");
  });

  it("the exit code of died (containerExitCode), and null on every other action", () => {
    expect(events.filter((e) => e.action === "die").map((e) => [e.name, e.exitCode, e.source])).toEqual([
      ["demo-a1b2c3-pause", 0, "podman events: container died (containerExitCode 0)"],
      ["demo-a1b2c3-ghost", 143, "podman events: container died (containerExitCode 143)"],
      ["demo-a1b2c3-nginx", 143, "podman events: container died (containerExitCode 143)"],
    ]);
    expect(events.filter((e) => e.action !== "die").every((e) => e.exitCode === null)).toBe(true);
  });

  it("labels are the container's: without name, image, podId, containerExitCode", () => {
    expect(events[0]!.labels).toMatchObject({ "io.pod-anatomy.role": "sandbox", "io.pod-anatomy.pod": "demo-a1b2c3", "io.buildah.version": "1.28.2" });
    for (const e of events) for (const k of ["name", "image", "podId", "containerExitCode"]) expect(e.labels).not.toHaveProperty(k);
  });

  it("pod events, malformed lines and ids are no event", () => {
    expect(parsePodmanEventLine('{"Type":"pod","Action":"create","Actor":{"ID":"80022059a3f96b43f3546c36e585114665209391f7815ef9f67fbe22db420dd3"},"timeNano":1}')).toEqual({
      containerId: "80022059a3f96b43f3546c36e585114665209391f7815ef9f67fbe22db420dd3",
      action: "pod-create",
    });
    expect(parsePodmanEventLine("not json")).toBeNull();
    expect(podmanContainerEvent({ Type: "container", Action: "start", Actor: { ID: "abc" }, timeNano: 1 })).toBeNull();
    expect(podmanContainerEvent({ Type: "container", Action: "start", Actor: { ID: INFRA_ID } })).toBeNull(); // no time
  });

  it("joinModes from an inspect: the pod's container: modes, uts included", () => {
    const nginx = [...inspects.values()].find((i) => i.HostConfig?.NetworkMode?.startsWith("container:"))!;
    expect(podmanJoinModes(nginx)).toEqual({ network: `container:${INFRA}`, ipc: `container:${INFRA}`, pid: `container:${INFRA}`, uts: `container:${INFRA}` });
    expect(podmanJoinModes({ Id: "x" })).toBeNull();
  });
});
