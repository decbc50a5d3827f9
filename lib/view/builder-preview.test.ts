import { describe, expect, it } from "vitest";
import type { ImageChoice } from "@/lib/model/pod-spec";
import { spec } from "@/test/support/pod-specs";
import { runtimePreview } from "./builder-preview";

const UID = "0b4d6f2e-3c3a-4d53-9a31-1f6c0c9e8a11";

describe("the builder's preview in each runtime's own commands", () => {
  const s = spec({ cgroupParent: null });
  const images: ImageChoice[] = [
    { ref: s.sandbox.kind === "none" ? "" : s.sandbox.image, source: "stand-in", role: "pause", tools: [], present: true },
    ...s.containers.map((c) => ({ ref: c.image, source: "stand-in" as const, role: "busybox", tools: ["sh" as const, "httpd" as const], present: true })),
  ];

  it("docker run for Docker, crictl for the CRI, podman for Podman, each with its own title", () => {
    const docker = runtimePreview("docker", s, images, UID);
    const cri = runtimePreview("cri", s, images, UID);
    const podman = runtimePreview("podman", s, images, UID);
    expect([docker.issues, cri.issues, podman.issues]).toEqual([[], [], []]);
    expect(docker.text).toContain("docker run");
    expect(cri.text).toContain("crictl runp");
    expect(cri.text).toContain(`/kubepods/burstable/pod${UID}`);
    expect(podman.text).toContain("podman pod create");
    expect(new Set([docker.testId, cri.testId, podman.testId]).size).toBe(3);
  });

  it("shows no commands while the spec has issues, and says them", () => {
    const broken = { ...s, name: "Not A Name" };
    for (const runtime of ["docker", "cri", "podman"] as const) {
      const p = runtimePreview(runtime, broken, images, UID);
      expect(p.text).toBeNull();
      expect(p.issues.map((i) => i.path)).toContain("name");
    }
  });
});
