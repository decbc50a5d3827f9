import { describe, expect, it } from "vitest";
import { container, limits, proc, snapshot } from "@/test/support/model-builders";
import { CHALLENGES, checkChallenges, MEMORY_64_MIB, scopeToLabel, type ChallengeStatus } from "./challenges";
import type { Container, Listener, NetworkNamespace, Process, Snapshot } from "./types";

const HOST = { net: 1000, pid: 1001, ipc: 1002 };
const host = { hostname: "h", kernel: "6.1", cgroupVersion: "hybrid" as const, namespaces: HOST, namespacesFrom: 1 };
const snap = (containers: Container[], processes: Process[] = []) => snapshot({ host, containers, processes });

function check(id: string, s: Snapshot): ChallengeStatus {
  const c = CHALLENGES.find((x) => x.id === id);
  if (!c) throw new Error(`no challenge ${id}`);
  return c.check(s);
}
const passed = (st: ChallengeStatus) => (st.passed ? st.evidence : `NOT PASSED: ${st.why}`);
const why = (st: ChallengeStatus) => (st.passed ? `PASSED: ${st.evidence}` : st.why);

/** A running container whose init process is `pid`, running `argv`, in these namespaces. */
function run(name: string, pid: number, ns: Container["namespaces"], over: Partial<Container> = {}): Container {
  return container({ id: `${name}-id`, name, pid, namespaces: ns, processIds: [pid], ...over });
}
const initProc = (pid: number, containerId: string, argv: string[], over: Partial<Process> = {}) =>
  proc({ pid, containerId, cmdline: argv, name: argv[0]!.split("/").at(-1)!, nspid: [pid, 1], ...over });

describe("the list", () => {
  it("has at least 8 challenges, with unique ids, a goal and hints each", () => {
    expect(CHALLENGES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(CHALLENGES.map((c) => c.id)).size).toBe(CHALLENGES.length);
    for (const c of CHALLENGES) expect(c.hints.length).toBeGreaterThan(0);
  });
  it("checkChallenges gives each a status and no function", () => {
    const results = checkChallenges(snap([]));
    expect(results.map((r) => r.id)).toEqual(CHALLENGES.map((c) => c.id));
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
    expect(results.every((r) => !r.status.passed)).toBe(true);
  });
});

describe("shared-net", () => {
  it("passes for two running containers, any names, in one net namespace that is not the host's", () => {
    expect(passed(check("shared-net", snap([run("x1", 10, { net: 5 }), run("y2", 11, { net: 5 })])))).toContain("x1, y2 are in one net namespace: net:[5]");
  });
  it("is not passed when each has its own, naming one to join", () => {
    expect(why(check("shared-net", snap([run("a", 10, { net: 5 }), run("b", 11, { net: 6 })])))).toContain("--net container:<first>");
    expect(why(check("shared-net", snap([run("solo", 10, { net: 5 }), run("h", 11, { net: HOST.net })])))).toBe(
      "solo is alone in its net namespace: start a second container with --net container:solo.",
    );
    expect(why(check("shared-net", snap([])))).toContain("No container is running");
  });
  it("does not count two containers in the host's net namespace, nor exited ones", () => {
    expect(check("shared-net", snap([run("a", 10, { net: HOST.net }), run("b", 11, { net: HOST.net })])).passed).toBe(false);
    expect(check("shared-net", snap([run("a", 10, { net: 5 }), run("b", 11, { net: 5 }, { state: "exited", pid: null })])).passed).toBe(false);
  });
});

