/**
 * Record the unit-test fixtures of test/fixtures/cri from a real containerd with the CRI:
 * the raw answers (as @grpc/proto-loader decodes them) of Version, ListPodSandbox,
 * PodSandboxStatus(verbose), ListContainers and ContainerStatus(verbose) for the demo pod,
 * and the errors grpc-js gives for a missing socket, a socket nobody listens on, and a
 * containerd without the CRI (Docker's own). Needs root and a running containerd:
 *
 *   . scripts/lib.sh && ensure_docker_engine && ensure_containerd
 *   npx tsx --conditions react-server scripts/record-cri-fixtures.ts
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LABEL_POD } from "@/lib/model/types";
import { CriClient } from "@/lib/server/runtimes/cri/client";
import { CriRuntime } from "@/lib/server/runtimes/cri/adapter";

const OUT = path.join(process.cwd(), "test", "fixtures", "cri");
const SOCKET = process.env.CRI_SOCKET ?? "/run/containerd/containerd.sock";
const POD = "demo-recorded";

/** The runtime spec in verbose info is kilobytes of OCI JSON the model never reads: shortened. */
function trimInfo(info: Record<string, string>): Record<string, string> {
  if (!info.info) return info;
  const parsed = JSON.parse(info.info) as Record<string, unknown>;
  delete parsed.runtimeSpec;
  delete parsed.cniResult;
  return { ...info, info: JSON.stringify(parsed) };
}

const errorOf = (err: unknown) => ({ code: (err as { code?: number }).code, details: (err as { details?: string }).details });

async function main() {
  const rt = new CriRuntime({ endpoint: SOCKET });
  const client = rt.client;
  await rt.pods!.deletePod(POD);
  await rt.pods!.createCatalogueEntry("ghost-behind-nginx", { suffix: "recorded", hostPort: 8881 });
  try {
    const selector = { label_selector: { [LABEL_POD]: POD } };
    const sandboxes = await client.listPodSandbox(selector);
    const containers = await client.listContainers(selector);
    const sandboxStatuses = await Promise.all(sandboxes.map(async (s) => {
      const st = await client.podSandboxStatus(s.id);
      return { ...st, info: trimInfo(st.info) };
    }));
    const containerStatuses = await Promise.all(containers.map(async (c) => {
      const st = await client.containerStatus(c.id);
      return { ...st, info: trimInfo(st.info) };
    }));
    const version = await client.version();
    fs.mkdirSync(OUT, { recursive: true });
    const write = (name: string, data: unknown) => fs.writeFileSync(path.join(OUT, name), JSON.stringify(data, null, 2) + "\n");
    write("version.json", version);
    write("list-pod-sandbox.json", sandboxes);
    write("pod-sandbox-status.json", sandboxStatuses);
    write("list-containers.json", containers);
    write("container-status.json", containerStatuses);

    // The errors, as grpc-js reports them.
    const errors: Record<string, unknown> = {};
    const ask = async (name: string, socket: string) => {
      const c = new CriClient({ endpoint: socket });
      try {
        await c.version();
        errors[name] = "answered";
      } catch (err) {
        errors[name] = { socket, ...errorOf(err) };
      } finally {
        c.close();
      }
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pa-cri-rec-"));
    await ask("socket-missing", path.join(dir, "none.sock"));
    // A socket file nobody listens on (bound, never listening): connect gets ECONNREFUSED.
    const dead = path.join(dir, "dead.sock");
    execFileSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", dead]);
    await ask("no-daemon", dead);
    await ask("wrong-api", "/var/run/docker/containerd/containerd.sock");
    write("errors.json", errors);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`recorded ${sandboxes.length} sandbox(es) and ${containers.length} containers into ${OUT}`);
  } finally {
    await rt.pods!.deletePod(POD);
    rt.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
