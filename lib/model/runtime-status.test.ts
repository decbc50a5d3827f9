import { describe, expect, it } from "vitest";
import { engineStatusOf, isRuntimeFault, runtimeDisplayName, runtimeOk, runtimeUnreachable } from "./runtime-status";

const base = (kind: "docker" | "cri" | "podman") => ({ id: kind, kind, runtime: kind === "cri" ? ("containerd" as const) : kind, endpoint: `/run/${kind}.sock`, node: null });
const down = (kind: "docker" | "cri" | "podman", reason: "socket-missing" | "no-daemon" | "wrong-api") =>
  runtimeUnreachable(base(kind), { reason, message: `${kind} is down`, hint: "start it" });

describe("runtime statuses", () => {
  it("names each runtime in its own words", () => {
    expect(runtimeDisplayName("docker", "docker")).toBe("Docker");
    expect(runtimeDisplayName("cri", "containerd")).toBe("containerd (CRI)");
    expect(runtimeDisplayName("cri", "cri-o")).toBe("CRI-O");
    expect(runtimeDisplayName("cri", "unknown")).toBe("CRI runtime");
    expect(runtimeDisplayName("podman", "podman")).toBe("Podman");
  });

  it("gives the Docker engine's status as Snapshot.engine says it; a wrong API is an error there", () => {
    expect(engineStatusOf(runtimeOk(base("docker"), "20.10.24", "1.41"))).toEqual({ state: "ok", version: "20.10.24", apiVersion: "1.41", endpoint: "/run/docker.sock" });
    expect(engineStatusOf(down("docker", "no-daemon"))).toEqual({ state: "unreachable", reason: "no-daemon", endpoint: "/run/docker.sock", message: "docker is down", hint: "start it" });
    expect(engineStatusOf(down("docker", "wrong-api"))).toMatchObject({ reason: "error" });
  });

  it("warns of every CRI or Podman failure (Podman installed, its service not running, included), not of a machine without Docker", () => {
    expect(isRuntimeFault(down("podman", "socket-missing"))).toBe(true);
    expect(isRuntimeFault(down("cri", "wrong-api"))).toBe(true);
    expect(isRuntimeFault(down("docker", "no-daemon"))).toBe(true);
    expect(isRuntimeFault(down("docker", "socket-missing"))).toBe(false);
    expect(isRuntimeFault(runtimeOk(base("podman"), "4.3.1", "4.3.1"))).toBe(false);
  });
});
