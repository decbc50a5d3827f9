/**
 * The pod builder on the real engine: every field validated on the server, creation all or
 * nothing, and the `docker run` commands it previews — run here through the docker CLI —
 * make the same pod as creating it from the builder: the same namespaces shared with the
 * sandbox and with the host, as the kernel says, and the same limits in the cgroup files.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerRunScript } from "@/lib/model/docker-run-script";
import { planPod } from "@/lib/model/pod-plan";
import type { ImageChoice, PodSpec } from "@/lib/model/pod-spec";
import { LABEL_POD, LABEL_RUN, NAMESPACE_TYPES } from "@/lib/model/types";
import { BASE_URL, dockerIdsWithLabel, fetchToken, getSnapshot, pageHeaders, rawRequest, removeByLabel } from "../support/api";
import { removeEmptyCgroupSettled } from "@/lib/server/cgroup-cleanup";
import { cgroupFile, dockerInspect, kernelInode } from "../support/kernel";

const RUN_ID = process.env.POD_ANATOMY_RUN_ID;
if (!RUN_ID) throw new Error("POD_ANATOMY_RUN_ID is not set: run the integration tests through `npm test`");
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

let token = "";
let images: ImageChoice[] = [];

const postSpec = (spec: unknown) => rawRequest("POST", "/api/builder", pageHeaders(token), JSON.stringify(spec));
const imageOf = (role: string) => {
  const choice = images.find((i) => i.role === role && i.source === "stand-in");
  if (!choice) throw new Error(`no ${role} stand-in in ${JSON.stringify(images)}`);
  return choice.ref;
};

/** The cgroup parents of this file's pods: removed after the containers (no runtime removes a --cgroup-parent). */
const parents = new Set<string>();

function baseSpec(name: string): PodSpec {
  parents.add(`/pod-${name}`);
  return {
    name,
    sandbox: { kind: "pause", image: imageOf("pause") },
    namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "private" },
    cgroupParent: `/pod-${name}`,
    port: null,
    initContainers: [],
    containers: [
      { name: "web", image: imageOf("busybox"), command: "web", limits: { memoryMi: 96, cpus: 0.5, pidsMax: 64 }, mountVolumes: false },
      { name: "shell", image: imageOf("busybox"), command: "sleep", limits: { memoryMi: null, cpus: null, pidsMax: null }, mountVolumes: false },
    ],
    volumes: [],
    kubernetes: null,
  };
}

beforeAll(async () => {
  token = await fetchToken();
  const res = await rawRequest("GET", "/api/builder", { Host: new URL(BASE_URL).host });
  expect(res.status, res.body).toBe(200);
  images = (JSON.parse(res.body) as { images: ImageChoice[] }).images;
});

afterAll(async () => {
  removeByLabel(`${LABEL_RUN}=${RUN_ID}`);
  for (const parent of parents) await removeEmptyCgroupSettled(parent);
});

describe("the builder's validation", () => {
  it("offers the local images and the stand-ins, saying what each can run", () => {
    expect(images.find((i) => i.role === "pause" && i.source === "stand-in")).toMatchObject({ tools: [], ref: expect.stringMatching(/^pod-anatomy\/pause-stand-in:[0-9a-f]{12}$/) });
    expect(images.find((i) => i.role === "busybox" && i.source === "stand-in")).toMatchObject({ tools: ["sh", "httpd"] });
  });

  it("refuses, field by field: uts shared, a name Docker refuses, limits out of bounds, privileged, a foreign image", async () => {
    const spec = baseSpec(`bad-${suffix}`);
    const detail = async (s: unknown) => {
      const res = await postSpec(s);
      expect(res.status, res.body).toBe(400);
      return JSON.parse(res.body).detail as string;
    };
    expect(await detail({ ...spec, namespaces: { ...spec.namespaces, uts: "sandbox" } })).toMatch(/^namespaces\.uts: Docker cannot join another container's uts namespace/);
    expect(await detail({ ...spec, containers: [{ ...spec.containers[0]!, name: "_x" }] })).toMatch(/^containers\.0\.name: /);
    expect(await detail({ ...spec, containers: [{ ...spec.containers[0]!, limits: { memoryMi: 1 << 20, cpus: 64, pidsMax: 0 } }] })).toBe(
      "containers.0.limits.memoryMi: at most 4096 MiB; containers.0.limits.cpus: at most 4 CPUs; containers.0.limits.pidsMax: at least 16",
    );
    expect(await detail({ ...spec, privileged: true })).toMatch(/Unrecognized key: "privileged"/);
    expect(await detail({ ...spec, containers: [{ ...spec.containers[0]!, image: "attacker/rootkit:1" }] })).toBe(
      "containers.0.image: attacker/rootkit:1 is not one of the images available here (the local images and the stand-ins)",
    );
    expect(dockerIdsWithLabel(`${LABEL_POD}=bad-${suffix}`)).toEqual([]);
  });

  it("creates all or nothing: a container that cannot be made removes the ones made before it", async () => {
    const name = `half-${suffix}`;
    // Someone else's container holds the name of the pod's second container.
    execFileSync("docker", ["create", "--name", `${name}-web`, "--label", `${LABEL_RUN}=${RUN_ID}`, imageOf("pause")], { stdio: "ignore" });
    const res = await postSpec(baseSpec(name));
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body).detail).toMatch(/already in use/);
    expect(dockerIdsWithLabel(`${LABEL_POD}=${name}`)).toEqual([]);
    expect(dockerInspect(`${name}-web`).labels[LABEL_POD]).toBeUndefined();
  });
});

