/**
 * A pod left half-made on the CRI (the server killed between RunPodSandbox and the
 * containers) is found by its labels and removed when the next server starts — as a
 * half-made Docker pod is (faults.test.ts). Against the real containerd.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { K8S_POD_NAME, K8S_POD_NAMESPACE, K8S_POD_UID, LABEL_APP, LABEL_APP_VALUE, LABEL_POD, LABEL_POD_SIZE, LABEL_ROLE, LABEL_RUN } from "@/lib/model/types";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { removePodCgroup } from "@/lib/server/runtimes/cri/pod-cgroups";
import { startExtraServer, type ExtraServer } from "../support/servers";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");

const cri = new CriClient({ endpoint: "/run/containerd/containerd.sock" });
let server: ExtraServer | null = null;
const uid = randomUUID();
const parent = `/kubepods/besteffort/pod${uid}`;

afterAll(async () => {
  await server?.stop();
  for (const s of await cri.listPodSandbox({ label_selector: { [LABEL_RUN]: RUN_ID! } })) {
    await cri.stopPodSandbox(s.id).catch(() => undefined);
    await cri.removePodSandbox(s.id).catch(() => undefined);
  }
  removePodCgroup(parent);
  cri.close();
});

async function sandboxesOf(pod: string) {
  return cri.listPodSandbox({ label_selector: { [LABEL_RUN]: RUN_ID!, [LABEL_POD]: pod } });
}

describe("a half-made CRI pod", () => {
  it("is removed with its sandbox by the next server at start-up; a complete pod of ours is kept", async () => {
    const half = `half-${uid.slice(0, 6)}`;
    const labels = (pod: string, size: number) => ({
      [LABEL_APP]: LABEL_APP_VALUE,
      [LABEL_POD]: pod,
      [LABEL_POD_SIZE]: String(size),
      [LABEL_ROLE]: "sandbox",
      [LABEL_RUN]: RUN_ID!,
      [K8S_POD_NAME]: pod,
      [K8S_POD_NAMESPACE]: "pod-anatomy",
      [K8S_POD_UID]: uid,
    });
    const sandbox = (pod: string, size: number) =>
      cri.runPodSandbox({
        metadata: { name: pod, uid, namespace: "pod-anatomy", attempt: 0 },
        hostname: pod,
        port_mappings: [],
        labels: labels(pod, size),
        annotations: {},
        linux: { cgroup_parent: parent, security_context: { namespace_options: { network: "POD", pid: "CONTAINER", ipc: "POD" } } },
      });
    // Half-made: its size says 3 (sandbox + 2 containers), only the sandbox exists.
    await sandbox(half, 3);
    // Complete: a pod of one, its sandbox alone.
    const whole = `whole-${uid.slice(0, 6)}`;
    await sandbox(whole, 1);
    expect(await sandboxesOf(half)).toHaveLength(1);

    server = await startExtraServer(1, {});
    for (let i = 0; i < 60 && (await sandboxesOf(half)).length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await sandboxesOf(half), server.log()).toEqual([]);
    expect(server.log()).toContain(`pod ${half}`);
    expect(await sandboxesOf(whole)).toHaveLength(1);
  });
});
