/**
 * Extra production servers for tests that need another environment than the main test
 * server (another DOCKER_HOST, another user, a restart): the same build, started from the
 * same directory, on the main server's port + 1 or + 2 (3999 → 4000/4001 under `npm test`).
 * They inherit POD_ANATOMY_RUN_ID, so whatever they create is cleaned up by the same label.
 */
import { spawn } from "node:child_process";
import { BASE_URL, rawRequest } from "./api";

export interface ExtraServer {
  url: string;
  /** PID of the server process itself (what /proc and `ss` show for the port). */
  pid: number;
  /** Everything the server printed so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<void>;
}

export function extraPort(offset: 1 | 2): number {
  return Number(new URL(BASE_URL).port) + offset;
}

/** Start `next start` with `env` added, and wait until GET /api/snapshot answers 200. */
export async function startExtraServer(
  offset: 1 | 2,
  env: Record<string, string>,
  opts: { uid?: number; gid?: number; hostname?: string } = {},
): Promise<ExtraServer> {
  const port = String(extraPort(offset));
  const hostname = opts.hostname ?? "127.0.0.1";
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", hostname, "-p", port], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: port, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (ended()) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const server: ExtraServer = {
    url: `http://localhost:${port}`,
    pid: child.pid!,
    log: () => output,
    stop: () => signal("SIGTERM", 10_000),
    kill: () => signal("SIGKILL", 0),
  };
  for (let i = 0; i < 240; i++) {
    if (ended()) throw new Error(`the server on port ${port} exited:\n${output}`);
    try {
      const res = await rawRequest("GET", "/api/snapshot", { Host: `localhost:${port}` }, undefined, server.url);
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`the server on port ${port} did not answer within 60 s:\n${output}`);
}
