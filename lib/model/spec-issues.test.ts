import { describe, expect, it } from "vitest";
import { spec } from "@/test/support/pod-specs";
import { UTS_EXPLANATION } from "./pod-spec";
import { podSpecSchemaOn, specIssuesOn } from "./spec-issues";

describe("a spec's problems on each runtime", () => {
  const utsShared = spec({ namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "sandbox" } });

  it("refuses a shared uts on Docker only: the CRI and Podman share it with the sandbox", () => {
    expect(specIssuesOn("docker", utsShared)).toEqual([{ path: "namespaces.uts", message: UTS_EXPLANATION }]);
    expect(specIssuesOn("cri", utsShared)).toEqual([]);
    expect(specIssuesOn("podman", utsShared)).toEqual([]);
    expect(podSpecSchemaOn("cri").safeParse(utsShared).success).toBe(true);
    expect(podSpecSchemaOn("docker").safeParse(utsShared).success).toBe(false);
  });

  it("keeps every other rule everywhere: a bad name is refused on each runtime, with its path", () => {
    for (const runtime of ["docker", "cri", "podman"] as const) {
      const parsed = podSpecSchemaOn(runtime).safeParse({ ...utsShared, name: "Not A Name" });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain("name");
    }
  });

  it("says what only one runtime cannot do: no sandbox is no Podman pod", () => {
    const none = spec({ sandbox: { kind: "none" }, initContainers: [], volumes: [] });
    expect(specIssuesOn("docker", none)).toEqual([]);
    expect(specIssuesOn("podman", none).length).toBeGreaterThan(0);
  });
});
