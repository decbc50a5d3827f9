/** The exact `docker run` command lines of a pod's plan. Pure: no I/O. */
import type { PlannedContainer } from "./pod-plan";

/** Quote for a POSIX shell: bare when only safe characters, else single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The arguments after `docker` that create and start one planned container, an option and its value per group. */
function dockerRunParts(c: PlannedContainer): string[][] {
  // Init containers run in the foreground: `docker run` returns when they have completed.
  const parts: string[][] = [c.kind === "init" ? ["run"] : ["run", "-d"], ["--name", c.name]];
  for (const [k, v] of Object.entries(c.labels)) parts.push(["--label", `${k}=${v}`]);
  if (c.networkMode) parts.push(["--net", c.networkMode]);
  if (c.ipcMode) parts.push(["--ipc", c.ipcMode]);
  if (c.pidMode) parts.push(["--pid", c.pidMode]);
  if (c.utsMode) parts.push(["--uts", c.utsMode]);
  if (c.cgroupParent) parts.push(["--cgroup-parent", c.cgroupParent]);
  if (c.memoryBytes !== null) parts.push(["--memory", `${c.memoryBytes / (1024 * 1024)}m`]);
  if (c.nanoCpus !== null) parts.push(["--cpus", String(c.nanoCpus / 1e9)]);
  if (c.pidsLimit !== null) parts.push(["--pids-limit", String(c.pidsLimit)]);
  if (c.port) parts.push(["-p", `${c.port.hostIp}:${c.port.hostPort}:${c.port.containerPort}`]);
  for (const v of c.volumes) {
    const tmpfs = v.tmpfsSizeMi === null ? "" : `,volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=${v.tmpfsSizeMi}m`;
    parts.push(["--mount", `type=volume,dst=${v.target}${tmpfs}`]);
  }
  if (c.volumesFrom) parts.push(["--volumes-from", c.volumesFrom]);
  for (const [k, v] of Object.entries(c.env)) parts.push(["-e", `${k}=${v}`]);
  if (c.entrypoint) parts.push(["--entrypoint", c.entrypoint]);
  parts.push([c.image, ...(c.args ?? [])]);
  return parts;
}

/** The arguments after `docker` that create and start one planned container. */
export function dockerRunArgs(c: PlannedContainer): string[] {
  return dockerRunParts(c).flat();
}

/** The shell commands that make the pod: one `docker run` per container, an option per line. */
export function dockerRunScript(plan: readonly PlannedContainer[]): string {
  return plan
    .map((c) => `docker ${dockerRunParts(c).map((part) => part.map(shellQuote).join(" ")).join(" \\\n    ")}`)
    .join("\n\n");
}
