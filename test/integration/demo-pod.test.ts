/**
 * The demo pod, end to end on the real engine and the real kernel: what the API reports
 * must be what /proc says, and the pod must really work (the blog answers through the proxy).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABEL_POD, LABEL_RUN, NAMESPACE_TYPES, type Container, type Snapshot } from "@/lib/model/types";
import { createDemoPod, deletePod, dockerIdsWithLabel, fetchToken, getSnapshot, getUntil, removeByLabel } from "../support/api";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

/** What the kernel says: readlink /proc/PID/ns/TYPE → inode. */
function kernelInode(pid: number, type: string): number | undefined {
  try {
    const m = /\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/ns/${type}`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function nspid(pid: number): number[] {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("NSpid:"));
  return (line ?? "").replace("NSpid:", "").trim().split(/\s+/).map(Number);
}

describe("the demo pod on the real engine", () => {
  let token = "";
  let podName = "";
  let snapshot: Snapshot;
  let sandbox: Container;
  let members: Container[];

  beforeAll(async () => {
    token = await fetchToken();
    const res = await createDemoPod(token);
    expect(res.status, res.body).toBe(201);
    podName = (JSON.parse(res.body) as { pod: { name: string } }).pod.name;
    snapshot = await getSnapshot();
    const pod = snapshot.pods.find((p) => p.name === podName);
    expect(pod, `pod ${podName} in the snapshot`).toBeDefined();
    sandbox = snapshot.containers.find((c) => c.id === pod!.sandboxId)!;
    members = pod!.memberIds.map((id) => snapshot.containers.find((c) => c.id === id)!);
  });

  afterAll(() => removeByLabel(`${LABEL_RUN}=${RUN_ID}`));

  it("is one pod: the pause container as the hub, nginx and ghost as its members", () => {
    expect(sandbox.name).toBe(`${podName}-pause`);
    expect(sandbox.role).toBe("sandbox");
    expect(members.map((m) => m.name).sort()).toEqual([`${podName}-ghost`, `${podName}-nginx`]);
    expect(members.every((m) => m.role === "member" && m.podId === sandbox.id)).toBe(true);
    expect(sandbox.ports).toContainEqual({ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 8880 });
  });

  it("reports for every container exactly the namespace inodes /proc/PID/ns shows", () => {
    for (const c of [sandbox, ...members]) {
      expect(c.pid, `${c.name} is running`).toBeGreaterThan(0);
      for (const type of NAMESPACE_TYPES) {
        expect(c.namespaces[type], `${c.name} ${type}`).toBe(kernelInode(c.pid!, type));
      }
    }
  });

  it("shares net, ipc and pid with the sandbox, and keeps mnt and uts private — as the kernel says", () => {
    for (const m of members) {
      expect(m.sharedWithSandbox).toEqual(["ipc", "net", "pid"]);
      expect(m.own).toEqual(expect.arrayContaining(["mnt", "uts"]));
      expect(m.own.filter((t) => ["net", "ipc", "pid"].includes(t))).toEqual([]);
      for (const t of ["net", "ipc", "pid"]) expect(kernelInode(m.pid!, t)).toBe(kernelInode(sandbox.pid!, t));
      for (const t of ["mnt", "uts"]) expect(kernelInode(m.pid!, t)).not.toBe(kernelInode(sandbox.pid!, t));
    }
    const links = snapshot.links.filter((l) => l.sandboxId === sandbox.id);
    expect(links.map((l) => l.shared)).toEqual([["ipc", "net", "pid"], ["ipc", "net", "pid"]]);
  });

  it("shows the pause process as PID 1 of the pod's pid namespace (NSpid)", () => {
    const pause = snapshot.processes.find((p) => p.pid === sandbox.pid);
    expect(pause?.nspid).toEqual(nspid(sandbox.pid!));
    expect(pause?.nspid.at(-1)).toBe(1);
    for (const m of members) {
      const inner = nspid(m.pid!).at(-1)!;
      expect(inner).toBeGreaterThan(1);
      expect(snapshot.processes.find((p) => p.pid === m.pid)?.nspid.at(-1)).toBe(inner);
      expect(m.processIds).toContain(m.pid);
    }
    expect(sandbox.processIds).toEqual([sandbox.pid]);
  });

  it("serves the blog at http://localhost:8880/ through the proxy", async () => {
    const body = await getUntil("http://127.0.0.1:8880/", (b) => b.includes(podName) || /ghost/i.test(b), 90);
    expect(body).toMatch(/^HTTP 200/);
  });

  it("refuses a second demo pod while port 8880 is taken, and leaves nothing behind", async () => {
    const before = dockerIdsWithLabel(`${LABEL_RUN}=${RUN_ID}`).sort();
    const res = await createDemoPod(token);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({ error: "Port in use" });
    expect(JSON.parse(res.body).detail).toMatch(/8880/);
    expect(dockerIdsWithLabel(`${LABEL_RUN}=${RUN_ID}`).sort()).toEqual(before);
  });

  it("deletes every container of the pod", async () => {
    const res = await deletePod(token, podName);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body).removed.sort()).toEqual([`${podName}-ghost`, `${podName}-nginx`, `${podName}-pause`]);
    expect(dockerIdsWithLabel(`${LABEL_POD}=${podName}`)).toEqual([]);
    const after = await getSnapshot();
    expect(after.pods.find((p) => p.name === podName)).toBeUndefined();
    const again = await deletePod(token, podName);
    expect(again.status).toBe(404);
  });
});