/** For each of a pod's containers (by name within the pod): which namespace types are the sandbox's, which the host's. */
function sharing(pod: string, hostPid: number): Record<string, { sandbox: string[]; host: string[] }> {
  const ids = dockerIdsWithLabel(`${LABEL_POD}=${pod}`).map(dockerInspect);
  const sandbox = ids.find((c) => c.labels["io.pod-anatomy.role"] === "sandbox") ?? ids.find((c) => c.name === `${pod}-web`)!;
  return Object.fromEntries(
    ids.map((c) => [
      c.name.slice(pod.length + 1),
      {
        sandbox: NAMESPACE_TYPES.filter((t) => c.id !== sandbox.id && kernelInode(c.pid, t) === kernelInode(sandbox.pid, t)),
        host: NAMESPACE_TYPES.filter((t) => kernelInode(c.pid, t) === kernelInode(hostPid, t)),
      },
    ]),
  );
}

describe("the builder's docker run commands make the pod the builder makes", () => {
  const variants: [string, (s: PodSpec) => PodSpec][] = [
    ["pause, net ipc pid shared, limits", (s) => s],
    [
      "sleep sandbox, ipc private, uts host, a published port",
      (s) => ({
        ...s,
        sandbox: { kind: "sleep", image: imageOf("busybox") },
        namespaces: { net: "sandbox", ipc: "private", pid: "sandbox", uts: "host" },
        port: { containerPort: 80, hostPort: 18000 + (process.pid % 1000) },
      }),
    ],
    ["no sandbox, the first container holds net and pid; ipc the host's", (s) => ({ ...s, sandbox: { kind: "none" }, cgroupParent: null, namespaces: { net: "sandbox", ipc: "host", pid: "sandbox", uts: "private" } })],
  ];

  it.each(variants.map(([title, make], i) => [title, make, i] as const))("%s", async (_title, make, i) => {
    const fromBuilder = make(baseSpec(`b${i}-${suffix}`));
    const fromCli = make(baseSpec(`c${i}-${suffix}`));
    const res = await postSpec(fromBuilder);
    expect(res.status, res.body).toBe(201);
    // The port is the builder pod's now: the CLI pod publishes another one.
    const cliSpec = fromCli.port ? { ...fromCli, port: { ...fromCli.port, hostPort: fromCli.port.hostPort + 1 } } : fromCli;
    const script = dockerRunScript(
      planPod(cliSpec, {
        sample: "builder",
        sourceOf: (ref) => images.find((im) => im.ref === ref)?.source ?? "other",
        extraLabels: { [LABEL_RUN]: RUN_ID },
      }),
    );
    execFileSync("sh", ["-ec", script], { stdio: "ignore" });

    const hostPid = (await getSnapshot()).host.namespacesFrom;
    const built = sharing(fromBuilder.name, hostPid);
    expect(Object.keys(built).sort()).toEqual(fromBuilder.sandbox.kind === "none" ? ["shell", "web"] : [fromBuilder.sandbox.kind, "shell", "web"].sort());
    expect(sharing(cliSpec.name, hostPid)).toEqual(built);
    for (const spec of [fromBuilder, cliSpec]) {
      const web = dockerInspect(`${spec.name}-web`).id;
      const parent = spec.cgroupParent ?? "/docker";
      expect(cgroupFile("memory", parent, web, "memory.limit_in_bytes")).toBe(String(96 * 1024 * 1024));
      expect(cgroupFile("cpu", parent, web, "cpu.cfs_quota_us")).toBe("50000");
      expect(cgroupFile("pids", parent, web, "pids.max")).toBe("64");
    }
    if (fromBuilder.port) {
      const answer = await fetch(`http://127.0.0.1:${fromBuilder.port.hostPort}/`).then((r) => r.text());
      expect(answer).toContain(`<h1>${fromBuilder.name}-web</h1>`);
    }
    // The dashboard sees the CLI-made pod as it sees the builder's.
    const s = await getSnapshot();
    const shared = (pod: string) => {
      const p = s.pods.find((x) => x.name === pod);
      return p?.memberIds.map((id) => s.containers.find((c) => c.id === id)!).map((c) => [c.name.slice(pod.length + 1), c.sharedWithSandbox]);
    };
    expect(shared(cliSpec.name)).toEqual(shared(fromBuilder.name));
  });
});
