import { describe, expect, it } from "vitest";
import { runtimeOk, runtimeUnreachable } from "@/lib/model/runtime-status";
import { chosenRuntime, creatableRuntimes, podRuntimeLabel, sandboxWord } from "./runtimes";

const base = (id: string, kind: "docker" | "cri" | "podman", runtime: "docker" | "containerd" | "podman", node: string | null = null) => ({
  id,
  kind,
  runtime,
  endpoint: `/run/${id}.sock`,
  node,
});

describe("the runtimes the page offers", () => {
  const docker = runtimeOk(base("docker", "docker", "docker"), "20.10.24", "1.41");
  const cri = runtimeOk(base("cri:/run/containerd/containerd.sock", "cri", "containerd"), "1.6.20", "v1");
  const nested = runtimeOk(base("cri:/proc/42/root/run/containerd/containerd.sock", "cri", "containerd", "kind-control-plane"), "1.7.1", "v1");
  const podmanDown = runtimeUnreachable(base("podman", "podman", "podman"), { reason: "no-daemon", message: "nothing listens", hint: "start it" });

  it("offers the runtimes that answer on this host, one per kind; never a nested node's, nor one that is down", () => {
    expect(creatableRuntimes({ runtimes: [docker, nested, cri, podmanDown] }).map((r) => r.kind)).toEqual(["docker", "cri"]);
    expect(creatableRuntimes(undefined)).toEqual([]);
  });

  it("keeps the user's choice while it can make pods, else Docker, else the first", () => {
    expect(chosenRuntime([docker, cri], "cri")).toBe("cri");
    expect(chosenRuntime([docker, cri], "podman")).toBe("docker");
    expect(chosenRuntime([cri], null)).toBe("cri");
    expect(chosenRuntime([], "docker")).toBeNull();
  });

  it("names a pod's runtime and its sandbox in the runtime's words", () => {
    expect(podRuntimeLabel({ runtime: "containerd" }, { discoveredBy: "engine" })).toBe("containerd (CRI)");
    expect(podRuntimeLabel({ runtime: "podman" }, { discoveredBy: "engine" })).toBe("Podman");
    expect(podRuntimeLabel({ runtime: "containerd" }, { discoveredBy: "procfs" })).toBe("containerd, found in /proc");
    expect(sandboxWord("podman")).toBe("infra container");
  });
});