describe("proxy-blog", () => {
  const port = { containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8883 };
  const hub = run("hub", 10, { net: 5 }, { ports: [port] });
  const procs = [initProc(10, "hub-id", ["/pause"]), initProc(11, "px-id", ["nginx"]), initProc(12, "bl-id", ["httpd", "-p", "2368"])];
  const listener = (port: number, pid: number, containerId: string): Listener => ({ protocol: "tcp6", address: "::", port, inode: 900 + port, pids: [pid], containerIds: [containerId] });
  /** The kernel's view of net:[inode]: these sockets listening, with their owners. */
  const net = (inode: number, listeners: Listener[]): NetworkNamespace => ({ inode, readThrough: 10, fdsReadOf: [10, 11, 12], interfaces: [], addresses: [], defaultRoutes: [], listeners, sysfs: null, problems: [] });
  const withNet = (s: Snapshot, ...networks: NetworkNamespace[]): Snapshot => ({ ...s, networks });
  const pod = [hub, run("px", 11, { net: 5 }), run("bl", 12, { net: 5 })];

  it("passes with a hub publishing :80, the proxy listening on :80 and the blog on another port in its net namespace", () => {
    const s = withNet(snap(pod, procs), net(5, [listener(80, 11, "px-id"), listener(2368, 12, "bl-id")]));
    expect(passed(check("proxy-blog", s))).toContain("hub publishes 127.0.0.1:8883 → 80, where px listens; bl listens on :2368, reachable from it over localhost");
  });
  it("is not passed while nothing listens on :80, or only the proxy listens", () => {
    expect(why(check("proxy-blog", withNet(snap(pod, procs), net(5, [listener(2368, 12, "bl-id")]))))).toBe(
      "Nothing listens on :80 in hub's net namespace (hub, px, bl are there): start the proxy there with --net container:hub.",
    );
    expect(why(check("proxy-blog", withNet(snap(pod, procs), net(5, [listener(80, 11, "px-id")]))))).toBe(
      "px listens on :80 in hub's net namespace, but no other container listens there: start the blog with --net container:hub.",
    );
    // Both sockets held by one container: that is not a proxy in front of a blog.
    expect(check("proxy-blog", withNet(snap(pod, procs), net(5, [listener(80, 11, "px-id"), listener(2368, 11, "px-id")]))).passed).toBe(false);
  });
  it("is not passed with the blog and the proxy in namespaces of their own, nor before the namespace was read", () => {
    const apart = [hub, run("px", 11, { net: 6 }), run("bl", 12, { net: 7 })];
    expect(why(check("proxy-blog", withNet(snap(apart, procs), net(5, []), net(6, [listener(80, 11, "px-id")]), net(7, [listener(2368, 12, "bl-id")]))))).toContain(
      "nothing runs in its net namespace yet: start the blog and the proxy with --net container:hub",
    );
    expect(why(check("proxy-blog", snap(pod, procs)))).toContain("has not been read yet");
  });
  it("is not passed when nothing publishes :80", () => {
    expect(why(check("proxy-blog", snap([run("px", 11, { net: 5 }), run("bl", 12, { net: 5 })], procs)))).toContain("Nothing publishes a port to :80");
  });
});

describe("pause-pid1", () => {
  const members = [run("p", 10, { pid: 7 }), run("app", 20, { pid: 7 })];
  it("passes when PID 1 of the shared pid namespace is pause", () => {
    const s = snap(members, [initProc(10, "p-id", ["/pause"]), initProc(20, "app-id", ["sleep", "1d"], { nspid: [20, 2] })]);
    expect(passed(check("pause-pid1", s))).toBe("p, app share pid:[7], whose PID 1 is pause (host PID 10) in p.");
  });
  it("is not passed when PID 1 there is the app", () => {
    const s = snap([run("web", 10, { pid: 7 }), run("side", 20, { pid: 7 })], [initProc(10, "web-id", ["nginx"]), initProc(20, "side-id", ["sleep"], { nspid: [20, 2] })]);
    expect(why(check("pause-pid1", s))).toContain("its PID 1 is nginx in web, not pause");
  });
  it("is not passed when no pid namespace is shared", () => {
    const s = snap([run("p", 10, { pid: 7 }), run("app", 20, { pid: 8 })], [initProc(10, "p-id", ["/pause"]), initProc(20, "app-id", ["sleep"])]);
    expect(why(check("pause-pid1", s))).toContain("No two running containers share a pid namespace");
  });
});

