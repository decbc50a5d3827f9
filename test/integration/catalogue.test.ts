/**
 * The catalogue on the real engine and the real kernel: each entry (but the demo pod, which
 * needs host port 8880 and has its own test) is created through the API and checked against
 * /proc and the cgroup files; the probes and the orphan run in its containers.
 */
import fs from "node:fs";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podStatus, podZombies } from "@/lib/model/catalogue";
import type { OrphanResult, ProbeResult } from "@/lib/model/pod-probes";
import { LABEL_POD, LABEL_RUN, type Container, type Pod, type Snapshot } from "@/lib/model/types";
import { deletePod, dockerIdsWithLabel, fetchToken, getSnapshot, pageHeaders, rawRequest, removeByLabel } from "../support/api";
import { cgroupFile, dockerInspect, kernelInode, mountAt } from "../support/kernel";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

let token = "";

async function post<T>(path: string, body: unknown, expected = 201): Promise<T> {
  const res = await rawRequest("POST", path, pageHeaders(token), JSON.stringify(body));
  expect(res.status, `${path}: ${res.body}`).toBe(expected);
  return JSON.parse(res.body) as T;
}

interface Created {
  pods: { name: string; containers: { id: string; name: string; kind: string }[] }[];
}
const createEntry = (entry: string) => post<Created>("/api/catalogue", { entry });
const probe = (pod: string, body: object) => post<ProbeResult>(`/api/pods/${pod}/probes`, body, 200);

function podInSnapshot(snapshot: Snapshot, name: string): { pod: Pod; sandbox: Container; members: Container[] } {
  const pod = snapshot.pods.find((p) => p.name === name);
  if (!pod) throw new Error(`pod ${name} is not in the snapshot`);
  const byId = new Map(snapshot.containers.map((c) => [c.id, c]));
  return { pod, sandbox: byId.get(pod.sandboxId)!, members: pod.memberIds.map((id) => byId.get(id)!) };
}

/** Poll the snapshot until `done` says yes (bounded: the test fails when it never does). */
async function snapshotUntil(done: (s: Snapshot) => boolean, what: string): Promise<Snapshot> {
  for (let i = 0; i < 120; i++) {
    const s = await getSnapshot();
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`never: ${what}`);
}

beforeAll(async () => {
  token = await fetchToken();
});

afterAll(() => removeByLabel(`${LABEL_RUN}=${RUN_ID}`));

describe("the catalogue API", () => {
  it("lists the six entries with their captions", async () => {
    const res = await rawRequest("GET", "/api/catalogue", { Host: new URL(process.env.POD_ANATOMY_URL ?? "http://localhost:3999").host });
    expect(res.status).toBe(200);
    const { entries } = JSON.parse(res.body) as { entries: { id: string; number: number; caption: string; hostPort: number | null }[] };
    expect(entries.map((e) => [e.number, e.id, e.hostPort])).toEqual([
      [1, "ghost-behind-nginx", 8880],
      [2, "by-hand", null],
      [3, "init-and-emptydir", null],
      [4, "reaping", null],
      [5, "host-namespaces", null],
      [6, "node-look-alike", null],
    ]);
  });

  it("refuses an unknown entry, and any request not from the app's page", async () => {
    const bad = await rawRequest("POST", "/api/catalogue", pageHeaders(token), JSON.stringify({ entry: "rootkit" }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).detail).toMatch(/^entry: /);
    const headers = { ...pageHeaders(token), Origin: "http://evil.example" };
    expect((await rawRequest("POST", "/api/catalogue", headers, JSON.stringify({ entry: "by-hand" }))).status).toBe(403);
    const probeCross = await rawRequest("POST", "/api/pods/x1/probes", headers, JSON.stringify({ probe: "ps", container: "x1-a" }));
    expect(probeCross.status).toBe(403);
  });
});

