import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnapshotFile } from "@/lib/model/snapshot-schema";
import { containerFact, hostLinkFact, linkFact, podFact } from "./fact-sources";

/** The built-in sample: a real demo pod, recorded by scripts/record-sample.ts. */
const parsed = parseSnapshotFile(fs.readFileSync(new URL("../../public/samples/demo-pod.json", import.meta.url), "utf8"));
if (!parsed.ok) throw new Error(parsed.detail);
const { snapshot } = parsed.value;
const pod = snapshot.pods[0]!;
const byName = (suffix: string) => snapshot.containers.find((c) => c.name === `${pod.name}-${suffix}`)!;
const [pause, nginx] = [byName("pause"), byName("nginx")];

describe("fact sources", () => {
  it("a spoke: each shared inode and the two /proc files it was read from", () => {
    expect(linkFact(["net", "pid"], pause, nginx)).toBe(
      [
        `net:[${nginx.namespaces.net}] — from /proc/${nginx.pid}/ns/net (${nginx.name}) = /proc/${pause.pid}/ns/net (${pause.name})`,
        "net: network devices, addresses, ports, routes: what localhost means",
        `pid:[${nginx.namespaces.pid}] — from /proc/${nginx.pid}/ns/pid (${nginx.name}) = /proc/${pause.pid}/ns/pid (${pause.name})`,
        "pid: process IDs: who is PID 1, who ps can see",
      ].join("\n"),
    );
    expect(nginx.namespaces.net).toBe(pause.namespaces.net);
    expect(linkFact([], pause, nginx)).toBe("nothing shared: no namespace inode of the member equals the sandbox's");
    // Created, not yet started: no process, nothing to compare.
    expect(linkFact([], pause, { ...nginx, pid: null })).toBe("not running: a container without a process has no namespaces (/proc/PID/ns) to compare");
    expect(linkFact(["ipc"], pause, undefined)).toBe("ipc: System V IPC objects and POSIX message queues");
  });

  it("a host edge: the host's PID it was compared with", () => {
    expect(hostLinkFact(["user"], nginx, snapshot.host)).toBe(
      `user:[${nginx.namespaces.user}] — from /proc/${nginx.pid}/ns/user (${nginx.name}) = /proc/${snapshot.host.namespacesFrom}/ns/user (the host)\n` +
        "user: user and group IDs, and capabilities over the other namespaces",
    );
  });

  it("a container: the engine, its /proc entries, its cgroup", () => {
    expect(containerFact(nginx)).toBe(
      [
        `${nginx.name} — ${nginx.image}`,
        `container ${nginx.id}: from the Docker engine (docker inspect)`,
        `namespaces: from /proc/${nginx.pid}/ns (host PID ${nginx.pid})`,
        `cgroup /docker/${nginx.id}: from /proc/${nginx.pid}/cgroup`,
      ].join("\n"),
    );
    expect(containerFact({ ...nginx, pid: null, state: "exited", discoveredBy: "procfs", runtime: "containerd" })).toBe(
      [
        `${nginx.name} — ${nginx.image}`,
        `container ${nginx.id}: found only in /proc/?/cgroup (containerd; the engine does not know it)`,
        "exited: no process, so no namespaces to read",
      ].join("\n"),
    );
  });

  it("a pod: how it was recognised", () => {
    expect(podFact(pod)).toBe(`pod ${pod.name}: recognised from Pod Anatomy's labels (io.pod-anatomy.pod) and the members' container: modes`);
    expect(podFact({ ...pod, name: "web", source: "kubernetes", k8sNamespace: "default" })).toBe(
      "pod web in namespace default: recognised from Kubernetes' labels (io.kubernetes.*, from the runtime or the containers) or dockershim names (k8s_POD_…)",
    );
  });
});
