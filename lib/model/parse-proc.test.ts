import { describe, expect, it } from "vitest";

import {
  containerIdFromCgroups,
  parseCgroupFile,
  parseCmdline,
  parseNamespaceLink,
  parseStatus,
  ProcParseError,
} from "@/lib/model/parse-proc";
import type { CgroupEntry } from "@/lib/model/types";

const ID = "058b9c366d1a17f955f8fbb102933e96534dafe514b20df4bf28a58762cf949e";
const ID2 = "59d133dafae0c209689622d2d25d4ad9170f89732c631bb7b179b80a6ebd7a7d";

/** A status file as Linux 6.x writes it (trimmed of fields we don't use, tabs kept). */
const STATUS_CONTAINER = [
  "Name:\tpause",
  "Umask:\t0022",
  "State:\tS (sleeping)",
  "Tgid:\t4242",
  "Ngid:\t0",
  "Pid:\t4242",
  "PPid:\t4220",
  "TracerPid:\t0",
  "Uid:\t65535\t65534\t65533\t65532",
  "Gid:\t65535\t65535\t65535\t65535",
  "FDSize:\t64",
  "Groups:\t ",
  "NStgid:\t4242\t1",
  "NSpid:\t4242\t1",
  "NSpgid:\t4242\t1",
  "NSsid:\t4242\t1",
  "VmPeak:\t     968 kB",
  "Threads:\t1",
  "voluntary_ctxt_switches:\t36",
  "",
].join("\n");

function cg(path: string, hierarchyId = 0, controllers: string[] = []): CgroupEntry {
  return { hierarchyId, controllers, path };
}