describe("memory-64", () => {
  const limited = (path: string, bytes: number) => run("m", 10, {}, { cgroupPath: path, limits: limits({ memoryLimit: bytes }) });
  it("passes for 64 MiB under a pod cgroup of one's own, or the kubelet's", () => {
    expect(passed(check("memory-64", snap([limited("/pod-mine/abc", MEMORY_64_MIB)])))).toContain("under /pod-mine");
    expect(check("memory-64", snap([limited("/kubepods/burstable/pod1234/abc", MEMORY_64_MIB)])).passed).toBe(true);
  });
  it("is not passed under Docker's default parent, or with another limit", () => {
    expect(why(check("memory-64", snap([limited("/docker/abc", MEMORY_64_MIB)])))).toContain("under the runtime's default /docker: add --cgroup-parent /pod-mine");
    expect(why(check("memory-64", snap([limited("/pod-mine/abc", 128 * 1024 * 1024)])))).toBe("m is limited to 134217728 bytes, not 67108864 (64 MiB): run it with --memory 64m.");
    expect(why(check("memory-64", snap([run("x", 10, {})])))).toContain("No running container has a memory limit");
  });
});

describe("zombie-reaped", () => {
  const pod = [run("p", 10, { pid: 7 }), run("app", 20, { pid: 7 })];
  const base = [initProc(10, "p-id", ["/pause"]), initProc(20, "app-id", ["sleep", "1d"], { nspid: [20, 2], ppid: 1 })];
  const orphan = proc({ pid: 30, ppid: 10, containerId: "app-id", name: "sleep", cmdline: ["sleep", "30"], nspid: [30, 3] });
  it("passes when pause adopted an orphan of another container and no zombie is left", () => {
    expect(passed(check("zombie-reaped", snap(pod, [...base, orphan])))).toContain("sleep (host PID 30) of app was adopted by pause, PID 1 in p");
  });
  it("is not passed without an orphan", () => {
    expect(why(check("zombie-reaped", snap(pod, base)))).toContain("No orphan is adopted by pause");
  });
  it("is not passed when the adopter is not pause", () => {
    const procs = [initProc(10, "p-id", ["sleep", "infinity"]), base[1]!, orphan];
    expect(why(check("zombie-reaped", snap(pod, procs)))).toContain("was adopted by sleep, which is not pause");
  });
});

describe("zombie-left", () => {
  const pod = [run("hub", 10, { pid: 7 }), run("app", 20, { pid: 7 })];
  const zombie = proc({ pid: 30, ppid: 10, containerId: "app-id", name: "sleep", state: "Z (zombie)", nspid: [30, 3] });
  it("passes for a zombie whose parent is a PID 1 that is not pause", () => {
    const s = snap(pod, [initProc(10, "hub-id", ["sleep", "infinity"]), zombie]);
    expect(passed(check("zombie-left", s))).toBe("sleep (host PID 30) is a zombie (state Z), child of sleep, PID 1 of its pid namespace, which never reaps it.");
  });
  it("is not passed under pause, nor without a zombie", () => {
    expect(why(check("zombie-left", snap(pod, [initProc(10, "hub-id", ["/pause"]), zombie])))).toContain("is a zombie of pause, which reaps it in a moment");
    expect(why(check("zombie-left", snap(pod, [initProc(10, "hub-id", ["sleep", "infinity"])])))).toContain("No zombie");
  });
});

describe("host-net", () => {
  it("passes for a container in the host's net namespace", () => {
    expect(passed(check("host-net", snap([run("h", 10, { net: HOST.net })])))).toBe("h is in the host's net namespace net:[1000].");
  });
  it("is not passed when every container has its own", () => {
    expect(why(check("host-net", snap([run("a", 10, { net: 5 })])))).toBe("Every running container has a net namespace of its own: start one with --net host.");
  });
});

