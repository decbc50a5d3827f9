import "server-only";
import { buildSnapshot } from "@/lib/model/build-snapshot";
import type { ContainerFacts, EngineStatus, Snapshot } from "@/lib/model/types";
import { cgroupReader } from "./cgroupfs";
import { explainEngineError, getDockerClient, type DockerClient } from "./docker";
import { readHostFacts, scanProcesses } from "./procfs";

export interface SnapshotSources {
  docker: DockerClient;
  procRoot: string;
  cgroupRoot: string;
}

async function readEngine(docker: DockerClient): Promise<{ engine: EngineStatus; containers: ContainerFacts[] }> {
  try {
    const [version, containers] = await Promise.all([docker.version(), docker.listContainers()]);
    return { engine: { state: "ok", endpoint: docker.endpoint, ...version }, containers };
  } catch (err) {
    return { engine: { state: "unreachable", endpoint: docker.endpoint, ...explainEngineError(err, docker.endpoint) }, containers: [] };
  }
}

/** Read the engine and the kernel (procfs, cgroupfs: each file once), and build a snapshot. */
export async function readSnapshot(sources: SnapshotSources): Promise<Snapshot> {
  const takenAt = new Date().toISOString();
  const enginePromise = readEngine(sources.docker);
  // procfs is read synchronously while the engine answers (measured several times faster than fs/promises).
  const scan = scanProcesses(sources.procRoot);
  const host = readHostFacts({ procRoot: sources.procRoot, cgroupRoot: sources.cgroupRoot });
  const { engine, containers } = await enginePromise;
  // cgroupfs is read after the engine answered: only the cgroups of the containers drawn.
  const readCgroup = cgroupReader({ root: sources.cgroupRoot, version: host.cgroupVersion });
  return buildSnapshot({ takenAt, host, engine, containers, scan, readCgroup });
}

let inFlight: Promise<Snapshot> | null = null;

/** The server's snapshot: concurrent requests share one scan, never two at once. */
export function takeSnapshot(): Promise<Snapshot> {
  inFlight ??= readSnapshot({ docker: getDockerClient(), procRoot: "/proc", cgroupRoot: "/sys/fs/cgroup" }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}
