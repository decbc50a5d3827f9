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
  podmanEventChange,
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
