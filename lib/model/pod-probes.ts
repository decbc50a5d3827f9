/**
 * Probes: the fixed commands that show what a pod's containers share, and the one command
 * of the zombie-reaping experiment. Requests validated with zod; no shell, no free-form argv.
 * Pure: no I/O.
 */
import { z } from "zod";

export const PROBE_KINDS = ["fetch", "ps", "hostname"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const PROBE_LABELS: Record<ProbeKind, string> = {
  fetch: "fetch http://127.0.0.1:PORT/ (wget)",
  ps: "ps: who is PID 1?",
  hostname: "hostname",
};

/** The Docker name of one of the pod's containers. */
const PodContainerRef = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}$/, "a container's name");

export const ProbeRequest = z
  .object({
    probe: z.enum(PROBE_KINDS),
    container: PodContainerRef,
    /** For fetch: the port on 127.0.0.1 of the container's network namespace. */
    port: z.number().int().min(1).max(65535).optional(),
  })
  .strict()
  .refine((r) => (r.probe === "fetch") === (r.port !== undefined), { message: "fetch takes a port, the other probes none", path: ["port"] });
export type ProbeRequest = z.infer<typeof ProbeRequest>;

/** The only commands a probe runs: fixed argv, no shell. */
export function probeArgv(req: ProbeRequest): string[] {
  switch (req.probe) {
    case "fetch":
      // Bounded by timeout(1): Debian's static busybox wget crashes on its own -T.
      return ["timeout", "5", "wget", "-q", "-O", "-", `http://127.0.0.1:${req.port}/`];
    case "ps":
      return ["ps", "-o", "pid,ppid,stat,comm"];
    case "hostname":
      return ["hostname"];
  }
}

export interface ProbeResult {
  probe: ProbeKind;
  container: string;
  argv: string[];
  exitCode: number | null;
  output: string;
  truncated: boolean;
  timedOut: boolean;
}

/** Make an orphan in a container: the one fixed command of the zombie-reaping experiment. */
export const OrphanRequest = z.object({ container: PodContainerRef }).strict();
export type OrphanRequest = z.infer<typeof OrphanRequest>;

/**
 * The shell starts `sleep 1` in the background, prints its PID (in the container's pid
 * namespace) and exits at once: the orphan is re-parented to PID 1 of that namespace,
 * which must reap it when it exits a second later.
 */
export const ORPHAN_ARGV = ["sh", "-c", "sleep 1 >/dev/null 2>&1 & echo $!"];

export interface OrphanResult {
  container: string;
  argv: string[];
  /** The orphan's PID inside the container's pid namespace. */
  pid: number;
}