describe("2. a pod built by hand", () => {
  let name = "";
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    const created = await createEntry("by-hand");
    name = created.pods[0]!.name;
    ids = Object.fromEntries(created.pods[0]!.containers.map((c) => [c.name.slice(name.length + 1), c.id]));
  });

  it("shares net and ipc with the sandbox but not pid, mnt or uts — as the kernel says", async () => {
    const pid = (role: string) => dockerInspect(ids[role]!).pid;
    for (const member of ["app", "sidecar"]) {
      for (const t of ["net", "ipc"]) expect(kernelInode(pid(member), t), `${member} ${t}`).toBe(kernelInode(pid("pause"), t));
      for (const t of ["pid", "mnt", "uts"]) expect(kernelInode(pid(member), t), `${member} ${t}`).not.toBe(kernelInode(pid("pause"), t));
    }
    const { members } = podInSnapshot(await getSnapshot(), name);
    expect(members.map((m) => [m.name, m.sharedWithSandbox])).toEqual([
      [`${name}-app`, ["ipc", "net"]],
      [`${name}-sidecar`, ["ipc", "net"]],
    ]);
  });

  it("puts every container under /pod-<name>, the app limited to 256Mi and the sidecar to 128Mi", () => {
    const parent = `/pod-${name}`;
    expect(cgroupFile("memory", parent, ids.app!, "memory.limit_in_bytes")).toBe("268435456");
    expect(cgroupFile("memory", parent, ids.sidecar!, "memory.limit_in_bytes")).toBe("134217728");
    expect(Number(cgroupFile("memory", parent, ids.pause!, "memory.limit_in_bytes"))).toBeGreaterThan(2 ** 60);
  });

  it("proves it with the probes: localhost reaches the app, each has its own PID 1, the hostname is copied, not shared", async () => {
    const fetched = await probe(name, { probe: "fetch", container: `${name}-sidecar`, port: 80 });
    expect(fetched.exitCode).toBe(0);
    expect(fetched.output).toContain(`<h1>${name}-app</h1>`);
    const ps = await probe(name, { probe: "ps", container: `${name}-sidecar` });
    expect(ps.output.split("\n")[1]).toMatch(/^\s+1\s+0\s+S\s+sleep$/);
    expect((await probe(name, { probe: "ps", container: `${name}-app` })).output.split("\n")[1]).toMatch(/^\s+1\s+0\s+S\s+httpd$/);
    const h1 = await probe(name, { probe: "hostname", container: `${name}-app` });
    const h2 = await probe(name, { probe: "hostname", container: `${name}-sidecar` });
    expect(h1.output).toBe(`${ids.pause!.slice(0, 12)}\n`);
    expect(h2.output).toBe(h1.output);
    expect(kernelInode(dockerInspect(ids.app!).pid, "uts")).not.toBe(kernelInode(dockerInspect(ids.sidecar!).pid, "uts"));
  });

  it("runs probes only in the pod's own containers", async () => {
    const res = await rawRequest("POST", `/api/pods/${name}/probes`, pageHeaders(token), JSON.stringify({ probe: "ps", container: "some-other-container" }));
    expect(res.status).toBe(404);
  });

  it("is deleted with every container, and its cgroup parent /pod-NAME with them (Docker leaves it)", async () => {
    const parentDirs = () =>
      fs.readdirSync("/sys/fs/cgroup").map((h) => `/sys/fs/cgroup/${h}/pod-${name}`).concat(`/sys/fs/cgroup/pod-${name}`).filter((d) => fs.existsSync(d));
    expect(parentDirs().length).toBeGreaterThan(0);
    expect((await deletePod(token, name)).status).toBe(200);
    expect(dockerIdsWithLabel(`${LABEL_POD}=${name}`)).toEqual([]);
    expect(parentDirs()).toEqual([]);
  });
});

