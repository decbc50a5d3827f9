import "server-only";
import { ORPHAN_ARGV, probeArgv, type OrphanResult, type ProbeRequest, type ProbeResult } from "@/lib/model/pod-probes";
import type { ContainerFacts } from "@/lib/model/types";
import type { PodOperations } from "./runtimes/runtime";

/**
 * The allow-listed commands run in a pod's containers (the runtime's exec, fixed argv, no shell
 * from the request): the probes (fetch another container's port over 127.0.0.1, ps, hostname)
 * and the orphan of the zombie-reaping experiment. Only in containers carrying our app
 * label and the pod's label; output and time are bounded.
 */

const EXEC_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_BYTES = 16 * 1024;

export class ExecTargetError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ExecTargetError";
  }
}

async function runningPodContainer(ops: PodOperations, pod: string, name: string): Promise<ContainerFacts> {
  const container = (await ops.podContainers(pod)).find((c) => c.name === name);
  if (!container) {
    throw new ExecTargetError(404, `No container ${name} in a pod ${pod} made by Pod Anatomy`, "Probes run only in the containers of pods created here.");
  }
  if (container.state !== "running") {
    throw new ExecTargetError(409, `${name} is ${container.state}, not running`, "Only a running container can run a probe.");
  }
  return container;
}

export async function runProbe(ops: PodOperations, pod: string, req: ProbeRequest): Promise<ProbeResult> {
  const container = await runningPodContainer(ops, pod, req.container);
  const argv = probeArgv(req);
  const r = await ops.exec(container.id, argv, { timeoutMs: EXEC_TIMEOUT_MS, maxBytes: MAX_OUTPUT_BYTES });
  return {
    probe: req.probe,
    container: container.name,
    argv,
    exitCode: r.exitCode,
    output: r.stdout + r.stderr,
    truncated: r.truncated,
    timedOut: r.timedOut,
  };
}

export async function makeOrphan(ops: PodOperations, pod: string, containerName: string): Promise<OrphanResult> {
  const container = await runningPodContainer(ops, pod, containerName);
  const r = await ops.exec(container.id, ORPHAN_ARGV, { timeoutMs: EXEC_TIMEOUT_MS, maxBytes: 256 });
  const pid = Number(r.stdout.trim());
  if (r.exitCode !== 0 || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`the orphan could not be made in ${container.name}: exit ${r.exitCode}, ${(r.stdout + r.stderr).trim() || "no output"}`);
  }
  return { container: container.name, argv: ORPHAN_ARGV, pid };
}
