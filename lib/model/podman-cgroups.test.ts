/**
 * Podman's cgroups, as Podman 4.3.1 writes them (test/fixtures/podman/cgroup/*-cgroupfs.txt
 * are /proc/PID/cgroup files recorded on this project's machine, cgroupfs manager, cgroup v1
 * hybrid): a pod's own cgroup (`/libpod_parent/<pod id>`) is not a container's.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { containerIdFromCgroups, parseCgroupFile } from "./parse-proc";
import { parseContainerCgroupPath, runtimeFromCgroupPath } from "./kube-cgroups";

const fixture = (name: string) => parseCgroupFile(fs.readFileSync(`test/fixtures/podman/cgroup/${name}`, "utf8"));

const POD = "09fab4329429a2bbef0d4e02c86142eb41eb5c5928002f01d9f0a29e36b600b8";
const INFRA = "b24529a8dd12114157a290bacf4d17d6fe64c7e2c244fcc4e67d2be61d90d602";
const MEMBER = "569ed838c2a5017c5233ba1823f44d7508adeb8e410c69d38b0029f1a161f1b5";
const ALONE = "46d1401d17e7cbc3d21eab67d956c8583e45569c9bfdbbf11542208d223735a2";

describe("Podman cgroups (cgroupfs manager, recorded)", () => {
  it("a pod's infra and member containers are found by their libpod-<id> cgroup, not by the pod's", () => {
    expect(containerIdFromCgroups(fixture("infra-cgroupfs.txt"))).toBe(INFRA);
    expect(containerIdFromCgroups(fixture("member-cgroupfs.txt"))).toBe(MEMBER);
  });

  it("a container outside any pod: /libpod_parent/libpod-<id>", () => {
    expect(containerIdFromCgroups(fixture("standalone-cgroupfs.txt"))).toBe(ALONE);
  });

  it("conmon, in the pod's cgroup (/libpod_parent/<pod id>/conmon), is in no container", () => {
    expect(containerIdFromCgroups(fixture("conmon-cgroupfs.txt"))).toBeNull();
  });

  it("the pod's own cgroup is not a container's, with the default parent or a cgroup parent of the pod's", () => {
    expect(containerIdFromCgroups([{ hierarchyId: 4, controllers: ["memory"], path: `/libpod_parent/${POD}` }])).toBeNull();
    expect(containerIdFromCgroups([{ hierarchyId: 4, controllers: ["memory"], path: `/pod-web/${POD}/conmon` }])).toBeNull();
    expect(containerIdFromCgroups([{ hierarchyId: 4, controllers: ["memory"], path: `/pod-web/${POD}/libpod-${MEMBER}` }])).toBe(MEMBER);
    expect(parseContainerCgroupPath(`/libpod_parent/${POD}`).containerId).toBeNull();
  });

  it("a bare id under another parent is still a container (docker --cgroup-parent)", () => {
    expect(containerIdFromCgroups([{ hierarchyId: 4, controllers: ["memory"], path: `/pod-web/${POD}` }])).toBe(POD);
  });

  it("names Podman the runtime of libpod-<id> (cgroupfs) and libpod-<id>.scope (systemd)", () => {
    expect(runtimeFromCgroupPath(`/libpod_parent/${POD}/libpod-${MEMBER}`, MEMBER)).toBe("podman");
    expect(parseContainerCgroupPath(`/libpod_parent/${POD}/libpod-${INFRA}`)).toMatchObject({ containerId: INFRA, runtime: "podman" });
  });
});

describe("Podman cgroups (systemd manager, Podman's documented layout)", () => {
  // Not recordable here (no systemd on these machines): machine.slice/machine-libpod_pod_<pod id>.slice/libpod-<id>.scope,
  // with the monitor in libpod-conmon-<id>.scope.
  const pod = `/machine.slice/machine-libpod_pod_${POD}.slice`;
  it("the pod slice is no container; the scopes under it are", () => {
    expect(containerIdFromCgroups([{ hierarchyId: 0, controllers: [], path: pod }])).toBeNull();
    expect(containerIdFromCgroups([{ hierarchyId: 0, controllers: [], path: `${pod}/libpod-conmon-${MEMBER}.scope` }])).toBeNull();
    expect(containerIdFromCgroups([{ hierarchyId: 0, controllers: [], path: `${pod}/libpod-${MEMBER}.scope` }])).toBe(MEMBER);
    expect(containerIdFromCgroups([{ hierarchyId: 0, controllers: [], path: `${pod}/libpod-${MEMBER}.scope/container` }])).toBe(MEMBER);
    expect(runtimeFromCgroupPath(`${pod}/libpod-${MEMBER}.scope`, MEMBER)).toBe("podman");
  });
});
