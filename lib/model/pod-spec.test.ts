import { describe, expect, it } from "vitest";
import { imageIssues, PodSpecSchema, specIssues, UTS_EXPLANATION } from "./pod-spec";
import { BUSYBOX, IMAGES, spec } from "@/test/support/pod-specs";

describe("PodSpecSchema", () => {
  it("accepts a pod built by hand", () => {
    expect(specIssues(spec())).toEqual([]);
    expect(PodSpecSchema.parse(spec())).toEqual(spec());
  });

  it("refuses to share uts with the sandbox, with the explanation, beside the field", () => {
    expect(specIssues(spec({ namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "sandbox" } }))).toEqual([
      { path: "namespaces.uts", message: UTS_EXPLANATION },
    ]);
  });

  it("cannot express privileged mode, capabilities, devices or bind mounts", () => {
    for (const extra of [{ privileged: true }, { capAdd: ["SYS_ADMIN"] }, { devices: ["/dev/sda"] }, { binds: ["/:/host"] }]) {
      expect(specIssues({ ...spec(), ...extra })[0]?.message).toMatch(/Unrecognized key/);
      const withContainerExtra = { ...spec(), containers: [{ ...spec().containers[0]!, ...extra }] };
      expect(specIssues(withContainerExtra)[0]).toMatchObject({ path: "containers.0" });
    }
  });

  it("takes names as Docker allows them, and limits within bounds", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        containers: [
          { ...c, name: "-dash" },
          { ...c, name: "ok_name.v2", limits: { memoryMi: 4097, cpus: 0.001, pidsMax: 8 } },
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["containers.0.name", "containers.1.limits.memoryMi", "containers.1.limits.cpus", "containers.1.limits.pidsMax"]);
    expect(specIssues(spec({ cgroupParent: "/pod/../etc" }))[0]?.path).toBe("cgroupParent");
    expect(specIssues(spec({ cgroupParent: "relative" }))[0]?.path).toBe("cgroupParent");
  });

  it("publishes a port only from the sandbox's network, on a host port from 1024", () => {
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 8088 } }))).toEqual([]);
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 80 } })).map((i) => i.path)).toEqual(["port.hostPort"]);
    expect(specIssues(spec({ port: { containerPort: 80, hostPort: 8088 }, namespaces: { net: "host", ipc: "sandbox", pid: "private", uts: "private" } })).map((i) => i.path)).toEqual(["port"]);
  });

  it("refuses duplicate names, the sandbox's name, and commands used in the wrong place", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        initContainers: [{ ...c, name: "init", command: "sleep" }],
        containers: [{ ...c, name: "pause" }, { ...c, name: "init" }, { ...c, name: "x1", command: "write-first-volume" }],
      }),
    );
    expect(issues).toEqual([
      { path: "initContainers.0.command", message: "an init container's command must run to completion" },
      { path: "containers.0.name", message: "pause is the sandbox's name" },
      { path: "containers.1.name", message: "another container is already named init" },
      { path: "containers.2.command", message: "this command exits: it is for init containers" },
      { path: "containers.2.command", message: "this command needs 1 volume(s) mounted in the container" },
    ]);
  });

  it("needs a sandbox for init containers and volumes, and a size for memory volumes only", () => {
    const c = spec().containers[0]!;
    const issues = specIssues(
      spec({
        sandbox: { kind: "none" },
        initContainers: [{ ...c, name: "init", command: "write-first-volume", mountVolumes: true }],
        volumes: [
          { name: "site", medium: "disk", sizeLimitMi: 10 },
          { name: "cache", medium: "memory", sizeLimitMi: null },
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["initContainers", "volumes", "volumes.0.sizeLimitMi", "volumes.1.sizeLimitMi"]);
  });
});

describe("imageIssues", () => {
  it("allows only the allow-listed images, each running only what it contains", () => {
    const c = spec().containers[0]!;
    expect(imageIssues(spec(), IMAGES)).toEqual([]);
    expect(
      imageIssues(
        spec({
          sandbox: { kind: "pause", image: BUSYBOX },
          containers: [
            { ...c, image: "evil:latest" },
            { ...c, image: "alpine:3.20", command: "web" },
          ],
        }),
        IMAGES,
      ),
    ).toEqual([
      { path: "sandbox.image", message: `${BUSYBOX} is not a pause image` },
      { path: "containers.0.image", message: "evil:latest is not one of the images available here (the local images and the stand-ins)" },
      { path: "containers.1.command", message: "alpine:3.20 cannot run this command: it needs httpd" },
    ]);
    expect(imageIssues(spec({ sandbox: { kind: "sleep", image: "alpine:3.20" } }), IMAGES)).toEqual([
      { path: "sandbox.image", message: "alpine:3.20 cannot run this command: it needs sh" },
    ]);
  });
});