describe("3. init containers and emptyDir volumes", () => {
  it("runs the init containers in order to completion, then the app containers, the phases in order", async () => {
    const phases: string[] = [];
    const readies: string[] = [];
    let creating = true;
    const creation = createEntry("init-and-emptydir").finally(() => (creating = false));
    while (creating) {
      const s = await getSnapshot();
      const pod = s.pods.find((p) => p.name.startsWith("init-") && s.containers.some((c) => c.id === p.sandboxId && c.labels[LABEL_RUN] === RUN_ID));
      if (pod) {
        const { sandbox, members } = podInSnapshot(s, pod.name);
        const { phase, ready } = podStatus([sandbox, ...members]);
        if (phases.at(-1) !== phase) phases.push(phase);
        if (phase !== "Pending" && readies.at(-1) !== ready) readies.push(ready);
      }
    }
    const created = await creation;
    const name = created.pods[0]!.name;
    const final = podInSnapshot(await getSnapshot(), name);
    expect(podStatus([final.sandbox, ...final.members])).toEqual({ phase: "Running", ready: "2/2" });

    // What was seen while it was being made: only forward, through both init phases.
    const order = ["Pending", "Init:0/2", "Init:1/2", "PodInitializing", "Running"];
    const ranks = phases.map((p) => order.indexOf(p));
    expect(ranks, phases.join(" → ")).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks).not.toContain(-1);
    expect(phases).toEqual(expect.arrayContaining(["Init:0/2", "Init:1/2"]));
    expect(readies, readies.join(" → ")).toEqual(["0/2", "1/2", "2/2"].filter((r) => readies.includes(r)));
    expect(readies[0]).toBe("0/2");

    // What the engine recorded: each init container finished before the next one started.
    const c = (n: string) => dockerInspect(`${name}-${n}`);
    expect([c("write-site").state, c("write-cache").state, c("web").state, c("reader").state]).toEqual(["exited", "exited", "running", "running"]);
    expect(c("write-site").finishedAt <= c("write-cache").startedAt).toBe(true);
    expect(c("write-cache").finishedAt <= c("web").startedAt).toBe(true);
    expect(c("write-cache").finishedAt <= c("reader").startedAt).toBe(true);

    // The volumes: site on disk, cache a 50Mi tmpfs, written by the init containers.
    const reader = c("reader").pid;
    expect(mountAt(reader, "/data/cache")).toEqual({ fstype: "tmpfs", options: expect.stringMatching(/(^|,)size=51200k(,|$)/) });
    expect(mountAt(reader, "/data/site")?.fstype).not.toBe("tmpfs");
    const page = await probe(name, { probe: "fetch", container: `${name}-reader`, port: 80 });
    expect(page.output).toContain(`Written by init container ${name}-write-site`);
    expect((await deletePod(token, name)).status).toBe(200);
  });
});

describe("4. why pause is PID 1: zombie reaping side by side", () => {
  it("reaps the orphan under pause and leaves a zombie under sleep infinity", async () => {
    const created = await createEntry("reaping");
    const [underPause, underSleep] = created.pods.map((p) => p.name);
    expect(underPause).toMatch(/^reap-pause-/);
    expect(underSleep).toMatch(/^reap-sleep-/);

    // PID 1 of each pid namespace, as the kernel says.
    const before = await getSnapshot();
    const pauseSandbox = podInSnapshot(before, underPause!).sandbox;
    const sleepSandbox = podInSnapshot(before, underSleep!).sandbox;
    expect(before.processes.find((p) => p.pid === pauseSandbox.pid)).toMatchObject({ name: "pause", nspid: [pauseSandbox.pid, 1] });
    expect(before.processes.find((p) => p.pid === sleepSandbox.pid)).toMatchObject({ name: "sleep", cmdline: ["sleep", "infinity"] });

    const orphans: OrphanResult[] = [];
    for (const pod of [underPause!, underSleep!]) orphans.push(await post<OrphanResult>(`/api/pods/${pod}/orphan`, { container: `${pod}-shell` }));

    const zombiesOf = (s: Snapshot, pod: string) => {
      const { sandbox, members } = podInSnapshot(s, pod);
      return podZombies(s, [sandbox, ...members]);
    };
    const orphanOf = (s: Snapshot, pod: string, inner: number) => {
      const pidNs = s.processes.find((p) => p.pid === podInSnapshot(s, pod).sandbox.pid)?.pidNs;
      return s.processes.find((p) => p.pidNs === pidNs && p.nspid.at(-1) === inner);
    };
    // Under sleep: the orphan exits and stays a zombie, re-parented to PID 1 (the sandbox).
    const s = await snapshotUntil((s) => zombiesOf(s, underSleep!).length > 0, `a zombie in ${underSleep}`);
    const zombie = orphanOf(s, underSleep!, orphans[1]!.pid);
    expect(zombie).toMatchObject({ state: expect.stringMatching(/^Z/), ppid: sleepSandbox.pid, name: "sleep" });
    expect(zombiesOf(s, underSleep!).map((p) => p.pid)).toEqual([zombie!.pid]);
    // Under pause: the orphan is gone, reaped; no zombie.
    const after = await snapshotUntil((s) => orphanOf(s, underPause!, orphans[0]!.pid) === undefined, `the orphan of ${underPause} reaped`);
    expect(zombiesOf(after, underPause!)).toEqual([]);
    expect(zombiesOf(after, underSleep!)).toHaveLength(1);
  });
});

