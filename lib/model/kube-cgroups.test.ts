import { describe, expect, it } from "vitest";
import { parseContainerCgroupPath, parseKubepodsPath, runtimeFromCgroupPath } from "./kube-cgroups";

const ID = "4f1c2a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344556677";
const UID = "5e8f6a1c-3b2d-4c9e-8f7a-1b2c3d4e5f60";
const UID_ = UID.replaceAll("-", "_");

describe("parseContainerCgroupPath", () => {
  it("reads the cgroupfs driver: /kubepods/<qos>/pod<uid>/<id>, guaranteed pods directly under /kubepods", () => {
    expect(parseContainerCgroupPath(`/kubepods/burstable/pod${UID}/${ID}`)).toEqual({
      podUid: UID,
      qos: "burstable",
      containerId: ID,
      runtime: "unknown",
    });
    expect(parseContainerCgroupPath(`/kubepods/besteffort/pod${UID}/${ID}`)).toMatchObject({ podUid: UID, qos: "besteffort" });
    expect(parseContainerCgroupPath(`/kubepods/pod${UID}/${ID}`)).toMatchObject({ podUid: UID, qos: "guaranteed", containerId: ID });
  });

  it("reads the systemd driver, restoring the uid's dashes, with the runtime from the scope's name", () => {
    const slice = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`;
    expect(parseContainerCgroupPath(`${slice}/cri-containerd-${ID}.scope`)).toEqual({
      podUid: UID,
      qos: "burstable",
      containerId: ID,
      runtime: "containerd",
    });
    expect(parseContainerCgroupPath(`${slice}/docker-${ID}.scope`)).toMatchObject({ runtime: "docker", podUid: UID });
    expect(parseContainerCgroupPath(`${slice}/crio-${ID}.scope`)).toMatchObject({ runtime: "cri-o", podUid: UID });
    expect(
      parseContainerCgroupPath(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${ID}.scope`),
    ).toMatchObject({ qos: "besteffort", podUid: UID });
    expect(parseContainerCgroupPath(`/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`)).toMatchObject({
      qos: "guaranteed",
      podUid: UID,
    });
  });

  it("reads a kubelet --cgroup-root prefix (kind: /kubelet.slice/kubelet-kubepods.slice/…) and a node nested in a container", () => {
    expect(
      parseContainerCgroupPath(
        `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
      ),
    ).toEqual({ podUid: UID, qos: "besteffort", containerId: ID, runtime: "containerd" });
    expect(parseContainerCgroupPath(`/docker/${"a".repeat(64)}/kubepods/burstable/pod${UID}/${ID}`)).toMatchObject({
      podUid: UID,
      containerId: ID,
    });
  });

  it("reads the pod and QoS cgroups above the containers", () => {
    expect(parseContainerCgroupPath(`/kubepods/burstable/pod${UID}`)).toEqual({
      podUid: UID,
      qos: "burstable",
      containerId: null,
      runtime: null,
    });
    expect(parseKubepodsPath("/kubepods.slice/kubepods-burstable.slice")).toEqual({ qos: "burstable", podUid: null });
    expect(parseKubepodsPath("/kubepods.slice")).toEqual({ qos: null, podUid: null });
    expect(parseKubepodsPath("/kubepods")).toEqual({ qos: null, podUid: null });
  });

  it("says nothing of Kubernetes outside kubepods", () => {
    expect(parseKubepodsPath(`/docker/${ID}`)).toBeNull();
    expect(parseKubepodsPath("/system.slice/kubelet.service")).toBeNull();
    expect(parseContainerCgroupPath(`/docker/${ID}`)).toEqual({ podUid: null, qos: null, containerId: ID, runtime: "docker" });
    expect(parseContainerCgroupPath("/user.slice/user-0.slice/session-1.scope")).toEqual({
      podUid: null,
      qos: null,
      containerId: null,
      runtime: null,
    });
  });
});

describe("runtimeFromCgroupPath", () => {
  it("names the runtime from the scope prefix or Docker's cgroupfs parent", () => {
    expect(runtimeFromCgroupPath(`/system.slice/docker-${ID}.scope`, ID)).toBe("docker");
    expect(runtimeFromCgroupPath(`/machine.slice/libpod-${ID}.scope`, ID)).toBe("podman");
    expect(runtimeFromCgroupPath(`/docker/${ID}`, ID)).toBe("docker");
    expect(runtimeFromCgroupPath(`/pod-test/${ID}`, ID)).toBe("unknown");
    expect(runtimeFromCgroupPath("/init.scope", ID)).toBe("unknown");
  });
});