describe("init-order", () => {
  const hub = run("hub", 10, { net: 5 });
  const init = (name: string, start: string, end: string, over: Partial<Container> = {}) =>
    container({ id: `${name}-id`, name, state: "exited", exitCode: 0, startedAt: start, finishedAt: end, modes: { network: "container:hub", ipc: "private", pid: "", uts: "", cgroupParent: "" }, ...over });
  const app = (start: string) => run("app", 20, { net: 5 }, { startedAt: start, modes: { network: "container:hub-id", ipc: "private", pid: "", uts: "", cgroupParent: "" } });
  const procs = [initProc(10, "hub-id", ["/pause"]), initProc(20, "app-id", ["httpd"])];
  const t = (s: number) => `2025-01-01T00:00:${String(s).padStart(2, "0")}Z`;
  it("passes for two inits that ran one after the other, then the app, joined by name or id", () => {
    const s = snap([hub, init("i1", t(1), t(2)), init("i2", t(3), t(4)), app(t(5))], procs);
    expect(passed(check("init-order", s))).toContain("i1, i2 exited 0, one after the other; app started after i2 finished");
  });
  it("is not passed when the inits overlapped", () => {
    const s = snap([hub, init("i1", t(1), t(4)), init("i2", t(2), t(5)), app(t(6))], procs);
    expect(why(check("init-order", s))).toBe("i2 started before i1 had finished: run the init containers one after the other (without -d).");
  });
  it("is not passed when the app started first, or with one init only, or when an init failed", () => {
    expect(why(check("init-order", snap([hub, init("i1", t(1), t(2)), init("i2", t(3), t(6)), app(t(5))], procs)))).toBe(
      "app started before i2 finished: start the app only after the init containers are done.",
    );
    expect(why(check("init-order", snap([hub, init("i1", t(1), t(2)), app(t(5))], procs)))).toContain("run a second init container");
    expect(why(check("init-order", snap([hub, init("i1", t(1), t(2), { exitCode: 1 }), app(t(5))], procs)))).toBe("i1 exited with code 1: an init container must exit 0.");
  });
  it("does not take inits of another pod", () => {
    const other = { network: "container:elsewhere", ipc: "private", pid: "", uts: "", cgroupParent: "" };
    const s = snap([hub, run("elsewhere", 30, { net: 9 }), init("i1", t(1), t(2), { modes: other }), init("i2", t(3), t(4), { modes: other }), app(t(5))], procs);
    expect(check("init-order", s).passed).toBe(false);
  });
});

describe("empty-dir", () => {
  const vol = (source: string, destination: string) => ({ type: "volume", source, destination });
  const init = container({ id: "w", name: "writer", state: "exited", exitCode: 0, startedAt: "2025-01-01T00:00:01Z", finishedAt: "2025-01-01T00:00:02Z", mounts: [vol("shared", "/work")] });
  const app = (mounts: Container["mounts"], startedAt = "2025-01-01T00:00:03Z") => run("srv", 20, {}, { startedAt, mounts });
  it("passes when an init that exited 0 and an app started after it mount the same volume", () => {
    expect(passed(check("empty-dir", snap([init, app([vol("shared", "/www")])])))).toBe(
      "writer (exited 0) and srv (running, started after it) mount the same volume shared: at /work and /www.",
    );
  });
  it("is not passed with another volume, an app started before, or no volume at all", () => {
    expect(why(check("empty-dir", snap([init, app([vol("other", "/www")])])))).toContain("now start the app mounting the same volume");
    expect(check("empty-dir", snap([init, app([vol("shared", "/www")], "2025-01-01T00:00:00Z")])).passed).toBe(false);
    expect(why(check("empty-dir", snap([{ ...init, mounts: [] }, app([])])))).toBe("writer ran to completion but mounted no volume: give it one with -v shared:/work.");
  });
  it("does not count tmpfs mounts, which no two containers share", () => {
    const tmp = { type: "tmpfs", source: "", destination: "/work" };
    expect(check("empty-dir", snap([{ ...init, mounts: [tmp] }, app([tmp])])).passed).toBe(false);
  });
});

describe("scopeToLabel", () => {
  it("keeps only the containers with the label, and their processes", () => {
    const mine = run("a", 10, { net: 5 }, { labels: { student: "ana" } });
    const theirs = run("b", 11, { net: 5 }, { labels: { student: "bo" } });
    const s = snap([mine, theirs], [initProc(10, "a-id", ["sleep"]), initProc(11, "b-id", ["sleep"])]);
    expect(check("shared-net", s).passed).toBe(true);
    const scoped = scopeToLabel(s, "student", "ana");
    expect(scoped.containers.map((c) => c.name)).toEqual(["a"]);
    expect(scoped.processes.map((p) => p.pid)).toEqual([10]);
    expect(why(check("shared-net", scoped))).toContain("a is alone in its net namespace");
  });
});