describe("5. host namespaces", () => {
  it("puts every container in the host's net, pid, ipc and uts namespaces", async () => {
    const created = await createEntry("host-namespaces");
    const name = created.pods[0]!.name;
    const s = await getSnapshot();
    const { sandbox, members } = podInSnapshot(s, name);
    for (const c of [sandbox, ...members]) {
      for (const t of ["net", "pid", "ipc", "uts"] as const) {
        expect(kernelInode(c.pid!, t), `${c.name} ${t}`).toBe(kernelInode(s.host.namespacesFrom, t));
        expect(c.sharedWithHost).toContain(t);
      }
      expect(kernelInode(c.pid!, "mnt")).not.toBe(kernelInode(s.host.namespacesFrom, "mnt"));
    }
    const shell = members[0]!;
    const ps = await probe(name, { probe: "ps", container: shell.name });
    expect(ps.output).toMatch(new RegExp(`^\\s*${shell.pid}\\s+\\d+\\s+\\S+\\s+sleep$`, "m"));
    expect((await probe(name, { probe: "hostname", container: shell.name })).output).toBe(`${os.hostname()}\n`);
  });
});

describe("6. a Kubernetes node look-alike", () => {
  it("names and labels the containers as dockershim did, under kubepods/burstable/pod<uid>, grouped as one pod", async () => {
    const created = await createEntry("node-look-alike");
    const name = created.pods[0]!.name;
    const sandbox = dockerInspect(created.pods[0]!.containers[0]!.id);
    const uid = sandbox.labels["io.kubernetes.pod.uid"]!;
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.pods[0]!.containers.map((c) => c.name)).toEqual([
      `k8s_POD_${name}_default_${uid}_0`,
      `k8s_web_${name}_default_${uid}_0`,
      `k8s_sidecar_${name}_default_${uid}_0`,
    ]);
    expect(sandbox.labels).toMatchObject({ "io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": "default", "io.kubernetes.docker.type": "podsandbox" });

    const { pod, sandbox: hub, members } = podInSnapshot(await getSnapshot(), name);
    expect(pod).toMatchObject({ k8sNamespace: "default", sandboxId: sandbox.id });
    expect(hub.name).toBe(`k8s_POD_${name}_default_${uid}_0`);
    expect(members.map((m) => [m.name, m.sharedWithSandbox])).toEqual([
      [`k8s_web_${name}_default_${uid}_0`, ["ipc", "net"]],
      [`k8s_sidecar_${name}_default_${uid}_0`, ["ipc", "net"]],
    ]);
    const web = created.pods[0]!.containers[1]!.id;
    expect(cgroupFile("memory", `/kubepods/burstable/pod${uid}`, web, "memory.limit_in_bytes")).toBe("134217728");
    expect((await deletePod(token, name)).status).toBe(200);
    expect(dockerIdsWithLabel(`${LABEL_POD}=${name}`)).toEqual([]);
  });
});
