import { describe, expect, it } from "vitest";
import { discoverProcfsContainers, isPauseCommand } from "./discover-containers";
import type { ProcessFacts } from "./types";

const ID = "4f1c2a5b6c7d8e9f00112233445566778899aabbccddeeff0011223344556677";
const OTHER = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const SCOPE = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1_2.slice/cri-containerd-${ID}.scope`;

function proc(pid: number, nspid: number[], path: string, over: Partial<ProcessFacts> = {}): ProcessFacts {
  return {
    pid,
    name: "sh",
    state: "S",
    ppid: 1,
    nspid,
    uid: 0,
    namespaces: {},
    cgroups: [{ hierarchyId: 0, controllers: [], path }],
    cmdline: ["sh"],
    ...over,
  };
}

describe("isPauseCommand", () => {
  it("recognises /pause and pause, by argv[0] or, without argv, by comm", () => {
    expect(isPauseCommand({ cmdline: ["/pause"], name: "pause" })).toBe(true);
    expect(isPauseCommand({ cmdline: ["pause"], name: "pause" })).toBe(true);
    expect(isPauseCommand({ cmdline: [], name: "pause" })).toBe(true);
    expect(isPauseCommand({ cmdline: ["/bin/sh", "-c", "pause"], name: "sh" })).toBe(false);
    expect(isPauseCommand({ cmdline: ["/pause-helper"], name: "pause-helper" })).toBe(false);
  });
});

describe("discoverProcfsContainers", () => {
  it("makes one container per unknown id, its init the process with the smallest innermost PID", () => {
    const found = discoverProcfsContainers(
      [
        proc(1, [1], "/init.scope"),
        proc(5020, [5020, 7], SCOPE),
        proc(5010, [5010, 1], SCOPE),
        proc(5030, [5030, 1], `/docker/${OTHER}`),
      ],
      new Set(),
    );
    expect(found).toEqual([
      {
        id: ID,
        name: `containerd:${ID.slice(0, 12)}`,
        image: "",
        imageId: "",
        state: "running",
        pid: 5010,
        created: "",
        networkMode: "",
        ipcMode: "",
        pidMode: "",
        utsMode: "",
        cgroupParent: "",
        labels: {},
        ports: [],
        discoveredBy: "procfs",
        runtime: "containerd",
      },
      expect.objectContaining({ id: OTHER, name: `docker:${OTHER.slice(0, 12)}`, pid: 5030, runtime: "docker" }),
    ]);
  });

  it("leaves out the containers the engine knows, and names a runtime it cannot tell 'container:'", () => {
    const found = discoverProcfsContainers([proc(10, [10, 1], `/docker/${OTHER}`), proc(11, [11, 1], `/pod-x/${ID}`)], new Set([OTHER]));
    expect(found.map((c) => [c.id, c.name, c.runtime])).toEqual([[ID, `container:${ID.slice(0, 12)}`, "unknown"]]);
  });

  it("breaks a tie of innermost PIDs (nested pid namespaces) by the lower host PID", () => {
    const found = discoverProcfsContainers([proc(7002, [7002, 1], SCOPE), proc(7001, [7001, 1], SCOPE)], new Set());
    expect(found.map((c) => c.pid)).toEqual([7001]);
  });
});
