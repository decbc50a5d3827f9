import { describe, expect, it } from "vitest";
import { privilegeWarnings, type PrivilegeFacts } from "./container-privileges";

const all: PrivilegeFacts = {
  inContainer: true,
  hostPidNamespace: true,
  hostNamespacesReadable: true,
  hostCgroupNamespace: true,
  hostCgroupTree: true,
  hostUts: true,
  runtimes: [{ kind: "docker", name: "Docker", endpoint: "unix:///var/run/docker.sock", state: "ok", reason: null }],
};
const codes = (f: PrivilegeFacts) => privilegeWarnings(f).map((w) => w.code);

describe("privilegeWarnings", () => {
  it("says nothing when every privilege is there, or outside a container", () => {
    expect(privilegeWarnings(all)).toEqual([]);
    expect(privilegeWarnings({ ...all, inContainer: false, hostPidNamespace: false, hostCgroupNamespace: false })).toEqual([]);
  });

  it("names --cap-add SYS_PTRACE when the host's ns links are unreadable", () => {
    const [w] = privilegeWarnings({ ...all, hostNamespacesReadable: false });
    expect(w!.code).toBe("container-no-ptrace");
    expect(w!.message).toContain("--cap-add SYS_PTRACE");
  });

  it("names --pid host without the host's pid namespace (and not SYS_PTRACE, which would not help)", () => {
    const ws = privilegeWarnings({ ...all, hostPidNamespace: false, hostNamespacesReadable: false });
    expect(ws.map((w) => w.code)).toEqual(["container-no-host-pid"]);
    expect(ws[0]!.message).toContain("--pid host");
  });

  it("names --cgroupns host, or the cgroup mount when only the tree is not the host's", () => {
    expect(privilegeWarnings({ ...all, hostCgroupNamespace: false, hostCgroupTree: false })[0]!.message).toContain("--cgroupns host");
    expect(codes({ ...all, hostCgroupNamespace: false, hostCgroupTree: false })).toEqual(["container-no-host-cgroupns"]);
    const [tree] = privilegeWarnings({ ...all, hostCgroupTree: false });
    expect(tree!.code).toBe("container-no-host-cgroup-tree");
    expect(tree!.message).toContain("-v /sys/fs/cgroup:/sys/fs/cgroup:ro");
  });

  it("names --uts host when its hostname is its own, and says nothing when not known", () => {
    expect(privilegeWarnings({ ...all, hostUts: false })[0]!.message).toContain("--uts host");
    expect(privilegeWarnings({ ...all, hostUts: null })).toEqual([]);
  });

  it("names the -v of each runtime socket that is missing, and only of those", () => {
    const ws = privilegeWarnings({
      ...all,
      runtimes: [
        { kind: "docker", name: "Docker", endpoint: "unix:///var/run/docker.sock", state: "unreachable", reason: "socket-missing" },
        { kind: "podman", name: "Podman", endpoint: "/run/podman/podman.sock", state: "unreachable", reason: "no-daemon" },
        { kind: "cri", name: "containerd (CRI)", endpoint: "/run/containerd/containerd.sock", state: "unreachable", reason: "socket-missing" },
      ],
    });
    expect(ws.map((w) => w.message)).toEqual([
      "Docker's socket unix:///var/run/docker.sock is not in the container: to show Docker's containers, add -v /var/run/docker.sock:/var/run/docker.sock to the run line.",
      "containerd (CRI)'s socket /run/containerd/containerd.sock is not in the container: to show containerd (CRI)'s containers, add -v /run/containerd/containerd.sock:/run/containerd/containerd.sock to the run line.",
    ]);
  });
});