describe("parseStatus", () => {
  it("reads name, state letter, ppid, nspid and the real uid", () => {
    expect(parseStatus(STATUS_CONTAINER)).toEqual({
      name: "pause",
      state: "S",
      ppid: 4220,
      nspid: [4242, 1],
      uid: 65535,
    });
  });

  it("reads a host process (one pid namespace level) and PPid 0", () => {
    const text = "Name:\tsystemd\nState:\tS (sleeping)\nPid:\t1\nPPid:\t0\nUid:\t0\t0\t0\t0\nNSpid:\t1\n";
    expect(parseStatus(text)).toEqual({ name: "systemd", state: "S", ppid: 0, nspid: [1], uid: 0 });
  });

  it("reads three pid namespace levels, outermost first", () => {
    const text = "Name:\tsleep\nState:\tR (running)\nPid:\t9001\nPPid:\t9000\nUid:\t1000\t1000\t1000\t1000\nNSpid:\t9001\t42\t1\n";
    expect(parseStatus(text).nspid).toEqual([9001, 42, 1]);
  });

  it("falls back to [Pid] when the kernel (< 4.1) has no NSpid line", () => {
    const text = "Name:\tsshd\nState:\tS (sleeping)\nTgid:\t700\nPid:\t700\nPPid:\t1\nUid:\t0\t0\t0\t0\n";
    expect(parseStatus(text)).toEqual({ name: "sshd", state: "S", ppid: 1, nspid: [700], uid: 0 });
  });

  it("reads the zombie state and other letters", () => {
    const base = "Name:\tsh\nPid:\t5\nPPid:\t4\nUid:\t0\t0\t0\t0\n";
    expect(parseStatus(`${base}State:\tZ (zombie)\n`).state).toBe("Z");
    expect(parseStatus(`${base}State:\tD (disk sleep)\n`).state).toBe("D");
    expect(parseStatus(`${base}State:\tt (tracing stop)\n`).state).toBe("t");
    expect(parseStatus(`${base}State:\tI (idle)\n`).state).toBe("I");
  });

  it("keeps spaces inside a comm and tolerates CRLF", () => {
    const text = "Name:\tkworker/0:1 evt\r\nState:\tI (idle)\r\nPid:\t12\r\nPPid:\t2\r\nUid:\t0\t0\t0\t0\r\n";
    expect(parseStatus(text)).toEqual({ name: "kworker/0:1 evt", state: "I", ppid: 2, nspid: [12], uid: 0 });
  });

  it("takes the first occurrence of a key", () => {
    const text = "Name:\ta\nName:\tb\nState:\tS (sleeping)\nPid:\t3\nPPid:\t1\nUid:\t7\t7\t7\t7\n";
    expect(parseStatus(text).name).toBe("a");
  });

  it.each([
    ["Name", "State:\tS (sleeping)\nPid:\t3\nPPid:\t1\nUid:\t0\t0\t0\t0\n", /Name/],
    ["State", "Name:\tx\nPid:\t3\nPPid:\t1\nUid:\t0\t0\t0\t0\n", /State/],
    ["Pid", "Name:\tx\nState:\tS (sleeping)\nPPid:\t1\nUid:\t0\t0\t0\t0\n", /"Pid:"/],
    ["PPid", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nUid:\t0\t0\t0\t0\n", /PPid/],
    ["Uid", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nPPid:\t1\n", /Uid/],
  ])("throws ProcParseError when %s is missing", (_key, text, message) => {
    expect(() => parseStatus(text)).toThrow(ProcParseError);
    expect(() => parseStatus(text)).toThrow(message);
  });

  it.each([
    ["Pid not a number", "Name:\tx\nState:\tS (sleeping)\nPid:\tabc\nPPid:\t1\nUid:\t0\n", /"Pid:" is not a number/],
    ["PPid negative", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nPPid:\t-1\nUid:\t0\n", /"PPid:" is not a number/],
    ["PPid empty", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nPPid:\t\nUid:\t0\n", /"PPid:" is not a number/],
    ["Pid fractional", "Name:\tx\nState:\tS (sleeping)\nPid:\t3.5\nPPid:\t1\nUid:\t0\n", /"Pid:" is not a number/],
    ["State not a letter", "Name:\tx\nState:\t? (what)\nPid:\t3\nPPid:\t1\nUid:\t0\n", /State/],
    ["State empty", "Name:\tx\nState:\t\nPid:\t3\nPPid:\t1\nUid:\t0\n", /State/],
    ["NSpid garbage", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nPPid:\t1\nUid:\t0\nNSpid:\t3\tx\n", /NSpid/],
    ["Uid garbage", "Name:\tx\nState:\tS (sleeping)\nPid:\t3\nPPid:\t1\nUid:\troot\n", /Uid/],
  ])("throws ProcParseError when %s", (_what, text, message) => {
    expect(() => parseStatus(text)).toThrow(ProcParseError);
    expect(() => parseStatus(text)).toThrow(message);
  });

  it("throws ProcParseError on garbage and on an empty file", () => {
    expect(() => parseStatus("\u007fELF\u0002\u0001\u0001\u0000garbage in, garbage out\n%$#@!\n")).toThrow(ProcParseError);
    expect(() => parseStatus("")).toThrow(ProcParseError);
  });

  it("gives the error a name", () => {
    try {
      parseStatus("");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe("ProcParseError");
    }
  });
});

describe("parseCgroupFile", () => {
  it("parses a v1 hybrid file: numbered controllers, name=systemd, and the 0:: line", () => {
    const text = [
      `12:pids:/docker/${ID}`,
      `11:cpu,cpuacct:/docker/${ID}`,
      `10:net_cls,net_prio:/docker/${ID}`,
      `1:name=systemd:/docker/${ID}`,
      `0::/docker/${ID}`,
      "",
    ].join("\n");
    expect(parseCgroupFile(text)).toEqual([
      { hierarchyId: 12, controllers: ["pids"], path: `/docker/${ID}` },
      { hierarchyId: 11, controllers: ["cpu", "cpuacct"], path: `/docker/${ID}` },
      { hierarchyId: 10, controllers: ["net_cls", "net_prio"], path: `/docker/${ID}` },
      { hierarchyId: 1, controllers: ["name=systemd"], path: `/docker/${ID}` },
      { hierarchyId: 0, controllers: [], path: `/docker/${ID}` },
    ]);
  });

  it("parses pure v2: a single 0:: line", () => {
    expect(parseCgroupFile("0::/user.slice/user-1000.slice/session-3.scope\n")).toEqual([
      { hierarchyId: 0, controllers: [], path: "/user.slice/user-1000.slice/session-3.scope" },
    ]);
  });

  it("parses the root and a systemd-driver path", () => {
    const path = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6a1c_22f1.slice/cri-containerd-${ID}.scope`;
    expect(parseCgroupFile(`0::/\n0::${path}`)).toEqual([cg("/"), cg(path)]);
  });

  it("splits on the first two colons only: the path may contain ':'", () => {
    expect(parseCgroupFile("0::/system.slice/a:b:c.service\n5:memory:/x:y\n")).toEqual([
      cg("/system.slice/a:b:c.service"),
      cg("/x:y", 5, ["memory"]),
    ]);
  });

  it("keeps v2's ' (deleted)' suffix as part of the path", () => {
    expect(parseCgroupFile("0::/gone (deleted)\n")).toEqual([cg("/gone (deleted)")]);
  });

  it("skips empty lines and tolerates CRLF", () => {
    expect(parseCgroupFile("\n1:cpu:/\r\n\n   \n0::/\n")).toEqual([cg("/", 1, ["cpu"]), cg("/")]);
    expect(parseCgroupFile("")).toEqual([]);
  });

  it.each([
    ["no colon", "garbage"],
    ["one colon", "0:/"],
    ["hierarchy not a number", "x::/"],
    ["negative hierarchy", "-1::/"],
    ["empty hierarchy", "::/"],
    ["relative path", "0::docker/abc"],
    ["empty path", "0::"],
    ["empty controller", "3:cpu,:/"],
  ])("throws ProcParseError on a malformed line (%s)", (_what, line) => {
    expect(() => parseCgroupFile(`0::/\n${line}\n`)).toThrow(ProcParseError);
    expect(() => parseCgroupFile(`0::/\n${line}\n`)).toThrow(/line 2/);
  });
});

describe("parseNamespaceLink", () => {
  it("parses type and inode", () => {
    expect(parseNamespaceLink("net:[4026531840]")).toEqual({ type: "net", inode: 4026531840 });
    expect(parseNamespaceLink("pid_for_children:[4026532302]")).toEqual({ type: "pid_for_children", inode: 4026532302 });
    expect(parseNamespaceLink("time:[4026531834]\n")).toEqual({ type: "time", inode: 4026531834 });
  });

  it.each(["", "net", "net:[]", "net:[abc]", "net:4026531840", "[4026531840]", "/proc/1/ns/net", "net:[1]x"])(
    "returns null for %j",
    (target) => {
      expect(parseNamespaceLink(target)).toBeNull();
    },
  );
});

describe("parseCmdline", () => {
  it("splits on NUL and drops the terminating NUL", () => {
    expect(parseCmdline("/pause\0")).toEqual(["/pause"]);
    expect(parseCmdline("httpd\0-f\0-p\0" + "2368\0")).toEqual(["httpd", "-f", "-p", "2368"]);
  });

  it("is empty for kernel threads and zombies", () => {
    expect(parseCmdline("")).toEqual([]);
  });

  it("keeps an empty last argument (only one NUL is the terminator)", () => {
    expect(parseCmdline("sh\0-c\0\0")).toEqual(["sh", "-c", ""]);
  });

  it("keeps spaces and a rewritten argv without NULs", () => {
    expect(parseCmdline("nginx: master process /usr/sbin/nginx")).toEqual(["nginx: master process /usr/sbin/nginx"]);
    expect(parseCmdline("echo\0hello world\0")).toEqual(["echo", "hello world"]);
  });
});

describe("containerIdFromCgroups", () => {
  it.each([
    ["docker cgroupfs driver", `/docker/${ID}`],
    ["--cgroup-parent", `/pod-foo/${ID}`],
    ["kubepods cgroupfs", `/kubepods/burstable/pod5e3c9a6e-0a7b-4c9c-9d55-3a2e1f0b7c11/${ID}`],
    ["kubepods besteffort", `/kubepods/besteffort/pod5e3c9a6e-0a7b-4c9c-9d55-3a2e1f0b7c11/${ID}`],
    ["docker systemd driver", `/system.slice/docker-${ID}.scope`],
    [
      "containerd systemd driver",
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e3c9a6e_0a7b_4c9c_9d55_3a2e1f0b7c11.slice/cri-containerd-${ID}.scope`,
    ],
    ["cri-o", `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podabc.slice/crio-${ID}.scope`],
    ["podman", `/machine.slice/libpod-${ID}.scope`],
    ["podman rootless", `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container`],
    ["nested under the container's own cgroup", `/docker/${ID}/init.scope`],
  ])("finds the id: %s", (_what, path) => {
    expect(containerIdFromCgroups([cg(path)])).toBe(ID);
  });

  it("uses the deepest segment holding an id (docker-in-docker)", () => {
    expect(containerIdFromCgroups([cg(`/docker/${ID2}/docker/${ID}`)])).toBe(ID);
  });

  it("finds it in a v1 hybrid file where / is the first line", () => {
    const entries = parseCgroupFile(`12:rdma:/\n11:pids:/docker/${ID}\n1:name=systemd:/docker/${ID}\n0::/docker/${ID}\n`);
    expect(containerIdFromCgroups(entries)).toBe(ID);
  });

  it.each([
    ["root", "/"],
    ["init.scope", "/init.scope"],
    ["user session", "/user.slice/user-1000.slice/session-3.scope"],
    ["system service", "/system.slice/docker.service"],
    ["containerd service", "/system.slice/containerd.service"],
    ["pod slice only", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e3c9a6e_0a7b.slice"],
    ["conmon (outside the container)", `/machine.slice/libpod-conmon-${ID}.scope`],
    ["crio conmon", `/kubepods.slice/crio-conmon-${ID}.scope`],
    ["63 hex", `/docker/${ID.slice(1)}`],
    ["65 hex", `/docker/${ID}0`],
    ["upper-case hex", `/docker/${ID.toUpperCase()}`],
    ["id with a suffix", `/docker/${ID}.mount`],
  ])("returns null for a host or non-container path: %s", (_what, path) => {
    expect(containerIdFromCgroups([cg(path)])).toBeNull();
  });

  it("returns null for no entries and for a host process in a hybrid file", () => {
    expect(containerIdFromCgroups([])).toBeNull();
    expect(containerIdFromCgroups(parseCgroupFile("9:name=systemd:/init.scope\n4:memory:/\n0::/init.scope\n"))).toBeNull();
  });
});
