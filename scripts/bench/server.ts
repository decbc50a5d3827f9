/** The production server the bench measures: started by the bench, on its own port, with its run id. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { sleep, within } from "./exec";

export interface Server {
  pid: number;
  stop(): Promise<void>;
  /** Synchronous, for exit handlers. */
  killNow(): void;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** True when nothing listens on 127.0.0.1:port and we may bind it. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A port the kernel says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `next start` on 127.0.0.1:port in its own process group, output to logFile. Resolves once
 * the port accepts connections — without any HTTP request, so the first request measured
 * is really the first the server sees.
 */
export async function startServer(port: number, runId: string, logFile: string): Promise<Server> {
  if (!(await portIsFree(port))) throw new Error(`port ${port} is in use: stop what listens there, or set POD_ANATOMY_BENCH_PORT`);
  const log = fs.openSync(logFile, "w");
  const child = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, PORT: String(port), POD_ANATOMY_RUN_ID: runId },
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start next");
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const killNow = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const server: Server = {
    pid,
    killNow,
    async stop() {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        return;
      }
      await within(gone, 5_000);
      killNow();
    },
  };
  for (let i = 0; !(await canConnect(port)); i++) {
    if (exited || i > 600) {
      killNow();
      throw new Error(`the server did not start on port ${port}:\n${fs.readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    await sleep(100);
  }
  return server;
}
